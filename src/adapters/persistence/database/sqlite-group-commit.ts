import { CompiledQuery, type QueryResult } from "kysely";
import type { QueryRunner } from "./statement.js";

type Unit<T> = (db: QueryRunner) => Promise<T>;

interface QueuedUnit {
  run: Unit<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const maxUnitsPerCommit = 1000;
const savepoint = CompiledQuery.raw("savepoint unit");
const release = CompiledQuery.raw("release unit");
const rollbackTo = CompiledQuery.raw("rollback to unit");

/** A unit failed after some of its statements had run: the group must be redone unit by unit. */
class UnitFailedMidway extends Error {}

/**
 * SQLite writes are group-committed: the units of work issued during one event-loop turn run
 * in one transaction on the next turn, each resolving after that COMMIT. A commit costs far
 * more than a statement (~150 µs on the target disk even with synchronous = NORMAL), so this
 * is what lets one SQLite file keep up with the API.
 *
 * A unit that fails (a constraint, say) is undone alone and rejects alone; the others still
 * commit. On the fast path no savepoints are taken: a unit that fails at its first statement
 * has changed nothing (SQLite undoes a failed statement itself), which is how every unit of the
 * hot paths fails. A unit that fails after one of its statements succeeded rolls the whole
 * group back, and the group is done again with a savepoint around each unit.
 */
export class SqliteGroupCommit {
  private queue: QueuedUnit[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly transaction: (work: (db: QueryRunner) => Promise<void>) => Promise<void>,
  ) {}

  enqueue<T>(run: Unit<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
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
      let outcomes: Outcome[];
      try {
        outcomes = await this.commit(batch, runOptimistically);
      } catch (error) {
        try {
          outcomes =
            error instanceof UnitFailedMidway ? await this.commit(batch, runUnderSavepoint) : [];
          if (outcomes.length === 0) throw error;
        } catch (failure) {
          // The transaction itself failed (disk full, I/O error): nothing of it was stored.
          for (const unit of batch) unit.reject(failure);
          continue;
        }
      }
      batch.forEach((unit, index) => {
        const outcome = outcomes[index];
        if (outcome?.ok) unit.resolve(outcome.value);
        else unit.reject(outcome?.error);
      });
    }
    this.flushing = null;
  }

  private async commit(
    batch: readonly QueuedUnit[],
    runUnit: (db: QueryRunner, unit: QueuedUnit) => Promise<Outcome>,
  ): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    await this.transaction(async (db) => {
      for (const unit of batch) outcomes.push(await runUnit(db, unit));
    });
    return outcomes;
  }
}

async function runOptimistically(db: QueryRunner, unit: QueuedUnit): Promise<Outcome> {
  const counted = new CountingRunner(db);
  try {
    return { ok: true, value: await unit.run(counted) };
  } catch (error) {
    if (counted.succeeded > 0) throw new UnitFailedMidway("unit failed midway", { cause: error });
    return { ok: false, error };
  }
}

async function runUnderSavepoint(db: QueryRunner, unit: QueuedUnit): Promise<Outcome> {
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

/** Counts the statements of a unit that succeeded. */
class CountingRunner implements QueryRunner {
  succeeded = 0;

  constructor(private readonly db: QueryRunner) {}

  async executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
    const result = await this.db.executeQuery(query);
    this.succeeded++;
    return result;
  }
}
