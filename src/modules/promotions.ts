/**
 * Composition for promotions (an AppModule for createApp): stores, readiness, the flows' deps,
 * the deploy-hook executor, background watchers (deployment reports, rollback conditions,
 * expiry), the pull API route, and — once the Slack module exists — the `/promote` handlers,
 * the card buttons and group resolution through Slack. No logic lives here.
 */

import { createDeployHookSender } from "../adapters/deploy-hook/send-deploy-hook.js";
import { registerPromotionRoutes } from "../adapters/http/promotion-routes.js";
import type { Logger } from "../adapters/log.js";
import type { CardPromotionSource } from "../adapters/slack/card-facts.js";
import { registerPromotionActions } from "../adapters/slack/listeners/promotion-actions.js";
import {
  type PromotionCommandHandlers,
  promotionCommandHandlers,
} from "../adapters/slack/listeners/promotion-commands.js";
import { createPromotionCardSource } from "../adapters/slack/promotion-card-source.js";
import type { SlackModule } from "../adapters/slack/slack-module.js";
import { createUserGroupResolver } from "../adapters/slack/usergroup-resolver.js";
import { createAuditStore } from "../adapters/sqlite/audit-store.js";
import {
  createDeployHookOutboxStore,
  createRollbackTriggerStore,
} from "../adapters/sqlite/deploy-hook-outbox-store.js";
import { newId } from "../adapters/sqlite/new-id.js";
import { createPromotionStore, createTransactor } from "../adapters/sqlite/promotion-store.js";
import type { AppContext, AppModule } from "../app.js";
import { CodedError } from "../errors.js";
import { entryFacts } from "../flows/entry-facts.js";
import {
  createPromotionExecutor,
  type ExecutorOptions,
  type PromotionExecutor,
} from "../flows/execute-promotion.js";
import type { CardThreadPoster, DeploymentHistoryReader } from "../flows/ports.js";
import type { UserGroupResolver } from "../flows/promotion-ports.js";
import { type PromotionWatchers, startPromotionWatchers } from "../flows/promotion-watchers.js";
import type { RollbackWatchDeps } from "../flows/watch-rollback-conditions.js";

export interface PromotionModuleOptions {
  /** Where deploy-hook `secret_env` names are looked up (main.ts passes process.env). */
  env: Record<string, string | undefined>;
  executor?: ExecutorOptions & { intervalMs?: number };
  sweepIntervalMs?: number;
  /** Re-render a card at once when a promotion changes instead of after the coalescing delay (default on). */
  refreshCardsOnClick?: boolean;
  /** Where deploy hooks are really sent (sandbox mode: its own deployer at its real address). */
  deployHookUrl?: (url: string) => string;
}

export interface PromotionRuntime {
  deps: RollbackWatchDeps;
  history: DeploymentHistoryReader;
  logger: Logger;
  executor: PromotionExecutor;
  watchers: PromotionWatchers;
}

export interface PromotionAppModule extends AppModule {
  /** For slackAppModule `promotions`: what cards show about promotions (lazy until registered). */
  cardSource: CardPromotionSource;
  /** For slackAppModule `commands`: request, rollback, lock, unlock, history. */
  slackCommands(): PromotionCommandHandlers;
  /** For slackAppModule `listeners`: buttons, thread events and group resolution via Slack. */
  attachSlack(slack: SlackModule): void;
  runtime(): PromotionRuntime;
}

/**
 * A deploy hook whose `secret_env` is unset cannot be signed until Tollgate restarts with it set;
 * its promotions wait in the outbox meanwhile. `contracts check` cannot know (CI has no secrets),
 * so the running bot says it at start and after each reload.
 */
function warnUnsignableHooks(ctx: AppContext, env: Record<string, string | undefined>): void {
  const set = ctx.contracts.current();
  for (const environment of set.order) {
    const secretEnv = set.contracts.get(environment)?.deploy?.webhook.secretEnv;
    if (secretEnv !== undefined && !env[secretEnv]) {
      ctx.logger.warn(
        { environment, secretEnv },
        `${secretEnv} is not set: promotions to ${environment} cannot be handed to its deploy hook until Tollgate restarts with it`,
      );
    }
  }
}

export function promotionAppModule(options: PromotionModuleOptions): PromotionAppModule {
  let runtime: PromotionRuntime | undefined;
  let cards: CardPromotionSource | undefined;
  let thread: CardThreadPoster | undefined;
  let groups: UserGroupResolver | undefined;
  const need = (): PromotionRuntime => {
    if (!runtime) throw new Error("wiring bug: register the promotions module before the Slack module");
    return runtime;
  };
  // Slack arrives after this module registers; until then thread events have nowhere to go and
  // group questions cannot be asked (so the answer is no, as for any Slack outage).
  const lazyThread: CardThreadPoster = { postEvent: (event) => thread?.postEvent(event) };
  const lazyGroups: UserGroupResolver = {
    membersOf: (group) =>
      groups
        ? groups.membersOf(group)
        : Promise.reject(new CodedError("slack_unavailable", "Slack is not connected")),
  };

  return {
    name: "promotions",
    register(ctx: AppContext) {
      runtime = build(ctx, options, lazyThread, lazyGroups);
      cards = createPromotionCardSource({ ...runtime.deps, contracts: ctx.contracts });
      registerPromotionRoutes(ctx.http, { ...runtime.deps, apiTokens: ctx.config.apiTokens });
      const entryDeps = { ...runtime.deps, deployments: runtime.history };
      ctx.entryFacts = (digest, environment) => entryFacts(entryDeps, digest, environment);
      const { executor, watchers } = runtime;
      ctx.onStart(() => {
        warnUnsignableHooks(ctx, options.env);
        executor.start(options.executor?.intervalMs);
        void executor.tick();
      });
      const stopWarnings = ctx.bus.subscribe((event) => {
        if (event.type === "contracts_reloaded") warnUnsignableHooks(ctx, options.env);
      });
      ctx.onStop(async () => {
        stopWarnings();
        watchers.stop();
        await executor.stop();
      });
    },
    cardSource: {
      promotionFor: (digest, environment) => cards?.promotionFor(digest, environment),
      rollbackProposed: (digest, environment) => cards?.rollbackProposed?.(digest, environment) ?? false,
    },
    slackCommands: () => promotionCommandHandlers({ flows: need().deps, deployments: need().history }),
    attachSlack(slack) {
      thread = slack.threadPoster;
      const clock = need().deps.clock;
      groups = createUserGroupResolver(slack.client, { now: () => clock.now().getTime() });
      if (options.refreshCardsOnClick !== false) {
        need().deps.refreshCard = (digest, environment) => slack.cards.flush(digest, environment);
      }
      registerPromotionActions(slack.app, { flows: need().deps, logger: need().logger });
    },
    runtime: need,
  };
}

function build(
  ctx: AppContext,
  options: PromotionModuleOptions,
  thread: CardThreadPoster,
  groups: UserGroupResolver,
): PromotionRuntime {
  const { db, stores, readiness } = ctx;
  const { locks, deployments } = stores;
  const history = deployments;
  const log = ctx.logger.child({ component: "promotions" });
  const deps: RollbackWatchDeps = {
    contracts: ctx.contracts,
    readiness,
    artifacts: stores.artifacts,
    deployments,
    evidence: stores.evidence,
    promotions: createPromotionStore(db),
    locks,
    outbox: createDeployHookOutboxStore(db),
    triggers: createRollbackTriggerStore(db),
    audit: createAuditStore(db),
    tx: createTransactor(db, ctx.stores.barrier, ctx.stores.writeTurns),
    groups,
    clock: ctx.clock,
    thread,
    bus: ctx.bus,
    newId: () => newId("prom", ctx.clock.now().getTime()),
    log,
  };
  const sender = createDeployHookSender({
    env: options.env,
    ...(options.deployHookUrl ? { resolveUrl: options.deployHookUrl } : {}),
  });
  const executor = createPromotionExecutor(deps, sender, options.executor ?? {});
  deps.onEnqueued = () => void executor.tick();
  const watchers = startPromotionWatchers(deps, { sweepIntervalMs: options.sweepIntervalMs ?? 30_000 });
  return { deps, history, logger: ctx.logger, executor, watchers };
}
