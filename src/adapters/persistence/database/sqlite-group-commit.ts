import { CompiledQuery, type Kysely } from "kysely";
import type { Database } from "../entities/index.js";

type Unit<T> = (db: Kysely<Database>) => Promise<T>;

interface QueuedUnit {
  run: Unit<unknown>;
  /** Several statements, undone together when one fails (a savepoint around them). */
  atomic: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const maxUnitsPerCommit = 1000;
const savepoint = CompiledQuery.raw("savepoint unit");
const release = CompiledQuery.raw("release unit");
const rollbackTo = CompiledQuery.raw("rollback to unit");

/**
 * SQLite writes are group-committed: the units of work issued during one event-loop turn run
 * in one transaction on the next turn, each resolving after that COMMIT. A commit costs far
 * more than a statement (~150 µs on the target disk even with synchronous = NORMAL), so this
 * is what lets one SQLite file keep up with the API. A unit that fails (a constraint, say) is
 * undone alone and rejects alone; the others still commit: a unit of several statements runs
 * under a savepoint, and a single statement is undone by SQLite itself.
 */
export class SqliteGroupCommit {
  private queue: QueuedUnit[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly transaction: (work: (db: Kysely<Database>) => Promise<void>) => Promise<void>,
  ) {}

  enqueue<T>(run: Unit<T>, atomic: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, atomic, resolve: resolve as (value: unknown) => void, reject });
      this.flushing ??= new Promise<void>((done) => setImmediate(done)).then(() => this.flush());
    });
  }

  /** Resolves once every unit queued so far is settled. */
  async drain(): Promise<void> {
    while (this.flushing !== null) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, maxUnitsPerCommit);
      const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
      try {
        await this.transaction(async (db) => {
          for (const unit of batch) outcomes.push(await runUnit(db, unit));
        });
      } catch (error) {
        // The transaction itself failed (disk full, I/O error): nothing of it was stored.
        for (const unit of batch) unit.reject(error);
        continue;
      }
      batch.forEach((unit, index) => {
        const outcome = outcomes[index];
        if (outcome?.ok) unit.resolve(outcome.value);
        else unit.reject(outcome?.error);
      });
    }
    this.flushing = null;
  }
}

async function runUnit(
  db: Kysely<Database>,
  unit: QueuedUnit,
): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  if (!unit.atomic) {
    try {
      return { ok: true, value: await unit.run(db) };
    } catch (error) {
      return { ok: false, error };
    }
  }
  await db.executeQuery(savepoint);
  try {
    const value = await unit.run(db);
    await db.executeQuery(release);
    return { ok: true, value };
  } catch (error) {
    await db.executeQuery(rollbackTo);
    await db.executeQuery(release);
    return { ok: false, error };
  }
}
