/**
 * The audit ledger (SPEC §7). `append` chains each entry to the previous one with SHA-256 inside
 * the caller's transaction (or its own BEGIN IMMEDIATE), so concurrent appends cannot fork the
 * chain. UPDATE and DELETE are refused by triggers (0001); `verify` catches edits made behind them.
 */
import { createHash } from "node:crypto";
import {
  type AuditEntry,
  type ChainVerdict,
  entryHash,
  GENESIS_HASH,
  verifyChain,
} from "../../domain/audit-chain.js";
import type { AuditAppender, AuditEntryInput } from "../../flows/ports.js";
import type { Db } from "./open-database.js";

export const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  subject: string;
  data: string;
  prev_hash: string;
  hash: string;
}

export type ExportFormat = "jsonl" | "csv";

export interface AuditStore extends AuditAppender {
  verify(): ChainVerdict;
  /** Entries at or after `since`, in ledger order, one line (or CSV row) per `write` call. */
  export(options: { since?: Date | undefined; format: ExportFormat }, write: (chunk: string) => void): number;
}

function toEntry(row: AuditRow): AuditEntry {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    // A hand-edited row may not even be JSON; verification must still report it, not crash.
    data = { unparsable: row.data };
  }
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    data,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const CSV_COLUMNS = ["seq", "at", "actor", "action", "subject", "data", "prev_hash", "hash"] as const;

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function createAuditStore(db: Db): AuditStore {
  const last = db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  const insert = db.prepare(
    "INSERT INTO audit_log (seq, at, actor, action, subject, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const all = db.prepare("SELECT * FROM audit_log ORDER BY seq");
  const since = db.prepare("SELECT * FROM audit_log WHERE at >= ? ORDER BY seq");

  const appendNow = (input: AuditEntryInput, at: Date): { seq: number; hash: string } => {
    const previous = last.get() as { seq: number; hash: string } | undefined;
    const content = {
      seq: (previous?.seq ?? 0) + 1,
      at: at.getTime(),
      actor: input.actor,
      action: input.action,
      subject: input.subject,
      // Round-trip through JSON so what is hashed is exactly what is stored and read back.
      data: JSON.parse(JSON.stringify(input.data ?? {})) as Record<string, unknown>,
    };
    const prevHash = previous?.hash ?? GENESIS_HASH;
    const hash = entryHash(prevHash, content, sha256Hex);
    insert.run(
      content.seq,
      content.at,
      content.actor,
      content.action,
      content.subject,
      JSON.stringify(content.data),
      prevHash,
      hash,
    );
    return { seq: content.seq, hash };
  };
  const appendOwn = db.transaction(appendNow);

  return {
    append: (input, at) => (db.inTransaction ? appendNow(input, at) : appendOwn.immediate(input, at)),
    verify() {
      const rows = all.iterate() as IterableIterator<AuditRow>;
      const entries = (function* () {
        for (const row of rows) yield toEntry(row);
      })();
      try {
        return verifyChain(entries, sha256Hex);
      } finally {
        rows.return?.();
      }
    },
    export(options, write) {
      const rows = (
        options.since === undefined ? all.iterate() : since.iterate(options.since.getTime())
      ) as IterableIterator<AuditRow>;
      if (options.format === "csv") write(`${CSV_COLUMNS.join(",")}\n`);
      let count = 0;
      for (const row of rows) {
        count++;
        if (options.format === "csv") {
          const at = new Date(row.at).toISOString();
          write(`${CSV_COLUMNS.map((c) => csvCell(c === "at" ? at : row[c])).join(",")}\n`);
        } else {
          const entry = toEntry(row);
          write(`${JSON.stringify({ ...entry, at: new Date(row.at).toISOString() })}\n`);
        }
      }
      return count;
    },
  };
}
