import type { ExecutionEvent } from "../../domain/execution/execution-event.js";
import type { BusEvent, ExecutionEventBus } from "../../ports/execution-event-bus.js";
import type { ProcessCoordination } from "../../ports/process-coordination.js";
import { InProcessEventBus } from "./in-process-event-bus.js";

/**
 * The event bus of a process sharing its database with others: events published here reach
 * local watchers at once and the other processes through the coordination's notifications;
 * events from the other processes (`deliver`) reach local watchers.
 */
export class SharedEventBus implements ExecutionEventBus {
  private readonly local = new InProcessEventBus();

  constructor(private readonly coordination: ProcessCoordination) {}

  publish(event: ExecutionEvent): void {
    this.local.publish(event);
    this.coordination.publish(event);
  }

  subscribe(executionId: string, listener: (event: BusEvent) => void): () => void {
    if (!this.local.watching(executionId)) this.coordination.watch(executionId);
    const unsubscribe = this.local.subscribe(executionId, listener);
    return () => {
      unsubscribe();
      if (!this.local.watching(executionId)) this.coordination.unwatch(executionId);
    };
  }

  watching(executionId: string): boolean {
    return this.local.watching(executionId);
  }

  /** An event another process stored. */
  deliver(event: BusEvent): void {
    this.local.publish(event);
  }

  /** Notifications may have been missed: every watcher here re-reads its execution. */
  resync(): void {
    for (const executionId of this.local.watched()) {
      this.local.publish({ kind: "stored", executionId });
    }
  }
}
