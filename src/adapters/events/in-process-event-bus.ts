import type { BusEvent, ExecutionEventBus } from "../../ports/execution-event-bus.js";

type Listener = (event: BusEvent) => void;

/** Fan-out of execution events to the watchers in this process. */
export class InProcessEventBus implements ExecutionEventBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  publish(event: BusEvent): void {
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

  watching(executionId: string): boolean {
    return this.listeners.has(executionId);
  }

  /** The executions someone here watches. */
  watched(): string[] {
    return [...this.listeners.keys()];
  }
}
