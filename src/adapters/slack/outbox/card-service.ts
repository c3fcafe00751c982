/**
 * Keeps cards true. A change only marks its artifact (or one card) dirty in memory
 * (dirty-cards.ts) because it runs inside the request that caused it. The card renders once the
 * changes have been quiet for `quietMs` (or `maxWaitMs` after the first one, so a steady stream
 * still shows progress); which cards an artifact has, and what they show, is looked up then, once
 * per coalesced render. A render whose hash matches the last one is dropped; otherwise it goes to
 * the outbox, which coalesces again while Slack is slow or rate-limiting.
 *
 * NOTE: marks live only in memory; a crash loses them. The evidence behind them is durable, and
 * start-up re-renders the cards of artifacts that changed recently (slack-module.ts reconcile).
 */
import { createHash } from "node:crypto";
import type {
  ArtifactReader,
  CardThreadPoster,
  ChangeBus,
  ChangeEvent,
  ContractSource,
  DeploymentHistoryReader,
  DeploymentReader,
} from "../../../flows/ports.js";
import type { Logger } from "../../log.js";
import type { CardFacts } from "../card-facts.js";
import type { CardModel } from "../views/card-model.js";
import { renderReadinessCard } from "../views/readiness-card.js";
import { type CardClockOptions, createCardClock } from "./card-clock.js";
import { cardEnvironments, dependentEnvironments } from "./card-targets.js";
import { createDirtyCards } from "./dirty-cards.js";
import { createRenderBudget, type RenderBudgetOptions, SLACK_RENDER_BUDGET } from "./render-budget.js";
import type { SlackStore } from "./slack-store.js";

export interface CardServiceOptions {
  store: SlackStore;
  facts: CardFacts;
  contracts: ContractSource;
  deployments: Pick<DeploymentReader, "latestSuccessOf"> & Pick<DeploymentHistoryReader, "runningNamed">;
  artifacts: Pick<ArtifactReader, "getArtifact">;
  logger: Logger;
  /** Called after rows are committed and durable, so the outbox sends them. */
  kick(): void;
  now?: () => number;
  quietMs?: number;
  maxWaitMs?: number;
  /** How fast marked cards re-render (render-budget.ts); explicit flushes are not counted. */
  renderBudget?: RenderBudgetOptions | undefined;
  /** Cards re-rendered per environment when something environment-wide changes. */
  environmentFanout?: number;
  /** Time-based re-evaluation (soak, max_age, freeze, expiry): sweep period and size. */
  reevaluate?: Pick<CardClockOptions, "intervalMs" | "limit" | "batch">;
}

export type CardService = ReturnType<typeof createCardService>;

export function createCardService(options: CardServiceOptions) {
  const { store, facts, logger } = options;
  const now = options.now ?? Date.now;
  const quietMs = options.quietMs ?? 2000;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  const fanout = options.environmentFanout ?? 200;
  const budget = createRenderBudget(options.renderBudget ?? SLACK_RENDER_BUDGET, now);
  const dirty = createDirtyCards({
    now,
    quietMs,
    maxWaitMs,
    budget,
    render: (digest) => flushDigest(digest),
  });
  const mark = dirty.mark;

  /** Renders every card an artifact's pending changes touch. */
  function flushDigest(digest: string): void {
    const entry = dirty.take(digest);
    if (!entry) return;
    try {
      const environments = entry.all ? targetsOf(digest, entry.environments) : entry.environments;
      for (const environment of environments) render(digest, environment);
    } catch (error) {
      logger.error({ err: error, digest }, "card targets failed");
    }
  }

  function targetsOf(digest: string, extra: Set<string>): Set<string> {
    const envs = new Set(cardEnvironments(options.contracts.current(), options.deployments, digest));
    for (const card of store.cardsFor(digest)) envs.add(card.environment);
    for (const env of extra) envs.add(env);
    return envs;
  }

  /** Renders one card now and queues the Slack call; false when there is nothing to show. */
  function render(digest: string, environment: string, evaluated?: CardModel): boolean {
    try {
      const model = evaluated ?? facts.cardModel(digest, environment);
      const channel = store.getCard(digest, environment)?.channel ?? facts.channelFor(environment);
      if (!model || !channel) return false;
      const message = renderReadinessCard(model);
      const hash = createHash("sha256")
        .update(JSON.stringify([channel, message]))
        .digest("hex");
      clock.remember(digest, environment, model);
      const input = { digest, environment, channel, hash, message };
      store
        .write(() => store.enqueueRender(input, now()))
        .then(
          (outcome) => outcome !== "unchanged" && options.kick(),
          (error: unknown) => logger.error({ err: error, digest, environment }, "card render not stored"),
        );
      return true;
    } catch (error) {
      logger.error({ err: error, digest, environment }, "card render failed");
      return false;
    }
  }

  /** An explicit render of one card (someone waits for it): its pending mark, if any, is consumed. */
  function flush(digest: string, environment: string): boolean {
    const shown = renderMarked(digest, environment);
    // Committed now rather than at the end of the turn: one event-loop hop less before Slack sees it.
    store.commitNow();
    return shown;
  }

  function renderMarked(digest: string, environment: string): boolean {
    dirty.consume(digest, environment);
    return render(digest, environment);
  }

  const clock = createCardClock({
    store,
    facts,
    logger,
    render: (digest, environment, model) => void render(digest, environment, model),
    isDirty: dirty.has,
    ...options.reevaluate,
  });

  function onArtifacts(digests: string[]): void {
    for (const digest of digests) mark(digest);
  }

  function onEnvironment(environment: string): void {
    // `lock all` / `unlock all` change every environment.
    if (environment === "*") {
      everyRecentCard();
      return;
    }
    const set = options.contracts.current();
    // NOTE: an environment runs many services, so "what runs there now" is asked per artifact
    // name: each one's cards (its running line, the next environment's card) may change.
    const names = new Set<string>();
    for (const card of store.recentCardsIn(environment, fanout)) {
      const name = options.artifacts.getArtifact(card.digest)?.name;
      if (name !== undefined) names.add(name);
    }
    const running = [...names].flatMap((name) => options.deployments.runningNamed(environment, name) ?? []);
    onArtifacts(running.map((d) => d.digest));
    for (const env of dependentEnvironments(set, environment)) {
      for (const card of store.recentCardsIn(env, fanout)) mark(card.digest, card.environment);
    }
  }

  function everyRecentCard(): void {
    for (const card of store.recentCards(fanout * 4)) mark(card.digest, card.environment);
  }

  function onChange(event: ChangeEvent): void {
    if (event.type === "artifact_changed") onArtifacts(event.digests);
    else if (event.type === "environment_changed") onEnvironment(event.environment);
    else everyRecentCard();
  }

  const threadPoster: CardThreadPoster = {
    postEvent({ digest, environment, text }) {
      // NOTE: an event for a card that does not exist yet posts the card first (same ordered line).
      if (!store.getCard(digest, environment) && !renderMarked(digest, environment)) {
        logger.warn({ digest, environment }, "card event dropped: no card and no channel for it");
        return;
      }
      // Queued after the card's render, so the post (or its update) stays ahead of the reply.
      store
        .write(() => store.enqueueThreadReply({ digest, environment, text }, now()))
        .then(
          () => options.kick(),
          (error: unknown) => logger.error({ err: error, digest, environment }, "card event not stored"),
        );
    },
  };

  return {
    subscribe(bus: ChangeBus): () => void {
      return bus.subscribe(onChange);
    },
    onChange,
    markDirty: (digest: string, environment: string): void => mark(digest, environment),
    flush,
    /** Starts time-based re-evaluation (periodic sweep and boundary timers). */
    startClock: clock.start,
    /** Stops it; waits for a sweep in flight to reach its next batch. */
    stopClock: clock.stop,
    /** Re-evaluates recent cards now (tests, after a long pause); resolves with how many changed. */
    reevaluate: clock.sweep,
    /** Renders every dirty card now (shutdown drain, tests); resolves once the renders are stored. */
    flushAll(): Promise<void> {
      for (const digest of dirty.digests()) flushDigest(digest);
      return store.settled();
    },
    /** Forgets dirty cards without rendering (a stop without draining). */
    cancelAll: dirty.clear,
    /** Artifacts waiting for their coalesced render, plus renders not yet stored. */
    dirtyCount: () => dirty.size() + store.pendingWrites(),
    threadPoster,
  };
}
