/**
 * Keeps cards true. Changes mark cards dirty; a card renders once its changes have been quiet for
 * `quietMs` (or `maxWaitMs` after the first one, so a steady stream still shows progress). A
 * render whose hash matches the last one is dropped; otherwise it goes to the outbox, which
 * coalesces again while Slack is slow or rate-limiting.
 */
import { createHash } from "node:crypto";
import type {
  CardThreadPoster,
  ChangeBus,
  ChangeEvent,
  ContractSource,
  DeploymentReader,
} from "../../../flows/ports.js";
import type { Logger } from "../../log.js";
import type { CardFacts } from "../card-facts.js";
import { renderReadinessCard } from "../views/readiness-card.js";
import { cardEnvironments, dependentEnvironments } from "./card-targets.js";
import { cardKey, type SlackStore } from "./slack-store.js";

export interface CardServiceOptions {
  store: SlackStore;
  facts: CardFacts;
  contracts: ContractSource;
  deployments: Pick<DeploymentReader, "latestSuccessOf" | "currentlyRunning">;
  logger: Logger;
  /** Called after rows are committed, so the outbox sends them. */
  kick(): void;
  now?: () => number;
  quietMs?: number;
  maxWaitMs?: number;
  /** Cards re-rendered per environment when something environment-wide changes. */
  environmentFanout?: number;
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
  function flush(digest: string, environment: string): boolean {
    const key = cardKey(digest, environment);
    const entry = dirty.get(key);
    if (entry) clearTimeout(entry.timer);
    dirty.delete(key);
    try {
      const model = facts.cardModel(digest, environment);
      const channel = store.getCard(digest, environment)?.channel ?? facts.channelFor(environment);
      if (!model || !channel) return false;
      const message = renderReadinessCard(model);
      const hash = createHash("sha256")
        .update(JSON.stringify([channel, message]))
        .digest("hex");
      const outcome = store.enqueueRender({ digest, environment, channel, hash, message }, now());
      if (outcome !== "unchanged") options.kick();
      return true;
    } catch (error) {
      logger.error({ err: error, digest, environment }, "card render failed");
      return false;
    }
  }

  function onArtifacts(digests: string[]): void {
    const set = options.contracts.current();
    for (const digest of digests) {
      const envs = new Set(cardEnvironments(set, options.deployments, digest));
      for (const card of store.cardsFor(digest)) envs.add(card.environment);
      for (const env of envs) markDirty(digest, env);
    }
  }

  function onEnvironment(environment: string): void {
    const set = options.contracts.current();
    const runningDigest = options.deployments.currentlyRunning(environment)?.digest;
    if (runningDigest) onArtifacts([runningDigest]);
    for (const env of dependentEnvironments(set, environment)) {
      for (const card of store.recentCardsIn(env, fanout)) markDirty(card.digest, card.environment);
    }
  }

  function onChange(event: ChangeEvent): void {
    if (event.type === "artifact_changed") onArtifacts(event.digests);
    else if (event.type === "environment_changed") onEnvironment(event.environment);
    else for (const card of store.recentCards(fanout * 4)) markDirty(card.digest, card.environment);
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
    flush,
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
