import type { ExecutionEvent } from "../../domain/execution/execution-event.js";
import type { ExecutionEventBus } from "../../ports/execution-event-bus.js";

type Listener = (event: ExecutionEvent) => void;

/** Fan-out of execution events to the watchers in this process. */
export class InProcessEventBus implements ExecutionEventBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  publish(event: ExecutionEvent): void {
    const set = this.listeners.get(event.executionId);
    if (set === undefined) return;
    for (const listener of set) listener(event);
  }

  subscribe(executionId: string, listener: Listener): () => void {
    let set = this.listeners.get(executionId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(executionId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(executionId);
    };
  }
}
