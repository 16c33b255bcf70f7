import type { ExecutionEvent } from "../domain/execution/execution-event.js";
import type { BusEvent } from "./execution-event-bus.js";

/** What other service processes on the same database tell this one. */
export interface CoordinationListener {
  /** New work was queued that its process could not take: claim now. */
  work(): void;
  /** A cancel was requested for this execution: abort it if it runs here. */
  cancel(executionId: string): void;
  /** Whether anyone here follows this execution (events of others are not even decoded). */
  watching(executionId: string): boolean;
  /** Whether this process runs the execution now. */
  runsHere(executionId: string): boolean;
  /** An execution event stored by another process. */
  event(event: BusEvent): void;
  /**
   * The connection to the other processes was lost and is back: anything may have been
   * missed meanwhile (claim, re-check cancels, re-read watched executions).
   */
  resync(): void;
}

/**
 * How the service processes sharing one PostgreSQL database coordinate: a liveness lock per
 * runner (a run whose owner's lock is gone is claimable at once) and notifications for new
 * work, cancel requests and execution events. SQLite has none: one process owns the file.
 */
export interface ProcessCoordination {
  /**
   * Takes the liveness lock of `ownerId` and starts listening. Resolves once both hold; keeps
   * them (reconnecting when the connection drops) until `stop`.
   */
  start(ownerId: string, listener: CoordinationListener): Promise<void>;
  /** True while the liveness lock is held: a runner claims only then. */
  readonly live: boolean;
  /** Wakes idle runners in the other processes. */
  announceWork(): void;
  /** Tells the process running this execution to abort it now; resolves once sent. */
  announceCancel(executionId: string): Promise<void>;
  /**
   * Passes an event, once stored, to watchers in the other processes (only events of
   * executions someone elsewhere watches are sent).
   */
  publish(event: ExecutionEvent): void;
  /** Someone here started following this execution: other processes forward its events. */
  watch(executionId: string): void;
  /** Nobody here follows it any more. */
  unwatch(executionId: string): void;
  /** Releases the lock and stops listening. */
  stop(): Promise<void>;
}
