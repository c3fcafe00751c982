/**
 * Sends the outbox to Slack. A card's message calls go strictly in order (the post stores its ts
 * before any update), and so do its thread replies, which never overtake the message calls queued
 * before them (outbox-lines.ts); lines and cards go in parallel up to `concurrency`. A 429 pauses
 * every call until Retry-After; 5xx and network errors back off exponentially with jitter; a card
 * whose message is gone from Slack is posted again (lost-card.ts); other permanent errors stop, are
 * logged with a hint, and show in `health()` until a later call proves them over (outbox-problems.ts).
 */
import type { Logger } from "../../log.js";
import { adoptPostedCards, cardMetadata, type HistoryClient } from "./adopt-posted-cards.js";
import { lostCardMessage } from "./lost-card.js";
import { cardUpdatesFirst, isCardPost, lineOf } from "./outbox-lines.js";
import { createOutboxProblems } from "./outbox-problems.js";
import { classifySlackError, type Failure } from "./slack-errors.js";
import { cardKey, type OutboxRow, type SlackStore } from "./slack-store.js";

/** The Web API methods the outbox uses, as @slack/web-api's WebClient has them. */
export interface OutboxClient extends HistoryClient {
  chat: {
    postMessage(
      args: Record<string, unknown>,
    ): Promise<{ ts?: string | undefined; channel?: string | undefined }>;
    update(args: Record<string, unknown>): Promise<unknown>;
  };
}

export interface OutboxWorkerOptions {
  store: SlackStore;
  client: OutboxClient;
  logger: Logger;
  now?: () => number;
  concurrency?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Transient failures after which a row is given up (a day of retries at the default cap). */
  maxAttempts?: number;
  random?: () => number;
  /**
   * A reply found its card's message gone: render the card now, so it is posted again and the
   * reply follows it into the new thread (slack-module wires the card service's flush).
   */
  repostCard?: (digest: string, environment: string) => void;
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;

export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { store, client, logger } = options;
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 16;
  const base = options.backoffBaseMs ?? 1000;
  const cap = options.backoffMaxMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 1500;
  const random = options.random ?? Math.random;
  const inFlight = new Map<string, Promise<void>>();
  const problems = createOutboxProblems(now);
  let pausedUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let scheduled = false;
  let idleWaiters: (() => void)[] = [];
  let adopting: Promise<unknown> | undefined;

  function kick(): void {
    if (!running || scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      tick();
    });
  }

  function tick(): void {
    // Nothing is sent until cards posted before a restart have been looked for.
    if (!running || adopting !== undefined) return;
    clearTimeout(timer);
    const t = now();
    if (t < pausedUntil) {
      schedule(pausedUntil - t);
      return;
    }
    const free = concurrency - inFlight.size;
    if (free > 0) {
      // Every row read below was committed by batch `mark` or earlier.
      const mark = store.commitMark();
      const rows = store.dueRows(t, concurrency * 4).filter((r) => !inFlight.has(lineOf(r)));
      for (const row of cardUpdatesFirst(rows).slice(0, free)) start(row, mark);
    }
    // NOTE: rows due by `t` are either started, waiting behind an in-flight call of their card, or
    // waiting for a free slot; each finishing call kicks again, so only rows due after `t` need a
    // timer — after `t`, not after now: a row falling due while this tick ran was not started.
    const next = store.nextDueAfter(t);
    if (next !== undefined) schedule(next - now());
    // Asked only when someone waits for idle: it is a query, and every finished call ticks.
    if (idleWaiters.length > 0 && inFlight.size === 0 && store.dueRows(now(), 1).length === 0) notifyIdle();
  }

  function schedule(ms: number): void {
    clearTimeout(timer);
    timer = setTimeout(tick, Math.max(ms, 5));
    timer.unref?.();
  }

  function start(row: OutboxRow, mark: number): void {
    const line = lineOf(row);
    const work = send(row, mark)
      .catch((error: unknown) => logger.error({ err: error, outboxId: row.id }, "slack outbox bug"))
      .finally(() => {
        inFlight.delete(line);
        kick();
      });
    inFlight.set(line, work);
  }

  async function send(row: OutboxRow, mark: number): Promise<void> {
    let card = row.cardKey ? cardOf(row.cardKey) : undefined;
    // NOTE: the row may be committed but not yet synced. A card is posted only once its row is on
    // disk: were the row lost after the post, start-up would render the card again and post it
    // twice. Nothing re-derives a reply or a plain message, so losing its row cannot send it twice,
    // and an update of a posted card is idempotent: those go at once.
    const posts = isCardPost(row, card);
    if (posts) {
      await store.durableThrough(mark);
      card = row.cardKey ? cardOf(row.cardKey) : undefined;
    }
    const channel = card?.channel ?? row.payload.channel;
    let result: (() => unknown) | undefined = undeliverable(row, card);
    let repost: (() => void) | undefined;
    try {
      // NOTE: only a call Slack accepted proves a problem over, not a row given up without one.
      if (result === undefined) {
        result = await deliver(row, card);
        if (channel) problems.clear(channel, row.cardKey);
      }
    } catch (error) {
      const failure = classifySlackError(error, channel);
      const lost = lostCardMessage({ row, card, failure, store, logger, now, retryAt: retryAt(row) });
      result = lost?.record ?? handleFailure(row, failure, channel);
      if (lost?.repost && card) repost = () => options.repostCard?.(card.digest, card.environment);
    }
    // The line stays busy until the outcome is recorded; a posted card's until its ts is durable, so
    // a power cut cannot make its updates post it again.
    const recorded = store.write(result, { durable: posts });
    // Committed now (at NORMAL, no fsync on the loop): the card's next call is not an event-loop turn away.
    store.commitNow();
    await recorded;
    repost?.();
  }

  /** When a row that failed for a passing reason is tried again: exponential backoff with jitter. */
  function retryAt(row: OutboxRow): number {
    const delay = Math.min(cap, base * 2 ** Math.min(row.attempts, 20));
    return now() + Math.round(delay / 2 + (random() * delay) / 2);
  }

  function cardOf(key: string) {
    const at = key.lastIndexOf("|");
    return store.getCard(key.slice(0, at), key.slice(at + 1));
  }

  /** The bookkeeping for a card row that has nothing to call Slack with; undefined when it has. */
  function undeliverable(row: OutboxRow, card: ReturnType<typeof cardOf>): (() => unknown) | undefined {
    if (row.kind === "post_message") return undefined;
    if (!card) return () => store.markDead(row.id, "card row missing", now());
    return row.kind === "thread_reply" && !card.ts ? replyWithoutCard(row) : undefined;
  }

  /** Makes the call; returns the bookkeeping write that records its outcome. */
  async function deliver(row: OutboxRow, card: ReturnType<typeof cardOf>): Promise<() => unknown> {
    const { text, blocks } = row.payload;
    const done = () => store.markDone(row, now());
    // (A card row always has its card here: undeliverable() took the others.)
    if (row.kind === "post_message" || !card) {
      await client.chat.postMessage({ channel: row.payload.channel, text, blocks, unfurl_links: false });
      return done;
    }
    if (row.kind === "thread_reply") {
      await client.chat.postMessage({ channel: card.channel, thread_ts: card.ts, text, unfurl_links: false });
      return done;
    }
    if (card.ts) {
      await client.chat.update({ channel: card.channel, ts: card.ts, text, blocks });
      return done;
    }
    // A post, or an update whose post died earlier: either way no message exists yet. Its metadata
    // lets a restart find it if we die before its ts is stored (adopt-posted-cards.ts).
    const posted = await client.chat.postMessage({
      channel: card.channel,
      text,
      blocks,
      unfurl_links: false,
      metadata: cardMetadata(cardKey(card.digest, card.environment)),
    });
    if (!posted.ts) throw new Error("chat.postMessage answered without ts");
    const ts = posted.ts;
    return () => store.recordPosted(row, ts, now());
  }

  function handleFailure(row: OutboxRow, failure: Failure, channel: string | undefined): () => unknown {
    const t = now();
    if (failure.type === "rate_limited") {
      pausedUntil = Math.max(pausedUntil, t + failure.retryAfterMs);
      logger.warn(
        { retryAfterMs: failure.retryAfterMs, outboxId: row.id },
        "slack rate limited; pausing the outbox",
      );
      const until = pausedUntil;
      return () => store.reschedule(row.id, until, "ratelimited");
    }
    if (failure.type === "transient" && row.attempts + 1 < maxAttempts) {
      const at = retryAt(row);
      logger.warn(
        { error: failure.error, outboxId: row.id, retryInMs: at - t },
        "slack call failed; retrying",
      );
      return () => store.reschedule(row.id, at, failure.error);
    }
    const hint = failure.type === "permanent" ? failure.hint : "gave up after repeated transient failures";
    const scope = failure.type === "permanent" ? failure.scope : "workspace";
    problems.record(
      failure.error,
      hint,
      scope,
      channel,
      row.kind === "post_message" ? undefined : row.cardKey,
    );
    logger.error(
      { error: failure.error, channel, hint, outboxId: row.id, kind: row.kind },
      `slack call failed: ${hint}`,
    );
    return () => store.markDead(row.id, failure.error, t);
  }

  /**
   * A reply of a card with no message: it waits while the card's post is queued (the card was posted
   * again after its message was lost, and that post was queued after the reply); otherwise the
   * card's post died (not_in_channel…) and a reply has nowhere to go.
   */
  function replyWithoutCard(row: OutboxRow): () => unknown {
    if (row.cardKey !== undefined && store.hasPendingPost(row.cardKey) && row.attempts + 1 < maxAttempts) {
      const at = retryAt(row);
      return () => store.reschedule(row.id, at, "waiting for the card's post");
    }
    return () => store.markDead(row.id, "the card was never posted", now());
  }

  function notifyIdle(): void {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  return {
    start(): void {
      running = true;
      adopting = adoptPostedCards(store, client, logger, now)
        .catch((error: unknown) =>
          logger.error({ err: error }, "looking for cards posted before the restart failed"),
        )
        .finally(() => {
          adopting = undefined;
          kick();
        });
    },
    kick,
    /** Stops sending; rows not sent stay pending in SQLite for the next start. */
    async stop(): Promise<void> {
      running = false;
      clearTimeout(timer);
      await Promise.allSettled([adopting, ...inFlight.values()]);
      notifyIdle();
    },
    /** Resolves when nothing is due or in flight (rows waiting on backoff do not count). */
    idle(): Promise<void> {
      if (inFlight.size === 0 && store.dueRows(now(), 1).length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    health: problems.list,
    pausedUntil: () => pausedUntil,
  };
}
