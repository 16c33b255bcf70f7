import type { EngineCheckpoint } from "../../../domain/engine/engine-types.js";
import type { JsonValue } from "../../../domain/json.js";
import type { ParkedRun } from "../../../ports/execution-repository.js";
import type { RunEnd } from "../run-end.js";

/** What the repository stores for a run the engine stopped as waiting. */
export function parkedRunOf(
  executionId: string,
  end: RunEnd,
  checkpoint: JsonValue | null,
): ParkedRun {
  const wait = end.wait;
  if (wait === null || wait === undefined || checkpoint === null) {
    // The engine stops as waiting only when it can take a checkpoint and something parked.
    throw new Error(`execution ${executionId} stopped waiting without a wait or checkpoint`);
  }
  return {
    executionId,
    reason: wait.reason,
    wakeAt: Number.isFinite(wait.wakeAtMs) ? new Date(wait.wakeAtMs) : null,
    nodeIds: wait.nodeIds,
    checkpoint,
  };
}

/** The earliest timer of a resumed run's checkpoint that is due at `nowMs`, or null. */
export function dueWakeAtMs(checkpoint: JsonValue | null, nowMs: number): number | null {
  const waits = (checkpoint as EngineCheckpoint | null)?.waits;
  if (waits === undefined || waits.length === 0) return null;
  let due: number | null = null;
  for (const wait of waits) {
    if (wait.wakeAtMs <= nowMs && (due === null || wait.wakeAtMs < due)) due = wait.wakeAtMs;
  }
  return due;
}

/** Whether a claimed run's checkpoint has parked nodes (it was parked, or crashed as it parked). */
export function hasWaits(checkpoint: JsonValue | null): boolean {
  return ((checkpoint as EngineCheckpoint | null)?.waits?.length ?? 0) > 0;
}
