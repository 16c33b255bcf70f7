/**
 * Summarises V8 .cpuprofile files (from `--cpu-prof`): self time by where the code lives
 * (a package in node_modules, a folder of src/, node internals, GC, idle) and the functions
 * with the most self time.
 *
 *   node --import tsx bench/api/profile-summary.ts <file.cpuprofile | folder> [--top 30]
 *     [--callers queryAll,queryRun]   (where the self time of these functions comes from)
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Self time of `callersOf` functions, by the nearest src/ caller outside their own file. */
  callers: { caller: string; ms: number; share: number }[];
  byArea: { area: string; ms: number; share: number }[];
  topFunctions: { fn: string; where: string; ms: number; share: number }[];
}

export async function summariseProfile(
  file: string,
  top = 25,
  callersOf: string[] = [],
): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  let total = 0;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  const callers = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    total += us;
    const frame = node.callFrame;
    const area = areaOf(frame.functionName, frame.url);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${frame.functionName || "(anonymous)"}\t${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    if (callersOf.includes(frame.functionName)) {
      const caller = nearestSrcCaller(id, frame.url, byId, parentOf);
      callers.set(caller, (callers.get(caller) ?? 0) + us);
    }
  }
  const share = (us: number) => Math.round((us / total) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 1000);
  return {
    file,
    totalMs: ms(total),
    callers: [...callers]
      .sort((a, b) => b[1] - a[1])
      .map(([caller, us]) => ({ caller, ms: ms(us), share: share(us) })),
    byArea: [...areas]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, ms: ms(us), share: share(us) })),
    topFunctions: [...functions]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => {
        const [fn, where] = key.split("\t");
        return { fn: fn ?? "", where: where ?? "", ms: ms(us), share: share(us) };
      }),
  };
}

/** The first frame up the stack in src/, outside the file of the sampled function. */
function nearestSrcCaller(
  id: number,
  ownUrl: string,
  byId: Map<number, ProfileNode>,
  parentOf: Map<number, number>,
): string {
  const chain: string[] = [];
  let current = parentOf.get(id);
  while (current !== undefined) {
    const frame = byId.get(current)?.callFrame;
    if (frame !== undefined && frame.url !== ownUrl && frame.url.includes("/src/")) {
      chain.push(`${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}`);
      if (chain.length === 2) break;
    }
    current = parentOf.get(current);
  }
  return chain.length === 0 ? "(no src caller)" : chain.join(" < ");
}

function areaOf(functionName: string, url: string): string {
  if (url === "") {
    if (functionName === "(idle)") return "(idle)";
    if (functionName === "(garbage collector)") return "(gc)";
    if (functionName === "(program)") return "(program)";
    return "(native)";
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  if (url.startsWith("node:")) return url.split("/").slice(0, 2).join("/");
  const src = /\/src\/(.+)\/[^/]+$/.exec(url);
  if (src) return `src/${src[1]}`;
  return shortUrl(url);
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/(node_modules|src|test|bench)\//, "$1/");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const topIndex = args.indexOf("--top");
  const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
  const callersIndex = args.indexOf("--callers");
  const callersOf = callersIndex >= 0 ? (args[callersIndex + 1] ?? "").split(",") : [];
  const optionValues = new Set([topIndex, callersIndex].filter((i) => i >= 0).map((i) => i + 1));
  const target = args.find((a, i) => !a.startsWith("--") && !optionValues.has(i));
  if (target === undefined) throw new Error("usage: profile-summary.ts <file|folder> [--top N]");
  const files = (await stat(target)).isDirectory()
    ? (await readdir(target)).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(target, f))
    : [target];
  for (const file of files) {
    const summary = await summariseProfile(file, top, callersOf);
    process.stdout.write(`${summary.file}: ${summary.totalMs} ms sampled\n\nby area:\n`);
    for (const a of summary.byArea.slice(0, 25)) {
      process.stdout.write(
        `  ${String(a.share).padStart(5)}%  ${String(a.ms).padStart(7)} ms  ${a.area}\n`,
      );
    }
    process.stdout.write("\ntop functions (self time):\n");
    for (const f of summary.topFunctions) {
      process.stdout.write(
        `  ${String(f.share).padStart(5)}%  ${String(f.ms).padStart(7)} ms  ${f.fn}  ${f.where}\n`,
      );
    }
    if (summary.callers.length > 0) {
      process.stdout.write(`\nself time of ${callersOf.join(", ")} by caller:\n`);
      for (const c of summary.callers.slice(0, top)) {
        process.stdout.write(
          `  ${String(c.share).padStart(5)}%  ${String(c.ms).padStart(7)} ms  ${c.caller}\n`,
        );
      }
    }
    process.stdout.write("\n");
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
