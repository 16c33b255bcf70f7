import { randomUUID } from "node:crypto";
import pg from "pg";
import type { ExecutionEvent } from "../../../domain/execution/execution-event.js";
import type { Logger } from "../../../ports/logger.js";
import type {
  CoordinationListener,
  ProcessCoordination,
} from "../../../ports/process-coordination.js";
import { decodeEvent, encodeEvent } from "./event-codec.js";
import { livenessLockClass } from "./liveness-lock.js";

const channel = {
  work: "waddlebot_work",
  cancel: "waddlebot_cancel",
  events: "waddlebot_events",
  watch: "waddlebot_watch",
};
const terminal = new Set(["completed", "failed", "cancelled"]);
const firstRetryMs = 100;
const maxRetryMs = 5_000;

/**
 * One dedicated PostgreSQL session per process (outside the pool, which recycles connections):
 * it holds the runner's liveness lock, LISTENs for work, cancels and events, and sends this
 * process's notifications. Payloads carry this process's tag so it ignores its own echoes.
 * Events are sent only for executions watched in another process: a process announces what its
 * watchers follow ("+id", "-id"; all again when asked with "?", which a (re)connected process
 * asks), and the process running an execution that someone starts watching sends a "re-read"
 * for it, covering what it stored before it heard of the watcher.
 * When the session drops it reconnects with backoff, takes the lock again, listens again and
 * tells the listener to resync (whatever was sent meanwhile is lost).
 */
export class PostgresCoordination implements ProcessCoordination {
  private client: pg.Client | null = null;
  private ownerId = "";
  private listener: CoordinationListener | null = null;
  private stopped = false;
  private held = false;
  private retryMs = firstRetryMs;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly tag = randomUUID();
  private outgoing: { channel: string; payload: string }[] = [];
  /** Executions watched here. */
  private readonly watchedHere = new Set<string>();
  /** Executions watched elsewhere, with the tags of the processes watching. */
  private readonly watchedElsewhere = new Map<string, Set<string>>();
  private flushScheduled = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  get live(): boolean {
    return this.held;
  }

  async start(ownerId: string, listener: CoordinationListener): Promise<void> {
    this.ownerId = ownerId;
    this.listener = listener;
    this.stopped = false;
    await this.connect();
  }

  announceWork(): void {
    // One wake-up per turn is enough: it makes idle runners claim whatever is there.
    if (this.outgoing.some((n) => n.channel === channel.work)) return;
    this.send(channel.work, this.tag);
  }

  async announceCancel(executionId: string): Promise<void> {
    const client = this.client;
    if (client === null) return;
    await client.query("select pg_notify($1, $2)", [channel.cancel, executionId]);
  }

  publish(event: ExecutionEvent): void {
    const id = event.executionId;
    if (!this.watchedElsewhere.has(id)) return;
    this.send(channel.events, `${this.tag} ${id} ${encodeEvent(event)}`);
    if (event.kind === "status" && terminal.has(event.status)) this.watchedElsewhere.delete(id);
  }

  watch(executionId: string): void {
    this.watchedHere.add(executionId);
    this.send(channel.watch, `${this.tag} +${executionId}`);
  }

  unwatch(executionId: string): void {
    this.watchedHere.delete(executionId);
    this.send(channel.watch, `${this.tag} -${executionId}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.held = false;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    // What is still queued (the wake-up for the leases a shutdown released) goes out first.
    await this.flush();
    const client = this.client;
    this.client = null;
    // Ending the session releases the lock and every LISTEN.
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: "waddlebot-coordination",
      keepAlive: true,
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, null));
    client.on("notification", (message) => this.received(message.channel, message.payload ?? ""));
    try {
      await client.connect();
      // Waits while an earlier session of this process still holds it (a drop not yet noticed).
      await client.query("select pg_advisory_lock($1::int4, hashtext($2))", [
        livenessLockClass,
        this.ownerId,
      ]);
      await client.query(
        `listen ${channel.work}; listen ${channel.cancel}; listen ${channel.events}; listen ${channel.watch}`,
      );
    } catch (error) {
      client.removeAllListeners("end");
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.held = true;
    this.retryMs = firstRetryMs;
    // What the others watch (this process may have missed it), and what is watched here.
    this.send(channel.watch, `${this.tag} ?`);
    for (const id of this.watchedHere) this.send(channel.watch, `${this.tag} +${id}`);
  }

  private lost(client: pg.Client, error: Error | null): void {
    if (client !== this.client) return;
    this.client = null;
    this.held = false;
    client.removeAllListeners("end");
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.logger.warn(
      { event_type: "SYSTEM", action: "coordination_lost", result: "FAILURE", err: error },
      "the coordination connection to PostgreSQL was lost; reconnecting",
    );
    this.reconnectLater();
  }

  private reconnectLater(): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().then(
        () => {
          if (this.stopped) return;
          this.logger.info(
            { event_type: "SYSTEM", action: "coordination_restored", result: "SUCCESS" },
            "the coordination connection to PostgreSQL is back",
          );
          this.listener?.resync();
        },
        () => {
          this.retryMs = Math.min(maxRetryMs, this.retryMs * 2);
          if (!this.stopped) this.reconnectLater();
        },
      );
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private send(name: string, payload: string): void {
    this.outgoing.push({ channel: name, payload });
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flush());
  }

  /** The notifications of one turn in one statement. */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.outgoing;
    this.outgoing = [];
    const client = this.client;
    if (client === null || batch.length === 0) return;
    await client
      .query("select pg_notify(c, p) from unnest($1::text[], $2::text[]) as n(c, p)", [
        batch.map((n) => n.channel),
        batch.map((n) => n.payload),
      ])
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.warn(
            { event_type: "SYSTEM", action: "notify", result: "FAILURE", err: error },
            "sending notifications failed; other processes fall back to their safety poll",
          ),
      );
  }

  private received(name: string, payload: string): void {
    const listener = this.listener;
    if (listener === null) return;
    if (name === channel.work) {
      if (payload !== this.tag) listener.work();
    } else if (name === channel.cancel) {
      listener.cancel(payload);
    } else if (name === channel.watch) {
      this.watchNotice(payload, listener);
    } else if (name === channel.events) {
      // "<tag> <execution id> <event>": decoded only when someone here watches that run.
      const first = payload.indexOf(" ");
      const second = payload.indexOf(" ", first + 1);
      if (first < 0 || second < 0 || payload.slice(0, first) === this.tag) return;
      if (!listener.watching(payload.slice(first + 1, second))) return;
      const event = decodeEvent(payload.slice(second + 1));
      if (event !== null) listener.event(event);
    }
  }

  private watchNotice(payload: string, listener: CoordinationListener): void {
    const space = payload.indexOf(" ");
    const from = payload.slice(0, space);
    const notice = payload.slice(space + 1);
    if (space < 0 || from === this.tag) return;
    if (notice === "?") {
      for (const id of this.watchedHere) this.send(channel.watch, `${this.tag} +${id}`);
      return;
    }
    const id = notice.slice(1);
    if (notice.startsWith("-")) {
      const tags = this.watchedElsewhere.get(id);
      tags?.delete(from);
      if (tags?.size === 0) this.watchedElsewhere.delete(id);
      return;
    }
    const tags = this.watchedElsewhere.get(id) ?? new Set<string>();
    tags.add(from);
    this.watchedElsewhere.set(id, tags);
    if (listener.runsHere(id)) {
      const reread = JSON.stringify({ kind: "stored", executionId: id });
      this.send(channel.events, `${this.tag} ${id} ${reread}`);
    }
  }
}
