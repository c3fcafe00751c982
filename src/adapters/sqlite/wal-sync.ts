/**
 * The durability barrier for intake commits (see group-commit.ts). Intake transactions commit with
 * synchronous=NORMAL — the WAL frames are written, not yet synced — and every request waits for
 * `sync()`, an fdatasync of the `-wal` file on libuv's thread pool, before it is answered.
 *
 * NOTE: this is as durable as synchronous=FULL for what we promise. FULL syncs the WAL inside COMMIT
 * on the event loop; here the same file gets the same sync, only off the loop, and no 202 is sent
 * before it has returned. Frames are appended and only rewritten after a checkpoint has copied them
 * into the database file and synced it, and fsync of a file flushes every dirty page of it whichever
 * descriptor wrote them, so a sync that starts after a commit covers that commit. A sync already
 * running may have started before it, so a caller gets one of its own or shares the next (coalesced).
 */
import { close, fdatasync, fsync, open } from "node:fs";
import { dirname } from "node:path";
import type { Db } from "./open-database.js";

export type WalSync = () => Promise<void>;

const SYNCHRONOUS_FULL = 2;

/**
 * A barrier for `db`, or undefined when its commits cannot be relaxed safely: an in-memory or
 * temporary database, a journal mode other than WAL, or a connection already below FULL.
 */
export function createWalSync(db: Db): WalSync | undefined {
  if (db.memory || db.name === "" || db.readonly) return undefined;
  if (db.pragma("journal_mode", { simple: true }) !== "wal") return undefined;
  if ((db.pragma("synchronous", { simple: true }) as number) < SYNCHRONOUS_FULL) return undefined;
  return coalesced(walFileSync(`${db.name}-wal`));
}

/** fdatasync of one file through a descriptor opened on first use and kept (the WAL outlives it). */
function walFileSync(path: string): () => Promise<void> {
  let fd: Promise<number> | undefined;
  const opened = (): Promise<number> =>
    new Promise<number>((resolve, reject) =>
      open(path, "r", (error, descriptor) => (error ? reject(error) : resolve(descriptor))),
    ).then(async (descriptor) => {
      // The WAL may have been created by a NORMAL commit: make its directory entry durable once.
      await syncPath(dirname(path));
      return descriptor;
    });
  return async () => {
    fd ??= opened().catch((error: unknown) => {
      fd = undefined;
      throw error;
    });
    const descriptor = await fd;
    await new Promise<void>((resolve, reject) =>
      fdatasync(descriptor, (error) => (error ? reject(error) : resolve())),
    );
  };
}

function syncPath(path: string): Promise<void> {
  return new Promise((resolve, reject) =>
    open(path, "r", (error, descriptor) => {
      if (error) return reject(error);
      fsync(descriptor, (syncError) => close(descriptor, () => (syncError ? reject(syncError) : resolve())));
    }),
  );
}

/**
 * Up to `parallel` syncs run at once, each started at a caller's request; callers that ask while
 * that many run wait together for the next one, started as soon as one finishes (so after their
 * commits). A failed sync fails its waiters: they were never promised anything.
 *
 * NOTE: why two and not one: a sync's completion reaches the event loop only between callbacks.
 * With one at a time, a caller arriving while the loop is busy (twenty clicks in a row) waits for
 * that completion to be seen, then for a second sync and its completion to be seen: two trips
 * through a busy loop. A second sync started at once makes it one; the disk merges the two.
 */
export function coalesced(syncOnce: () => Promise<void>, parallel = 2): WalSync {
  let running = 0;
  const waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  const launch = (batch: typeof waiting): void => {
    running++;
    syncOnce()
      .then(
        () => {
          for (const caller of batch) caller.resolve();
        },
        (error: unknown) => {
          for (const caller of batch) caller.reject(error);
        },
      )
      .finally(() => {
        running--;
        if (waiting.length > 0 && running < parallel) launch(waiting.splice(0));
      });
  };
  return () =>
    new Promise<void>((resolve, reject) => {
      if (running < parallel) launch([{ resolve, reject }]);
      else waiting.push({ resolve, reject });
    });
}

/**
 * Runs `work` with this connection's commits at synchronous=NORMAL — the WAL is written, the sync
 * is left to a barrier — then restores the level the connection was opened with.
 */
export function relaxedCommits(db: Db): <T>(work: () => T) => T {
  const level = db.pragma("synchronous", { simple: true }) as number;
  // NOTE: not prepared once: SQLite applies `PRAGMA synchronous = …` when the statement is
  // compiled, so a kept statement's first run changes nothing (a test caught the first relaxed
  // commit running at FULL) and later runs depend on SQLite re-preparing it.
  return (work) => {
    db.pragma("synchronous = NORMAL");
    try {
      return work();
    } finally {
      db.pragma(`synchronous = ${level}`);
    }
  };
}
