/**
 * A card posted just before the process died is in Slack, but its ts never reached the database:
 * sending its row again would show the card twice. So every card post carries message metadata
 * naming its card, and at start-up, before anything is sent, the outbox reads the recent history
 * of each channel that has such unconfirmed posts and keeps the ts it finds (the row is then sent
 * as an update, which is idempotent). Reading history needs the `channels:history` and
 * `groups:history` scopes, which are optional (SPEC §5 lists four): without them the card is
 * posted as before, with a warning.
 */
import type { Logger } from "../../log.js";
import type { SlackStore } from "./slack-store.js";

export const CARD_METADATA_TYPE = "tollgate_card";

/** What a card's post carries, so the card can be recognised in the channel's history. */
export function cardMetadata(cardKey: string) {
  return { event_type: CARD_METADATA_TYPE, event_payload: { card: cardKey } };
}

/** conversations.history as @slack/web-api's WebClient has it (the fields read here). */
export interface HistoryClient {
  conversations: {
    history(args: Record<string, unknown>): Promise<{
      messages?: { ts?: string | undefined; metadata?: unknown }[] | undefined;
      has_more?: boolean | undefined;
      response_metadata?: { next_cursor?: string | undefined } | undefined;
    }>;
  };
}

const PAGE_SIZE = 200;
const MAX_PAGES = 10;
/** Slack's clock and ours may disagree a little: look a minute further back than the queue time. */
const CLOCK_SLACK_S = 60;

/** Adopts every unconfirmed post found in Slack; answers how many. Slack's refusals only warn. */
export async function adoptPostedCards(
  store: SlackStore,
  client: HistoryClient,
  logger: Logger,
  now: () => number,
): Promise<number> {
  const byChannel = new Map<string, ReturnType<SlackStore["unconfirmedPosts"]>>();
  for (const post of store.unconfirmedPosts()) {
    const posts = byChannel.get(post.card.channel);
    if (posts) posts.push(post);
    else byChannel.set(post.card.channel, [post]);
  }
  let adopted = 0;
  for (const [channel, posts] of byChannel) {
    let found: Map<string, string>;
    try {
      found = await postedCards(client, channel, Math.min(...posts.map((p) => p.createdAt)));
    } catch (error) {
      logger.warn(
        {
          err: error,
          channel,
          hint: "grant the optional channels:history and groups:history scopes (docs/slack.md)",
        },
        "could not look for cards posted before the restart; a card may show twice",
      );
      continue;
    }
    for (const { row } of posts) {
      const ts = row.cardKey === undefined ? undefined : found.get(row.cardKey);
      if (ts === undefined) continue;
      await store.write(() => store.adoptPosted(row, ts, now()));
      adopted++;
    }
  }
  if (adopted > 0) logger.info({ adopted }, "cards posted before the restart were found in Slack and kept");
  return adopted;
}

async function postedCards(
  client: HistoryClient,
  channel: string,
  since: number,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await client.conversations.history({
      channel,
      oldest: String(Math.floor(since / 1000) - CLOCK_SLACK_S),
      limit: PAGE_SIZE,
      include_all_metadata: true,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const message of answer.messages ?? []) {
      const card = cardOf(message.metadata);
      // Newest first: the last one seen is the card's first post.
      if (card !== undefined && message.ts !== undefined) found.set(card, message.ts);
    }
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (!answer.has_more || cursor === undefined) break;
  }
  return found;
}

function cardOf(metadata: unknown): string | undefined {
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const { event_type: type, event_payload: payload } = metadata as {
    event_type?: unknown;
    event_payload?: unknown;
  };
  if (type !== CARD_METADATA_TYPE || typeof payload !== "object" || payload === null) return undefined;
  const card = (payload as { card?: unknown }).card;
  return typeof card === "string" ? card : undefined;
}
