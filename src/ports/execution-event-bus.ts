import type { ExecutionEvent } from "../domain/execution/execution-event.js";

/** Live execution events inside one process (watchers in other processes fall back to polling). */
export interface ExecutionEventBus {
  publish(event: ExecutionEvent): void;
  /** Returns the function that ends the subscription. */
  subscribe(executionId: string, listener: (event: ExecutionEvent) => void): () => void;
}
