/**
 * The head anchor of `tollgate audit verify --expect-head <seq>:<hash>`. A hash chain proves that
 * no entry was changed or removed *before* the newest one; removing the newest entries leaves a
 * shorter chain that is still intact. Comparing with a head recorded earlier (in a CI log, a
 * ticket) closes that gap: that entry must still exist with the same hash.
 *
 * Hashes are shown as `sha256:<hex>`; the ledger stores the bare hex (audit-chain.ts).
 * NOTE: two lookups by seq/hash live here rather than in audit-store.ts because only this
 * command needs them; they read the rows verifyChain has just checked.
 */
import type { Db } from "../adapters/sqlite/open-database.js";

export interface ExpectedHead {
  seq: number;
  /** Lower-case hex, 12 to 64 characters: a prefix is enough to tell one hash from another. */
  hash: string;
}

export interface Head {
  seq: number;
  hash: string;
}

export const MIN_HASH_PREFIX = 12;

export const shownHash = (hex: string): string => `sha256:${hex}`;

export function parseExpectedHead(text: string): ExpectedHead | string {
  const match = /^(\d{1,15}):(?:sha256:)?([0-9a-f]+)$/i.exec(text.trim());
  const seq = Number(match?.[1]);
  const hash = match?.[2]?.toLowerCase() ?? "";
  if (match === null || seq < 1 || hash.length < MIN_HASH_PREFIX || hash.length > 64)
    return `--expect-head is <seq>:<hash>, e.g. 41:sha256:ab12cd34ef56 (at least ${MIN_HASH_PREFIX} hex characters of the hash), as printed by an earlier audit verify (got ${JSON.stringify(text)})`;
  return { seq, hash };
}

/** The verified chain's last entry, found by the hash verifyChain ended on. */
export function headOf(db: Db, lastHash: string): Head | undefined {
  const row = db
    .prepare("SELECT seq FROM audit_log WHERE hash = ? ORDER BY seq DESC LIMIT 1")
    .get(lastHash) as { seq: number } | undefined;
  return row === undefined ? undefined : { seq: row.seq, hash: lastHash };
}

/** Why the ledger no longer holds the expected entry, or undefined when it does. */
export function expectedHeadProblem(
  db: Db,
  expected: ExpectedHead,
  head: Head | undefined,
): string | undefined {
  const wanted = `entry #${expected.seq} (${shownHash(expected.hash)}…)`;
  if (head === undefined || expected.seq > head.seq) {
    const end = head === undefined ? "the ledger is empty" : `the ledger ends at #${head.seq}`;
    return `${wanted} is gone: ${end} (entries removed from the end?)`;
  }
  const row = db.prepare("SELECT hash FROM audit_log WHERE seq = ?").get(expected.seq) as
    | { hash: string }
    | undefined;
  if (row === undefined) return `${wanted} is gone (entries removed?)`;
  if (row.hash.startsWith(expected.hash)) return undefined;
  return `${wanted} now has hash ${shownHash(row.hash)} (the ledger was rewritten up to that entry)`;
}
