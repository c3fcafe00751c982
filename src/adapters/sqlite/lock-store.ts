/** Environment locks (`/promote lock`), including `lock all` stored as environment '*'. */
import type { Lock } from "../../domain/readiness.js";
import type { LockRepository } from "../../flows/promotion-ports.js";
import type { Db } from "./open-database.js";

interface LockRow {
  environment: string;
  reason: string;
  locked_by: string;
  locked_at: number;
  expires_at: number | null;
}

function toLock(row: LockRow): Lock {
  return {
    environment: row.environment,
    reason: row.reason,
    lockedBy: row.locked_by,
    lockedAt: new Date(row.locked_at),
    expiresAt: row.expires_at === null ? undefined : new Date(row.expires_at),
  };
}

const ACTIVE = "released_at IS NULL AND (expires_at IS NULL OR expires_at > ?)";

export function createLockStore(db: Db): LockRepository {
  const active = db.prepare(
    `SELECT * FROM locks WHERE environment IN (?, '*') AND ${ACTIVE} ORDER BY locked_at, id`,
  );
  const allActive = db.prepare(`SELECT * FROM locks WHERE ${ACTIVE} ORDER BY locked_at, id`);
  const release = db.prepare(
    "UPDATE locks SET released_at = ?, released_by = ? WHERE environment = ? AND released_at IS NULL",
  );
  const insert = db.prepare(
    "INSERT INTO locks (environment, reason, locked_by, locked_at, expires_at) VALUES (?, ?, ?, ?, ?)",
  );
  const expired = db.prepare(
    "SELECT * FROM locks WHERE released_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?",
  );
  const releaseExpired = db.prepare(
    "UPDATE locks SET released_at = expires_at, released_by = 'expiry' WHERE released_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?",
  );

  return {
    activeLocks: (environment, now) => (active.all(environment, now.getTime()) as LockRow[]).map(toLock),
    allActive: (now) => (allActive.all(now.getTime()) as LockRow[]).map(toLock),
    lock(lock) {
      db.transaction(() => {
        // Expired-but-unreleased rows are closed too, so one target has at most one open row.
        release.run(lock.lockedAt.getTime(), lock.lockedBy, lock.environment);
        insert.run(
          lock.environment,
          lock.reason,
          lock.lockedBy,
          lock.lockedAt.getTime(),
          lock.expiresAt?.getTime() ?? null,
        );
      })();
    },
    unlock(environment, by, at) {
      const wasActive = (allActive.all(at.getTime()) as LockRow[]).some((r) => r.environment === environment);
      release.run(at.getTime(), by, environment);
      return wasActive;
    },
    releaseExpired(now) {
      return db.transaction(() => {
        const rows = (expired.all(now.getTime()) as LockRow[]).map(toLock);
        releaseExpired.run(now.getTime());
        return rows;
      })();
    },
  };
}
