/**
 * Composition for drift (issue 6): the digest scheduler and snapshot retention jobs, started and
 * stopped with the app and reloaded with the contracts; `/promote drift` and the `drift.details`
 * button. Needs the Slack module's Web API client, so app.ts calls `wireDrift` from the Slack
 * module's `listeners` hook and puts `driftPromoteHandler` into its `commands`. No logic here.
 */
import {
  createDriftDigestScheduler,
  type DriftDigestScheduler,
} from "../adapters/scheduler/drift-digest-scheduler.js";
import {
  createSnapshotRetentionJob,
  DEFAULT_SNAPSHOT_RETENTION_MS,
} from "../adapters/scheduler/snapshot-retention-job.js";
import type { WebClient } from "../adapters/slack/bolt-app.js";
import { handleDriftCommand, registerDriftDetailsAction } from "../adapters/slack/drift-command.js";
import { createDriftDigestPoster } from "../adapters/slack/drift-digest-poster.js";
import type { PromoteHandler } from "../adapters/slack/listeners/promote-command.js";
import { renderDriftDigest } from "../adapters/slack/views/drift-digest.js";
import { createDriftStore } from "../adapters/sqlite/drift-store.js";
import { installedAt } from "../adapters/sqlite/migrate.js";
import type { AppContext } from "../app.js";
import { postDriftDigest } from "../flows/post-drift-digest.js";

export interface DriftWiringOptions {
  /** Snapshot history kept (default 30 days; each environment's newest is always kept). */
  retentionMs?: number;
  /** Missed digests older than this are not posted at start-up (default 24 h). */
  catchUpWindowMs?: number;
}

/** The `drift` entry of the `/promote` handler map. */
export function driftPromoteHandler(ctx: AppContext): PromoteHandler<"drift"> {
  const deps = {
    contracts: ctx.contracts,
    snapshots: ctx.stores.snapshots,
    runs: createDriftStore(ctx.db),
    clock: ctx.clock,
  };
  return async (command, context) => context.respond(handleDriftCommand(deps, command));
}

export function wireDrift(
  slack: { app: Parameters<typeof registerDriftDetailsAction>[0]; client: WebClient },
  ctx: AppContext,
  options: DriftWiringOptions = {},
): { scheduler: DriftDigestScheduler } {
  const runs = createDriftStore(ctx.db);
  const reportDeps = { contracts: ctx.contracts, snapshots: ctx.stores.snapshots, runs, clock: ctx.clock };
  registerDriftDetailsAction(slack.app, { ...reportDeps, logger: ctx.logger });
  const digestDeps = {
    ...reportDeps,
    poster: createDriftDigestPoster(slack.client),
    render: renderDriftDigest,
  };
  const scheduler = createDriftDigestScheduler({
    contracts: ctx.contracts,
    clock: ctx.clock,
    log: ctx.logger,
    runDigest: (environment, slot) => postDriftDigest(digestDeps, environment, slot, ctx.clock.now()),
    installedAt: installedAt(ctx.db),
    ...(options.catchUpWindowMs === undefined ? {} : { catchUpWindowMs: options.catchUpWindowMs }),
  });
  const retention = createSnapshotRetentionJob({
    prune: runs.prune,
    clock: ctx.clock,
    log: ctx.logger,
    retentionMs: options.retentionMs ?? DEFAULT_SNAPSHOT_RETENTION_MS,
  });
  const unsubscribe = ctx.contracts.onReload(() => scheduler.reload());
  ctx.onStart(async () => {
    retention.start();
    await scheduler.start();
  });
  ctx.onStop(async () => {
    unsubscribe();
    await Promise.all([scheduler.stop(), retention.stop()]);
  });
  return { scheduler };
}
