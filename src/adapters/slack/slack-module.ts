/**
 * Everything Slack, assembled: the Bolt app and its listeners, readiness cards, the coalescing
 * card service and the durable outbox. app.ts builds one of these, mounts `requestListener` at
 * `/slack/events`, lets other flows register their listeners on `app`, and calls start/stop.
 */

import type { webApi } from "@slack/bolt";
import type Database from "better-sqlite3";
import type { Config } from "../../config.js";
import type {
  ArtifactReader,
  CardThreadPoster,
  ChangeBus,
  Clock,
  ContractSource,
  DeploymentHistoryReader,
  DeploymentReader,
  ReadinessService,
} from "../../flows/ports.js";
import type { Logger } from "../log.js";
import type { WriteTurns } from "../sqlite/write-turns.js";
import { type BotIdentity, createOutboxClient, createSlackApp, type WebClient } from "./bolt-app.js";
import { type CardPromotionSource, createCardFacts } from "./card-facts.js";
import { registerAppHome } from "./listeners/app-home.js";
import { registerDetailsAction } from "./listeners/details-action.js";
import { type PromoteHandlers, registerPromoteCommand } from "./listeners/promote-command.js";
import { helpHandler, statusHandler, unknownHandler } from "./listeners/status-help.js";
import { registerUnknownButtons } from "./listeners/unknown-interactions.js";
import { createCardService } from "./outbox/card-service.js";
import type { OutboxProblem } from "./outbox/outbox-problems.js";
import { createOutboxWorker, type OutboxClient } from "./outbox/outbox-worker.js";
import type { RenderBudgetOptions } from "./outbox/render-budget.js";
import { createSlackStore } from "./outbox/slack-store.js";

/** The `/promote` handlers other flows own (request, drift, rollback, lock, unlock, history). */
export type ExternalPromoteHandlers = Omit<PromoteHandlers, "status" | "help" | "unknown">;

export interface SlackModuleDeps {
  config: Pick<Config, "slack" | "mode">;
  logger: Logger;
  db: Database.Database;
  artifacts: ArtifactReader;
  /** Per-name reads matter: one environment runs many services (ctx.stores.deployments has both). */
  deployments: DeploymentReader & DeploymentHistoryReader;
  contracts: ContractSource;
  readiness: ReadinessService;
  changes: ChangeBus;
  promotions?: CardPromotionSource | undefined;
  clock?: Clock | undefined;
  /** Card coalescing: quiet period and longest wait (defaults 2 s / 10 s). */
  coalesce?: { quietMs?: number; maxWaitMs?: number; renderBudget?: RenderBudgetOptions } | undefined;
  /**
   * Time-based re-evaluation of cards (soak ends, evidence goes stale, freezes, expiries):
   * sweep period (default 30 s; 0 = boundary timers only), how many recent cards, batch size.
   */
  reevaluate?: { intervalMs?: number; limit?: number; batch?: number } | undefined;
  outbox?:
    | { concurrency?: number; backoffBaseMs?: number; backoffMaxMs?: number; timeoutMs?: number }
    | undefined;
  /**
   * Syncs the WAL off the event loop (sqlite/wal-sync.ts): card and outbox writes then commit at
   * synchronous=NORMAL and are acted on only once it returned. Without one they commit as opened.
   */
  barrier?: (() => Promise<void>) | undefined;
  /** Turns at the write lock shared with the intake writer thread (sqlite/write-turns.ts). */
  writeTurns?: WriteTurns | undefined;
  /** Start-up re-render: what changed within `windowMs` (default 15 min), and the `cards` most recent cards (500). */
  reconcile?: { windowMs?: number; cards?: number } | undefined;
}

export interface SlackHealth {
  ok: boolean;
  pending: number;
  problems: OutboxProblem[];
  botUserId?: string | undefined;
}

/**
 * Artifacts that appeared, got evidence or were deployed this recently are re-rendered at start:
 * their pending render lived only in memory (or in a commit not yet synced) when a crash hit.
 */
const RECONCILE_WINDOW_MS = 15 * 60_000;
/** Newest evidence/deployment rows start-up looks at for that. */
const RECONCILE_ROWS = 5000;

export type SlackModule = ReturnType<typeof createSlackModule>;

export function createSlackModule(deps: SlackModuleDeps) {
  const logger = deps.logger.child({ component: "slack" });
  const now = () => (deps.clock ?? { now: () => new Date() }).now();
  const identity: BotIdentity = {};
  const slack = createSlackApp({ config: deps.config, logger, identity });
  const client = createOutboxClient(deps.config, logger, deps.outbox?.timeoutMs);
  const store = createSlackStore(deps.db, { barrier: deps.barrier, turns: deps.writeTurns });
  const worker = createOutboxWorker({
    store,
    client: outboxClientOf(client),
    logger,
    ...definedOnly(deps.outbox ?? {}),
    // NOTE: called only once both exist (a reply whose card message is gone).
    repostCard: (digest, environment) => void cards.flush(digest, environment),
  });
  const facts = createCardFacts(deps);
  const cards = createCardService({
    store,
    facts,
    contracts: deps.contracts,
    deployments: deps.deployments,
    artifacts: deps.artifacts,
    logger,
    kick: worker.kick,
    ...definedOnly(deps.coalesce ?? {}),
    reevaluate: definedOnly(deps.reevaluate ?? {}),
  });

  let commandsRegistered = false;
  registerDetailsAction(slack.app, { facts, logger });
  registerAppHome(slack.app, { ...deps, logger, now });
  registerUnknownButtons(slack.app, logger);
  slack.app.error(async (error) => {
    logger.error({ err: error }, "slack listener failed");
  });

  let unsubscribe: (() => void) | undefined;
  let authProblem: OutboxProblem | undefined;

  function reconcile(): void {
    const since = now().getTime() - (deps.reconcile?.windowMs ?? RECONCILE_WINDOW_MS);
    const fresh = deps.artifacts
      .listArtifacts({ limit: 200 })
      .filter((a) => a.firstSeenAt.getTime() >= since)
      .map((a) => a.digest);
    const changed = store.recentlyChangedDigests(since, RECONCILE_ROWS);
    const carded = store.recentCards(deps.reconcile?.cards ?? 500).map((c) => c.digest);
    const digests = [...new Set([...fresh, ...changed, ...carded])];
    cards.onChange({ type: "artifact_changed", digests });
  }

  /** A contract without `channel` is valid (no cards wanted), but more often a forgotten line. */
  function warnChannelless(): void {
    const set = deps.contracts.current();
    for (const environment of set.order) {
      if (set.contracts.get(environment)?.channel === undefined)
        logger.warn({ environment }, "contract has no channel: readiness cards for it are not posted");
    }
  }

  async function checkAuth(): Promise<void> {
    try {
      const result = await client.auth.test();
      identity.botUserId = result.user_id;
      identity.botId = result.bot_id;
      authProblem = undefined;
    } catch (error) {
      const name = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
      authProblem = {
        error: name,
        scope: "workspace",
        hint: "auth.test failed: check SLACK_BOT_TOKEN and SLACK_API_URL",
        since: now().toISOString(),
        count: 1,
      };
      logger.error({ error: name }, "slack auth.test failed");
    }
  }

  return {
    /** Register further listeners here (promotion actions, rollback): `registerX(slack.app, deps)`. */
    app: slack.app,
    mode: slack.mode,
    /** HTTP mode: mount at POST /slack/events. Undefined in Socket Mode. */
    requestListener: slack.requestListener,
    /** Web API client on SLACK_API_URL without its own retries (drift digests, user groups). */
    client,
    threadPoster: cards.threadPoster as CardThreadPoster,
    cards,
    store,
    worker,
    /**
     * Registers `/promote` with the handlers other flows own; status, help and unknown are built
     * in. Call once, before start() (those flows usually need `threadPoster` from this module).
     */
    registerCommands(commands: ExternalPromoteHandlers): void {
      if (commandsRegistered) throw new Error("/promote is already registered");
      const handlers = {
        ...commands,
        status: statusHandler(deps),
        help: helpHandler,
        unknown: unknownHandler,
      };
      registerPromoteCommand(slack.app, handlers, logger);
      commandsRegistered = true;
    },
    async start(): Promise<void> {
      if (!commandsRegistered) throw new Error("wiring bug: call registerCommands() before start()");
      const stopCards = cards.subscribe(deps.changes);
      const stopWarnings = deps.changes.subscribe((event) => {
        if (event.type === "contracts_reloaded") warnChannelless();
      });
      unsubscribe = () => {
        stopCards();
        stopWarnings();
      };
      warnChannelless();
      worker.start();
      cards.startClock();
      reconcile();
      void checkAuth();
      await slack.start();
    },
    /** `drain`: render dirty cards and wait (up to `timeoutMs`) for the outbox; otherwise leave it in SQLite. */
    async stop(options: { drain?: boolean; timeoutMs?: number } = {}): Promise<void> {
      unsubscribe?.();
      await cards.stopClock();
      if (options.drain) {
        await cards.flushAll();
        const timeout = new Promise<void>((resolve) =>
          setTimeout(resolve, options.timeoutMs ?? 5000).unref(),
        );
        await Promise.race([worker.idle(), timeout]);
      } else {
        cards.cancelAll();
      }
      await worker.stop();
      // Writes already queued still commit before the database closes.
      await store.settled();
      await slack.stop();
    },
    health(): SlackHealth {
      const socket = slack.connectionProblem?.();
      const problems = [
        ...(authProblem ? [authProblem] : []),
        ...(socket === undefined ? [] : [socketProblem(socket)]),
        ...worker.health(),
      ];
      // NOTE: a card channel the bot is not in is shown, but only a workspace-wide problem
      // (bad token, Slack unreachable for good) makes the whole instance not ready.
      return {
        ok: problems.every((p) => p.scope !== "workspace"),
        pending: store.pendingCount(),
        problems,
        botUserId: identity.botUserId,
      };
    },
  };
}

/** Slack cannot deliver commands, clicks or events to a Socket Mode app that is not connected. */
function socketProblem(why: string): OutboxProblem {
  return {
    error: "socket_not_connected",
    scope: "workspace",
    hint: `${why}: check SLACK_APP_TOKEN and that Slack (SLACK_API_URL) is reachable`,
    since: new Date().toISOString(),
    count: 1,
  };
}

function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** The outbox builds its arguments from stored rows; the Web API checks them, so a cast is honest here. */
export function outboxClientOf(client: WebClient): OutboxClient {
  return {
    chat: {
      postMessage: (args) => client.chat.postMessage(args as unknown as webApi.ChatPostMessageArguments),
      update: (args) => client.chat.update(args as unknown as webApi.ChatUpdateArguments),
    },
    conversations: {
      history: (args) =>
        client.conversations.history(args as unknown as webApi.ConversationsHistoryArguments),
    },
  };
}
