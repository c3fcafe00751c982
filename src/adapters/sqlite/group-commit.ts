/**
 * Group commit. With synchronous=FULL every COMMIT waits for the disk, so requests validated in the
 * same event-loop turn share one transaction (one fsync) and are answered together once it is
 * durable. Each request runs in its own SAVEPOINT: one request's `artifact_conflict` rolls back
 * that request alone. better-sqlite3 is synchronous, so everything queued before the `setImmediate`
 * fires is, by construction, the concurrent work of that turn.
 */
import type { Db } from "./open-database.js";

interface Job<C> {
  work: (context: C) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface GroupCommit<C> {
  commit<T>(work: (context: C) => T): Promise<T>;
  /** Resolves once everything queued so far has been committed (or refused). */
  drain(): Promise<void>;
}

export function createGroupCommit<C>(
  db: Db,
  context: C,
  onCommit: (requests: number, seconds: number) => void = () => {},
): GroupCommit<C> {
  let queue: Job<C>[] = [];
  let waiting: (() => void)[] = [];
  let scheduled = false;

  // Nested better-sqlite3 transactions become SAVEPOINTs and roll back alone when they throw.
  const one = db.transaction((work: Job<C>["work"]) => work(context));
  const all = db.transaction((jobs: Job<C>[]): Outcome[] =>
    jobs.map((job) => {
      try {
        return { ok: true, value: one(job.work) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );

  function flush(): void {
    scheduled = false;
    const jobs = queue;
    const drained = waiting;
    queue = [];
    waiting = [];
    const started = performance.now();
    let outcomes: Outcome[] | undefined;
    try {
      // IMMEDIATE takes the write lock up front, so a concurrent writer (CLI, scheduler) waits on
      // busy_timeout here instead of failing at COMMIT.
      outcomes = all.immediate(jobs);
    } catch (error) {
      for (const job of jobs) job.reject(error);
    }
    onCommit(jobs.length, (performance.now() - started) / 1000);
    if (outcomes !== undefined) {
      for (const [index, job] of jobs.entries()) {
        const outcome = outcomes[index] as Outcome;
        if (outcome.ok) job.resolve(outcome.value);
        else job.reject(outcome.error);
      }
    }
    for (const done of drained) done();
  }

  return {
    commit<T>(work: (context: C) => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    drain() {
      return scheduled ? new Promise<void>((resolve) => waiting.push(resolve)) : Promise.resolve();
    },
  };
}
