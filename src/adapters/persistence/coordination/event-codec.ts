import type { ExecutionEvent } from "../../../domain/execution/execution-event.js";
import type { NodeRun } from "../../../domain/execution/node-run.js";
import type { BusEvent, StoredChange } from "../../../ports/execution-event-bus.js";

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const maxPayloadBytes = 7900;

/**
 * An event as a notification payload (JSON; dates as ISO text), or, when that would be too
 * large, a StoredChange telling watchers to read the stored state.
 */
export function encodeEvent(event: ExecutionEvent): string {
  const text = JSON.stringify(event);
  if (Buffer.byteLength(text) <= maxPayloadBytes) return text;
  return JSON.stringify({ kind: "stored", executionId: event.executionId } satisfies StoredChange);
}

/** The event of a payload `encodeEvent` made, with its dates restored; null when malformed. */
export function decodeEvent(payload: string): BusEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const event = value as Record<string, unknown>;
  if (typeof event.executionId !== "string") return null;
  if (event.kind === "stored") return { kind: "stored", executionId: event.executionId };
  if (event.kind === "status") {
    const status = event as unknown as Extract<ExecutionEvent, { kind: "status" }>;
    const wait = status.wait;
    if (wait === undefined || wait === null)
      return { ...status, time: new Date(String(event.time)) };
    // A parked run's wake-up crosses as ISO text too.
    const wakeAt = wait.wakeAt === null ? null : new Date(String(wait.wakeAt));
    return { ...status, time: new Date(String(event.time)), wait: { ...wait, wakeAt } };
  }
  if (event.kind === "node_run" && typeof event.nodeRun === "object" && event.nodeRun !== null) {
    const run = event.nodeRun as Record<string, unknown> & NodeRun;
    const nodeRun: NodeRun = {
      ...run,
      startedAt: run.startedAt === null ? null : new Date(String(run.startedAt)),
      completedAt: run.completedAt === null ? null : new Date(String(run.completedAt)),
      logs: (run.logs ?? []).map((line) => ({ ...line, time: new Date(String(line.time)) })),
    };
    return {
      kind: "node_run",
      executionId: event.executionId,
      time: new Date(String(event.time)),
      nodeRun,
    };
  }
  return null;
}
