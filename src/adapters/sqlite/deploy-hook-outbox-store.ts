/**
 * The deploy-hook outbox (SPEC §3.5): written in the same transaction that approves a promotion,
 * drained by the deploy-hook sender. Rows survive restarts; an `in_flight` row whose lease ran out
 * (the process died mid-send) is claimed again and re-sent with the same delivery id. A row whose
 * promotion is no longer `approved` when it comes due is `cancelled` instead of sent.
 */
import type {
  DeployHookOutbox,
  OutboxItem,
  OutboxState,
  RollbackTriggerStore,
} from "../../flows/promotion-ports.js";
import type { Db } from "./open-database.js";

interface OutboxRow {
  promotion_id: string;
  url: string;
  secret_env: string;
  body: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

function toItem(row: OutboxRow): OutboxItem {
  return {
    promotionId: row.promotion_id,
    url: row.url,
    secretEnv: row.secret_env,
    body: row.body,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    lastError: row.last_error ?? undefined,
  };
}

export function createDeployHookOutboxStore(db: Db): DeployHookOutbox {
  const enqueue = db.prepare(`INSERT INTO deploy_hook_outbox
    (promotion_id, url, secret_env, body, state, attempts, next_attempt_at, created_at)
    VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (promotion_id) DO NOTHING`);
  // Only a promotion still `approved` is handed off: one a pull-based report already completed,
  // or that failed or was superseded, must not reach the deployer (again).
  const due = db.prepare(`SELECT o.* FROM deploy_hook_outbox o JOIN promotions p ON p.id = o.promotion_id
    WHERE o.state IN ('pending', 'in_flight') AND o.next_attempt_at <= ? AND p.state = 'approved'
    ORDER BY o.next_attempt_at LIMIT ?`);
  const anyDue = db.prepare(
    "SELECT 1 FROM deploy_hook_outbox WHERE state IN ('pending', 'in_flight') AND next_attempt_at <= ? LIMIT 1",
  );
  const cancel = db.prepare(`UPDATE deploy_hook_outbox SET state = 'cancelled',
    last_error = 'promotion is ' || (SELECT p.state FROM promotions p WHERE p.id = promotion_id)
    WHERE state IN ('pending', 'in_flight') AND next_attempt_at <= ?
      AND EXISTS (SELECT 1 FROM promotions p WHERE p.id = promotion_id AND p.state <> 'approved')`);
  // The lease is stored in next_attempt_at: an in_flight row becomes due again only if the
  // process that claimed it never recorded an outcome.
  const claim = db.prepare(`UPDATE deploy_hook_outbox SET state = 'in_flight', attempts = attempts + 1,
    next_attempt_at = ? WHERE promotion_id = ? AND state IN ('pending', 'in_flight')`);
  const handedOff = db.prepare(`UPDATE deploy_hook_outbox SET state = 'handed_off', handed_off_at = ?,
    last_error = NULL WHERE promotion_id = ? AND state IN ('pending', 'in_flight')`);
  const reschedule = db.prepare(`UPDATE deploy_hook_outbox SET state = 'pending', next_attempt_at = ?,
    last_error = ? WHERE promotion_id = ? AND state = 'in_flight'`);
  const dead = db.prepare(
    "UPDATE deploy_hook_outbox SET state = 'dead', last_error = ? WHERE promotion_id = ? AND state IN ('pending', 'in_flight')",
  );
  const get = db.prepare("SELECT * FROM deploy_hook_outbox WHERE promotion_id = ?");

  const claimDue = db.transaction((now: Date, limit: number, leaseMs: number): OutboxItem[] => {
    cancel.run(now.getTime());
    const rows = due.all(now.getTime(), limit) as OutboxRow[];
    for (const row of rows) claim.run(now.getTime() + leaseMs, row.promotion_id);
    return rows.map((row) => toItem({ ...row, state: "in_flight", attempts: row.attempts + 1 }));
  });

  return {
    enqueue(item, now) {
      enqueue.run(item.promotionId, item.url, item.secretEnv, item.body, now.getTime(), now.getTime());
    },
    claimDue: (now, limit, leaseMs) =>
      db.inTransaction ? claimDue(now, limit, leaseMs) : claimDue.immediate(now, limit, leaseMs),
    hasDue: (now) => anyDue.get(now.getTime()) !== undefined,
    markHandedOff: (promotionId, at) => handedOff.run(at.getTime(), promotionId).changes === 1,
    reschedule(promotionId, nextAttemptAt, error) {
      reschedule.run(nextAttemptAt.getTime(), error.slice(0, 500), promotionId);
    },
    markDead(promotionId, error) {
      dead.run(error.slice(0, 500), promotionId);
    },
    get(promotionId) {
      const row = get.get(promotionId) as OutboxRow | undefined;
      return row && toItem(row);
    },
  };
}

export function createRollbackTriggerStore(db: Db): RollbackTriggerStore {
  const insert =
    db.prepare(`INSERT INTO rollback_triggers (promotion_id, evidence_id, action, rollback_promotion_id, at)
    VALUES (?, ?, ?, ?, ?) ON CONFLICT (promotion_id) DO NOTHING`);
  const proposed = db.prepare(`SELECT 1 FROM rollback_triggers t JOIN promotions p ON p.id = t.promotion_id
    WHERE p.digest = ? AND p.environment = ? AND t.action = 'propose'
      AND NOT EXISTS (SELECT 1 FROM promotions r WHERE r.environment = p.environment AND r.kind = 'rollback'
        AND r.requested_at >= t.at AND r.state NOT IN ('rejected', 'expired', 'superseded'))
    LIMIT 1`);
  return {
    proposedFor: (digest, environment) => proposed.get(digest, environment) !== undefined,
    record: (t) =>
      insert.run(t.promotionId, t.evidenceId, t.action, t.rollbackPromotionId ?? null, t.at.getTime())
        .changes === 1,
  };
}
