/** Promotions and their approvals in SQLite (migrations/0003). */
import type Database from "better-sqlite3";
import type { ApprovalRecord } from "../../domain/approval-policy.js";
import { isPromotionState, type Promotion } from "../../domain/promotion.js";
import type { PromotionRepository, Transactor } from "../../flows/promotion-ports.js";
import type { Db } from "./open-database.js";
import { relaxedCommits, type WalSync } from "./wal-sync.js";
import type { WriteTurns } from "./write-turns.js";

type Statement = Database.Statement<unknown[]>;

interface PromotionRow {
  id: string;
  kind: string;
  artifact_name: string;
  digest: string;
  from_environment: string | null;
  environment: string;
  state: string;
  requested_by: string;
  requested_at: number;
  reason: string | null;
  contract_revision: string;
  freeze_override_by: string | null;
  freeze_override_reason: string | null;
  rollback_of: string | null;
  expires_at: number | null;
  state_changed_at: number;
  detail: string | null;
  approved_at: number | null;
}

function toPromotion(row: PromotionRow): Promotion {
  if (!isPromotionState(row.state)) throw new Error(`promotion ${row.id} has unknown state ${row.state}`);
  return {
    id: row.id,
    kind: row.kind === "rollback" ? "rollback" : "promotion",
    artifactName: row.artifact_name,
    digest: row.digest,
    fromEnvironment: row.from_environment ?? undefined,
    environment: row.environment,
    state: row.state,
    requestedBy: row.requested_by,
    requestedAt: new Date(row.requested_at),
    reason: row.reason ?? undefined,
    contractRevision: row.contract_revision,
    freezeOverride:
      row.freeze_override_by === null
        ? undefined
        : { by: row.freeze_override_by, reason: row.freeze_override_reason ?? "" },
    rollbackOf: row.rollback_of ?? undefined,
    expiresAt: row.expires_at === null ? undefined : new Date(row.expires_at),
    stateChangedAt: new Date(row.state_changed_at),
    approvedAt: row.approved_at === null ? undefined : new Date(row.approved_at),
    detail: row.detail ?? undefined,
  };
}

const placeholders = (n: number): string => Array.from({ length: n }, () => "?").join(", ");

/** `turns`: taken before the write lock while evidence is written on a thread (write-turns.ts). */
export function createTransactor(db: Db, barrier?: WalSync, turns?: WriteTurns): Transactor {
  const busyTimeoutMs = db.pragma("busy_timeout", { simple: true }) as number;
  const outermost = <T>(work: () => T): T => {
    if (turns === undefined) return db.transaction(work).immediate();
    // Waits exactly as long as the thread's commit; not granted in time, SQLite's lock decides.
    const granted = turns.takeBlocking(busyTimeoutMs);
    try {
      return db.transaction(work).immediate();
    } finally {
      if (granted) turns.release();
    }
  };
  // NOTE: nested calls become savepoints (better-sqlite3), so a flow may wrap a store call
  // that opens its own transaction; the outermost one takes the write lock up front.
  const immediate = <T>(work: () => T): T => (db.inTransaction ? db.transaction(work)() : outermost(work));
  const relax = relaxedCommits(db);
  return {
    immediate,
    relaxed(work) {
      // Without a barrier nothing would ever sync the WAL for it: such a commit syncs in place.
      if (barrier === undefined || db.inTransaction) return immediate(work);
      return relax(() => immediate(work));
    },
    durable: () => barrier?.() ?? Promise.resolve(),
  };
}

export function createPromotionStore(db: Db): PromotionRepository {
  const insert = db.prepare(`INSERT INTO promotions (id, kind, artifact_name, digest, from_environment,
    environment, state, requested_by, requested_at, reason, contract_revision, freeze_override_by,
    freeze_override_reason, rollback_of, expires_at, state_changed_at, detail, approved_at)
    VALUES (@id, @kind, @artifact_name, @digest, @from_environment, @environment, @state, @requested_by,
    @requested_at, @reason, @contract_revision, @freeze_override_by, @freeze_override_reason, @rollback_of,
    @expires_at, @state_changed_at, @detail, @approved_at)`);
  const get = db.prepare("SELECT * FROM promotions WHERE id = ?");
  // Entering `approved` also records approved_at (deployment reports count from then on).
  const setState = db.prepare(`UPDATE promotions SET state = @to, state_changed_at = @at,
    detail = coalesce(@detail, detail), approved_at = CASE WHEN @to = 'approved' THEN @at ELSE approved_at END
    WHERE id = @id AND state = @from`);
  const rebind = db.prepare("UPDATE promotions SET contract_revision = ? WHERE id = ?");
  const history = db.prepare(
    `SELECT * FROM promotions WHERE artifact_name = ? AND (? IS NULL OR environment = ?)
     ORDER BY requested_at DESC, rowid DESC LIMIT ?`,
  );
  const withPromotions = db.prepare<[string], { digest: string }>(
    "SELECT DISTINCT digest FROM promotions WHERE digest IN (SELECT value FROM json_each(?))",
  );
  const decisions = db.prepare(
    "SELECT user_id, decision, digest, contract_revision, at FROM approvals WHERE promotion_id = ? ORDER BY at, user_id",
  );
  const upsert =
    db.prepare(`INSERT INTO approvals (promotion_id, user_id, decision, digest, contract_revision, reason, at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (promotion_id, user_id) DO UPDATE SET decision = excluded.decision, digest = excluded.digest,
      contract_revision = excluded.contract_revision, reason = excluded.reason, at = excluded.at`);

  // NOTE: the change bus asks forDigest for every evidence POST; preparing the statement anew
  // each time cost more than running it. The SQL varies only with the number of states.
  const prepared = new Map<string, Statement>();
  const many = (sql: string, params: unknown[]): Promotion[] => {
    let statement = prepared.get(sql);
    if (statement === undefined) {
      statement = db.prepare<unknown[]>(sql);
      prepared.set(sql, statement);
    }
    return (statement.all(...params) as PromotionRow[]).map(toPromotion);
  };

  return {
    insert(p) {
      insert.run({
        id: p.id,
        kind: p.kind,
        artifact_name: p.artifactName,
        digest: p.digest,
        from_environment: p.fromEnvironment ?? null,
        environment: p.environment,
        state: p.state,
        requested_by: p.requestedBy,
        requested_at: p.requestedAt.getTime(),
        reason: p.reason ?? null,
        contract_revision: p.contractRevision,
        freeze_override_by: p.freezeOverride?.by ?? null,
        freeze_override_reason: p.freezeOverride?.reason ?? null,
        rollback_of: p.rollbackOf ?? null,
        expires_at: p.expiresAt?.getTime() ?? null,
        state_changed_at: p.stateChangedAt.getTime(),
        detail: p.detail ?? null,
        approved_at: p.approvedAt?.getTime() ?? null,
      });
    },
    get(id) {
      const row = get.get(id) as PromotionRow | undefined;
      return row && toPromotion(row);
    },
    setState: (id, from, to, at, detail) =>
      setState.run({ to, at: at.getTime(), detail: detail ?? null, id, from }).changes === 1,
    rebind(id, revision) {
      rebind.run(revision, id);
    },
    inEnvironment: (environment, states, limit = 100) =>
      many(
        `SELECT * FROM promotions WHERE environment = ? AND state IN (${placeholders(states.length)})
         ORDER BY requested_at DESC, rowid DESC LIMIT ?`,
        [environment, ...states, limit],
      ),
    recent: (states, limit = 100) =>
      many(
        `SELECT * FROM promotions WHERE state IN (${placeholders(states.length)})
         ORDER BY requested_at DESC, rowid DESC LIMIT ?`,
        [...states, limit],
      ),
    forDigest: (digest, environment, states) =>
      many(
        `SELECT * FROM promotions WHERE digest = ? AND environment = ?
         ${states ? `AND state IN (${placeholders(states.length)})` : ""} ORDER BY requested_at DESC, rowid DESC`,
        [digest, environment, ...(states ?? [])],
      ),
    digestsWithPromotions: (digests) =>
      new Set(withPromotions.all(JSON.stringify(digests)).map((row) => row.digest)),
    history: (name, environment, limit) =>
      (history.all(name, environment ?? null, environment ?? null, limit) as PromotionRow[]).map(toPromotion),
    decisions: (promotionId) =>
      (
        decisions.all(promotionId) as {
          user_id: string;
          decision: "approve" | "reject";
          digest: string;
          contract_revision: string;
          at: number;
        }[]
      ).map((row) => ({
        userId: row.user_id,
        decision: row.decision,
        digest: row.digest,
        contractRevision: row.contract_revision,
        at: new Date(row.at),
      })),
    recordDecision(promotionId, r: ApprovalRecord, reason) {
      upsert.run(
        promotionId,
        r.userId,
        r.decision,
        r.digest,
        r.contractRevision,
        reason ?? null,
        r.at.getTime(),
      );
    },
  };
}
