import { randomUUID } from "node:crypto";

/**
 * `<prefix>_<time><random>`. Time first so ids sort by creation and each insert into a UNIQUE id
 * index lands on the B-tree's right edge rather than a random page: ingest stays flat as tables
 * grow to millions of rows (bench/ingest.bench.ts measures it).
 */
export function newId(prefix: string, nowMs: number = Date.now()): string {
  return `${prefix}_${nowMs.toString(36).padStart(9, "0")}${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

/** Upper bound for a range scan over every string that starts with a lower-case hex `prefix`. */
export function hexPrefixEnd(prefix: string): string {
  return `${prefix}g`;
}
