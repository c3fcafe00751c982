/**
 * Keeps cards true. Changes mark cards dirty; a card renders once its changes have been quiet for
 * `quietMs` (or `maxWaitMs` after the first one, so a steady stream still shows progress). A
 * render whose hash matches the last one is dropped; otherwise it goes to the outbox, which
 * coalesces again while Slack is slow or rate-limiting.
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
import { cardKey, type SlackStore } from "./slack-store.js";

export interface CardServiceOptions {
  store: SlackStore;
  facts: CardFacts;
  contracts: ContractSource;
  deployments: Pick<DeploymentReader, "latestSuccessOf"> & Pick<DeploymentHistoryReader, "runningNamed">;
  artifacts: Pick<ArtifactReader, "getArtifact">;
  logger: Logger;
  /** Called after rows are committed, so the outbox sends them. */
  kick(): void;
  now?: () => number;
  quietMs?: number;
  maxWaitMs?: number;
  /** Cards re-rendered per environment when something environment-wide changes. */
  environmentFanout?: number;
  /** Time-based re-evaluation (soak, max_age, freeze, expiry): sweep period and size. */
  reevaluate?: Pick<CardClockOptions, "intervalMs" | "limit" | "batch">;
}

interface Dirty {
  firstAt: number;
  timer: NodeJS.Timeout;
}

export type CardService = ReturnType<typeof createCardService>;

export function createCardService(options: CardServiceOptions) {
  const { store, facts, logger } = options;
  const now = options.now ?? Date.now;
  const quietMs = options.quietMs ?? 2000;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  const fanout = options.environmentFanout ?? 200;
  const dirty = new Map<string, Dirty & { digest: string; environment: string }>();

  function markDirty(digest: string, environment: string): void {
    const key = cardKey(digest, environment);
    const t = now();
    const entry = dirty.get(key);
    if (entry) clearTimeout(entry.timer);
    const firstAt = entry?.firstAt ?? t;
    const wait = Math.max(0, Math.min(quietMs, firstAt + maxWaitMs - t));
    const timer = setTimeout(() => flush(digest, environment), wait);
    dirty.set(key, { firstAt, timer, digest, environment });
  }

  /** Renders one card now and queues the Slack call; false when there is nothing to show. */
  function flush(digest: string, environment: string, evaluated?: CardModel): boolean {
    const key = cardKey(digest, environment);
    const entry = dirty.get(key);
    if (entry) clearTimeout(entry.timer);
    dirty.delete(key);
    try {
      const model = evaluated ?? facts.cardModel(digest, environment);
      const channel = store.getCard(digest, environment)?.channel ?? facts.channelFor(environment);
      if (!model || !channel) return false;
      const message = renderReadinessCard(model);
      const hash = createHash("sha256")
        .update(JSON.stringify([channel, message]))
        .digest("hex");
      const outcome = store.enqueueRender({ digest, environment, channel, hash, message }, now());
      clock.remember(digest, environment, model);
      if (outcome !== "unchanged") options.kick();
      return true;
    } catch (error) {
      logger.error({ err: error, digest, environment }, "card render failed");
      return false;
    }
  }

  const clock = createCardClock({
    store,
    facts,
    logger,
    render: (digest, environment, model) => void flush(digest, environment, model),
    isDirty: (key) => dirty.has(key),
    ...options.reevaluate,
  });

  function onArtifacts(digests: string[]): void {
    const set = options.contracts.current();
    for (const digest of digests) {
      const envs = new Set(cardEnvironments(set, options.deployments, digest));
      for (const card of store.cardsFor(digest)) envs.add(card.environment);
      for (const env of envs) markDirty(digest, env);
    }
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
      for (const card of store.recentCardsIn(env, fanout)) markDirty(card.digest, card.environment);
    }
  }

  function everyRecentCard(): void {
    for (const card of store.recentCards(fanout * 4)) markDirty(card.digest, card.environment);
  }

  function onChange(event: ChangeEvent): void {
    if (event.type === "artifact_changed") onArtifacts(event.digests);
    else if (event.type === "environment_changed") onEnvironment(event.environment);
    else everyRecentCard();
  }

  const threadPoster: CardThreadPoster = {
    postEvent({ digest, environment, text }) {
      // NOTE: an event for a card that does not exist yet posts the card first (same ordered line).
      if (!store.getCard(digest, environment) && !flush(digest, environment)) {
        logger.warn({ digest, environment }, "card event dropped: no card and no channel for it");
        return;
      }
      store.enqueueThreadReply({ digest, environment, text }, now());
      options.kick();
    },
  };

  return {
    subscribe(bus: ChangeBus): () => void {
      return bus.subscribe(onChange);
    },
    onChange,
    markDirty,
    flush: (digest: string, environment: string): boolean => flush(digest, environment),
    /** Starts time-based re-evaluation (periodic sweep and boundary timers). */
    startClock: clock.start,
    /** Stops it; waits for a sweep in flight to reach its next batch. */
    stopClock: clock.stop,
    /** Re-evaluates recent cards now (tests, after a long pause); resolves with how many changed. */
    reevaluate: clock.sweep,
    /** Renders every dirty card now (shutdown drain, tests). */
    flushAll(): void {
      for (const { digest, environment } of [...dirty.values()]) flush(digest, environment);
    },
    /** Forgets dirty cards without rendering (a stop without draining). */
    cancelAll(): void {
      for (const entry of dirty.values()) clearTimeout(entry.timer);
      dirty.clear();
    },
    dirtyCount: () => dirty.size,
    threadPoster,
  };
}
