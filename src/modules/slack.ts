/**
 * Composition for Slack (an AppModule for createApp): builds the readiness service and the Slack
 * module from the app's stores, mounts Bolt at POST /slack/events, adds the `slack` readiness
 * probe, and starts/stops the outbox with the app. `commands` receives the Slack module so the
 * promotion and drift flows can use its thread poster and client. No logic lives here.
 */

import type { CardPromotionSource } from "../adapters/slack/card-facts.js";
import type { RenderBudgetOptions } from "../adapters/slack/outbox/render-budget.js";
import { createPromotionCardSource } from "../adapters/slack/promotion-card-source.js";
import {
  createSlackModule,
  type ExternalPromoteHandlers,
  type SlackModule,
} from "../adapters/slack/slack-module.js";
import {
  createDeployHookOutboxStore,
  createRollbackTriggerStore,
} from "../adapters/sqlite/deploy-hook-outbox-store.js";
import { createPromotionStore } from "../adapters/sqlite/promotion-store.js";
import { createWalSync } from "../adapters/sqlite/wal-sync.js";
import type { AppContext, AppModule } from "../app.js";
import type { FullReadinessService } from "../flows/evaluate-readiness.js";

export interface SlackAppModuleOptions {
  /** The `/promote` handlers owned by other flows, built once the Slack module exists. */
  commands(slack: SlackModule, ctx: AppContext, readiness: FullReadinessService): ExternalPromoteHandlers;
  /** Further listeners (promotion buttons, rollback): `registerX(slack.app, deps)`. */
  listeners?(slack: SlackModule, ctx: AppContext, readiness: FullReadinessService): void;
  promotions?: CardPromotionSource;
  coalesce?: { quietMs?: number; maxWaitMs?: number; renderBudget?: RenderBudgetOptions };
  /** Time-based card re-evaluation (see SlackModuleDeps.reevaluate). */
  reevaluate?: { intervalMs?: number; limit?: number; batch?: number };
  outbox?: { concurrency?: number; backoffBaseMs?: number; backoffMaxMs?: number; timeoutMs?: number };
  /** Start-up re-render of recently changed artifacts (see SlackModuleDeps.reconcile). */
  reconcile?: { windowMs?: number; cards?: number };
  /** Exposes the module (tests, the sandbox page). */
  onCreated?(slack: SlackModule): void;
  /** `stop` without draining leaves pending calls in SQLite (tests simulate a crash with this). */
  drainOnStop?: boolean;
}

export function slackAppModule(options: SlackAppModuleOptions): AppModule {
  return {
    name: "slack",
    register(ctx) {
      const { db, stores, readiness } = ctx;
      const deployments = stores.deployments;
      const slack = createSlackModule({
        config: ctx.config,
        logger: ctx.logger,
        db,
        artifacts: stores.artifacts,
        deployments,
        contracts: ctx.contracts,
        readiness,
        changes: ctx.bus,
        clock: ctx.clock,
        promotions:
          options.promotions ??
          createPromotionCardSource({
            promotions: createPromotionStore(db),
            triggers: createRollbackTriggerStore(db),
            contracts: ctx.contracts,
            outbox: createDeployHookOutboxStore(db),
          }),
        coalesce: options.coalesce,
        reevaluate: options.reevaluate,
        outbox: options.outbox,
        reconcile: options.reconcile,
        // Card and outbox writes are synced off the event loop, sharing intake's syncs.
        barrier: stores.barrier ?? createWalSync(db),
        writeTurns: stores.writeTurns,
      });
      slack.registerCommands(options.commands(slack, ctx, readiness));
      options.listeners?.(slack, ctx, readiness);
      if (slack.requestListener) ctx.http.mount("/slack/events", slack.requestListener);
      ctx.http.addReadinessProbe("slack", () => {
        const health = slack.health();
        const detail = health.problems.map(
          (p) => `${p.error}${p.channel ? ` in ${p.channel}` : ""}: ${p.hint}`,
        );
        return { ok: health.ok, detail: detail.join("; ") || `${health.pending} pending` };
      });
      ctx.onStart(() => slack.start());
      ctx.onStop(() => slack.stop({ drain: options.drainOnStop ?? true }));
      options.onCreated?.(slack);
    },
  };
}
