/**
 * Re-renders the markdown tables of a saved result: node --import tsx bench/api/render.ts
 * bench/results/api-<timestamp>.json
 */
import { readFile } from "node:fs/promises";
import type { CalibrationResult } from "./calibration.js";
import type { FloorResult } from "./framework-floor.js";
import { type MachineInfo, markdown } from "./report.js";
import type { DialectResult } from "./suite.js";

const file = process.argv[2];
if (file === undefined) throw new Error("usage: render.ts <bench/results/api-*.json>");
const saved = JSON.parse(await readFile(file, "utf8")) as {
  machine: MachineInfo;
  calibration: { start: CalibrationResult[]; end: CalibrationResult[] };
  results: DialectResult[];
  frameworkFloor?: FloorResult | null;
};
process.stdout.write(
  markdown(saved.machine, saved.calibration, saved.results, saved.frameworkFloor ?? null),
);
