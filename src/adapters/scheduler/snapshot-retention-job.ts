/**
 * Snapshot history is kept for a retention period (issue 6 item 1); the newest snapshot of each
 * environment is always kept, because it is the one that counts however old it is.
 */
import cron, { type ScheduledTask } from "node-cron";
import type { Clock } from "../../flows/ports.js";

export interface SnapshotRetentionDeps {
  /** adapters/sqlite/drift-store.ts `prune(before)`. */
  prune(before: Date): { snapshots: number; digestRuns: number };
  clock: Clock;
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  retentionMs: number;
  /** Default: daily at 03:17 UTC, away from the top of the hour when digests post. */
  schedule?: string;
}

export interface SnapshotRetentionJob {
  /** Prunes now; also what the cron job runs. */
  runOnce(): { snapshots: number; digestRuns: number };
  start(): void;
  stop(): Promise<void>;
}

export const DEFAULT_SNAPSHOT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export function createSnapshotRetentionJob(deps: SnapshotRetentionDeps): SnapshotRetentionJob {
  let task: ScheduledTask | undefined;
  const runOnce = () => {
    const before = new Date(deps.clock.now().getTime() - deps.retentionMs);
    const deleted = deps.prune(before);
    deps.log.info({ before, ...deleted }, "snapshot retention");
    return deleted;
  };
  return {
    runOnce,
    start() {
      if (task !== undefined) return;
      task = cron.schedule(
        deps.schedule ?? "17 3 * * *",
        () => {
          try {
            runOnce();
          } catch (error) {
            deps.log.error({ err: error }, "snapshot retention failed");
          }
        },
        { timezone: "UTC", noOverlap: true, name: "snapshot-retention" },
      );
    },
    async stop() {
      await task?.destroy();
      task = undefined;
    },
  };
}
