import type { CheckpointEntry, EngineCheckpoint } from "../../domain/engine/engine-types.js";

/**
 * A checkpoint as it crosses from a worker to the pool: `settled` grows by a node or two between
 * checkpoints of a run, so only the entries after the first `settledFrom` travel; those are the
 * first entries of the previous checkpoint of the run the pool has (the one the run started
 * from, or the latest non-null one posted).
 */
export type CheckpointDelta = Omit<EngineCheckpoint, "settled"> & {
  settledFrom: number;
  settled: CheckpointEntry[];
};

/** Worker: the delta against `base`, the previous checkpoint of the run sent or received. */
export function checkpointDelta(
  checkpoint: EngineCheckpoint,
  base: EngineCheckpoint | null,
): CheckpointDelta {
  const all = checkpoint.settled;
  const settledFrom = base === null ? 0 : commonPrefix(base.settled, all);
  return { ...checkpoint, settledFrom, settled: settledFrom === 0 ? all : all.slice(settledFrom) };
}

/** Pool: the whole checkpoint, from the delta and the same `base` the worker used. */
export function applyCheckpointDelta(
  delta: CheckpointDelta,
  base: EngineCheckpoint | null,
): EngineCheckpoint {
  const { settledFrom, settled, ...rest } = delta;
  if (settledFrom === 0) return { ...rest, settled };
  if (base === null || base.settled.length < settledFrom) {
    throw new Error(`checkpoint delta from entry ${settledFrom} without a base that long`);
  }
  return { ...rest, settled: base.settled.slice(0, settledFrom).concat(settled) };
}

/**
 * Entries settle once, in order, and never change afterwards, so the previous checkpoint's
 * entries are the first ones of the next; checked on what identifies them, should a replay
 * ever settle them differently.
 */
function commonPrefix(before: readonly CheckpointEntry[], after: readonly CheckpointEntry[]) {
  const n = Math.min(before.length, after.length);
  for (let i = 0; i < n; i++) {
    const a = before[i] as CheckpointEntry;
    const b = after[i] as CheckpointEntry;
    if (a.nodeId !== b.nodeId || a.status !== b.status || a.port !== b.port) return i;
  }
  return n;
}
