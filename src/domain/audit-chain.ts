/**
 * The audit ledger's hash chain (SPEC §7). Each entry's hash is `sha256(prev_hash + canonical
 * entry)`; the canonical form has a stable key order so the same entry always hashes the same.
 * The hash function is passed in: the domain stays free of node:crypto.
 */
export const GENESIS_HASH = "0".repeat(64);

export interface AuditEntryContent {
  seq: number;
  /** Milliseconds since the epoch (UTC). */
  at: number;
  actor: string;
  action: string;
  subject: string;
  data: Record<string, unknown>;
}

export interface AuditEntry extends AuditEntryContent {
  prevHash: string;
  hash: string;
}

export type HashFn = (text: string) => string;

/** JSON with object keys sorted at every depth; `undefined` members are left out as JSON does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(",")}}`;
}

export function canonicalEntry(entry: AuditEntryContent): string {
  return canonicalJson({
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    data: entry.data,
  });
}

export function entryHash(prevHash: string, entry: AuditEntryContent, sha256: HashFn): string {
  return sha256(prevHash + canonicalEntry(entry));
}

export type ChainVerdict =
  | { ok: true; count: number; lastHash: string }
  | { ok: false; count: number; broken: AuditEntry; reason: string };

/**
 * Walks the ledger in `seq` order and reports the first entry whose link or content does not
 * match. Takes an iterable so a large ledger is streamed, not loaded.
 */
export function verifyChain(entries: Iterable<AuditEntry>, sha256: HashFn): ChainVerdict {
  let prev = GENESIS_HASH;
  let expectedSeq: number | undefined;
  let count = 0;
  for (const entry of entries) {
    const reason = brokenBecause(entry, prev, expectedSeq, sha256);
    if (reason !== undefined) return { ok: false, count, broken: entry, reason };
    prev = entry.hash;
    expectedSeq = entry.seq + 1;
    count++;
  }
  return { ok: true, count, lastHash: prev };
}

function brokenBecause(
  entry: AuditEntry,
  prev: string,
  expectedSeq: number | undefined,
  sha256: HashFn,
): string | undefined {
  if (expectedSeq !== undefined && entry.seq !== expectedSeq) {
    return `sequence gap: expected entry ${expectedSeq}, found ${entry.seq} (entries removed?)`;
  }
  if (entry.prevHash !== prev) return "prev_hash does not match the previous entry's hash";
  const recomputed = entryHash(prev, entry, sha256);
  if (recomputed !== entry.hash) return "content does not match its hash (entry edited?)";
  return undefined;
}
