/** Opens the SQLite store the way every part of Tollgate relies on (SPEC §8). */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

export function openDatabase(path: string): Db {
  if (path !== ":memory:") makeFolders(dirname(path));
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  // NOTE: FULL, not NORMAL: a 202 promises the evidence survives a power cut, so every commit
  // syncs the WAL. Ingest batches concurrent requests into one commit to pay for it once.
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  // NOTE: SQLite's default page cache is 2 MB. Evidence for a thousand artifacts lands on a thousand
  // index leaf pages; with a million rows those pages stop fitting and every insert reads from the
  // OS. 64 MB keeps the working set (and the readers' hot pages) in memory.
  db.pragma("cache_size = -65536");
  return db;
}

/**
 * `mkdir -p`, one level at a time. NOTE: not `mkdirSync(dir, { recursive: true })`: on Node 20 it
 * never returns for a path under /proc (ENOENT where the parent exists, retried forever), and
 * `DATABASE_URL=/proc/x/t.db tollgate migrate` spun a core until killed.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing) mkdirSync(folder);
}
