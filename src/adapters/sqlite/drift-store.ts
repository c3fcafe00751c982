/**
 * Drift digest runs (migrations/0004_drift.sql) and snapshot retention. A run row is claimed
 * before the message is posted: the UNIQUE (environment, scheduled_for) constraint is what makes
 * "posted once" hold across the cron tick, the start-up catch-up and a second process.
 */
import type { DriftDifference } from "../../domain/drift.js";
import type { Db } from "./open-database.js";

export interface DriftRunClaim {
  environment: string;
  compareTo: string;
  scheduledFor: Date;
  channel: string;
  differences: DriftDifference[];
}

export interface PostedDriftRun {
  environment: string;
  compareTo: string;
  scheduledFor: Date;
  postedAt: Date;
  channel: string;
  ts: string;
  differences: DriftDifference[];
}

export interface DriftStore {
  /** Returns the run id, or undefined when this (environment, scheduled_for) was claimed before. */
  claimRun(claim: DriftRunClaim, at: Date): number | undefined;
  completeRun(id: number, posted: { ts: string; postedAt: Date }): void;
  /** Gives a claim back when posting failed for sure (Slack answered with an error). */
  releaseRun(id: number): void;
  lastPostedRun(environment: string, compareTo: string): PostedDriftRun | undefined;
  /**
   * Deletes snapshots taken before `before`, always keeping each environment's newest, and
   * digest runs older than that except each pair's newest posted one. Returns rows deleted.
   */
  prune(before: Date): { snapshots: number; digestRuns: number };
}

interface RunRow {
  environment: string;
  compare_to: string;
  scheduled_for: number;
  posted_at: number;
  channel: string;
  ts: string;
  differences_json: string;
}

export function createDriftStore(db: Db): DriftStore {
  const claim = db.prepare(
    `INSERT INTO drift_digest_runs (environment, compare_to, scheduled_for, claimed_at, channel, differences_json)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (environment, scheduled_for) DO NOTHING`,
  );
  const complete = db.prepare("UPDATE drift_digest_runs SET posted_at = ?, ts = ? WHERE id = ?");
  const release = db.prepare("DELETE FROM drift_digest_runs WHERE id = ? AND posted_at IS NULL");
  const lastPosted = db.prepare(
    `SELECT environment, compare_to, scheduled_for, posted_at, channel, ts, differences_json FROM drift_digest_runs
     WHERE environment = ? AND compare_to = ? AND posted_at IS NOT NULL ORDER BY posted_at DESC, id DESC LIMIT 1`,
  );
  const pruneSnapshots = db.prepare(
    `DELETE FROM snapshots WHERE taken_at < ? AND seq NOT IN (
       SELECT (SELECT s2.seq FROM snapshots s2 WHERE s2.environment = e.environment
               ORDER BY s2.taken_at DESC, s2.seq DESC LIMIT 1)
       FROM (SELECT DISTINCT environment FROM snapshots) e)`,
  );
  const pruneRuns = db.prepare(
    `DELETE FROM drift_digest_runs WHERE scheduled_for < ? AND id NOT IN (
       SELECT max(id) FROM drift_digest_runs WHERE posted_at IS NOT NULL GROUP BY environment, compare_to)`,
  );

  return {
    claimRun(input, at) {
      const info = claim.run(
        input.environment,
        input.compareTo,
        input.scheduledFor.getTime(),
        at.getTime(),
        input.channel,
        JSON.stringify(input.differences),
      );
      return info.changes === 1 ? Number(info.lastInsertRowid) : undefined;
    },
    completeRun(id, posted) {
      complete.run(posted.postedAt.getTime(), posted.ts, id);
    },
    releaseRun(id) {
      release.run(id);
    },
    lastPostedRun(environment, compareTo) {
      const row = lastPosted.get(environment, compareTo) as RunRow | undefined;
      if (row === undefined) return undefined;
      return {
        environment: row.environment,
        compareTo: row.compare_to,
        scheduledFor: new Date(row.scheduled_for),
        postedAt: new Date(row.posted_at),
        channel: row.channel,
        ts: row.ts,
        differences: JSON.parse(row.differences_json) as DriftDifference[],
      };
    },
    prune(before) {
      return db.transaction(() => ({
        snapshots: pruneSnapshots.run(before.getTime()).changes,
        digestRuns: pruneRuns.run(before.getTime()).changes,
      }))();
    },
  };
}
