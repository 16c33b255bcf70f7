import type { ExecutionEvent } from "../domain/execution/execution-event.js";

/**
 * Something changed in the stored state of an execution that no event described (an event too
 * large for a notification, or notifications possibly missed): watchers re-read it.
 */
export interface StoredChange {
  kind: "stored";
  executionId: string;
}

/** What a subscriber is told. */
export type BusEvent = ExecutionEvent | StoredChange;

/**
 * Live execution events. In-process on SQLite; on PostgreSQL events also reach watchers in the
 * other processes (through the process coordination).
 */
export interface ExecutionEventBus {
  publish(event: ExecutionEvent): void;
  /** Returns the function that ends the subscription. */
  subscribe(executionId: string, listener: (event: BusEvent) => void): () => void;
}
