/**
 * A card whose message is gone from Slack — someone deleted it in the channel, or the Slack behind
 * SLACK_API_URL forgot it (the sandbox's emulator after a crash) — is posted again as a new message
 * instead of going silent for good. Every later call then uses the new ts.
 *
 * - An update answered `message_not_found`: its row holds the card's newest rendering, so it becomes
 *   the card's post (the usual post path: durable first, with metadata, adopted after a crash).
 *   Replies queued after it wait for it and go to the new message's thread.
 * - A reply answered `thread_not_found`: the card is forgotten and rendered again at once (which
 *   queues a post); the reply waits for that post and follows it into the new thread.
 *
 * NOTE: only when the ts that failed is still the card's: a call that raced a newer post changes nothing.
 */
import type { Logger } from "../../log.js";
import { CARD_GONE_ERRORS, type Failure, THREAD_GONE_ERRORS } from "./slack-errors.js";
import type { CardRow, OutboxRow, SlackStore } from "./slack-store.js";

export interface LostCardInput {
  row: OutboxRow;
  card: CardRow | undefined;
  failure: Failure;
  store: Pick<SlackStore, "repostLost" | "forgetLost" | "reschedule">;
  logger: Logger;
  now: () => number;
  /** When the reply is tried again (the worker's backoff). */
  retryAt: number;
}

export interface LostCard {
  /** The bookkeeping write, instead of a dead row. */
  record: () => unknown;
  /** True when the card must be rendered again (once `record` is committed) to queue its post. */
  repost: boolean;
}

/** How to recover when `failure` means the card's message is gone; undefined when it does not. */
export function lostCardMessage(input: LostCardInput): LostCard | undefined {
  const { row, card, failure, store, logger, now } = input;
  if (failure.type !== "permanent" || card?.ts === undefined || row.cardKey === undefined) return undefined;
  const lostTs = card.ts;
  const key = row.cardKey;
  const where = {
    error: failure.error,
    channel: card.channel,
    ts: lostTs,
    digest: card.digest,
    environment: card.environment,
    outboxId: row.id,
  };
  if (row.kind === "update_card" && CARD_GONE_ERRORS.has(failure.error)) {
    logger.warn(where, "the card's message is gone from Slack (deleted?): posting the card again");
    return { record: () => store.repostLost(row, lostTs, now()), repost: false };
  }
  if (row.kind === "thread_reply" && THREAD_GONE_ERRORS.has(failure.error)) {
    logger.warn(
      where,
      "the card's thread is gone from Slack (deleted?): posting the card again, the reply follows",
    );
    return {
      record: () => {
        store.forgetLost(key, lostTs, now());
        store.reschedule(row.id, input.retryAt, failure.error);
      },
      repost: true,
    };
  }
  return undefined;
}
