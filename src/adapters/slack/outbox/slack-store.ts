/**
 * Cards and the durable Slack outbox in SQLite (migration 0002). Every method is one short
 * statement or transaction and returns before any Slack call is made: the worker reads a row,
 * calls Slack with no transaction open, then records the result. Writers run their methods
 * inside `write()` (slack-writer.ts): one batched transaction per turn, synced off the event loop.
 */
import type Database from "better-sqlite3";
import type { WriteTurns } from "../../sqlite/write-turns.js";
import { type Barrier, createSlackWriter } from "./slack-writer.js";

export type OutboxKind = "post_card" | "update_card" | "thread_reply" | "post_message";

export interface CardRow {
  digest: string;
  environment: string;
  channel: string;
  ts?: string | undefined;
  lastRenderHash?: string | undefined;
}

export interface MessagePayload {
  channel?: string;
  text: string;
  blocks?: unknown[];
}

export interface OutboxRow {
  id: number;
  kind: OutboxKind;
  cardKey?: string | undefined;
  payload: MessagePayload;
  /** Bumped when a pending render is replaced by a newer one (coalescing in the queue). */
  rev: number;
  dueAt: number;
  attempts: number;
}

export type RenderOutcome = "post" | "update" | "unchanged";

export function cardKey(digest: string, environment: string): string {
  return `${digest}|${environment}`;
}

interface RawCard {
  digest: string;
  environment: string;
  channel: string;
  ts: string | null;
  last_render_hash: string | null;
}

interface RawRow {
  id: number;
  kind: OutboxKind;
  card_key: string | null;
  payload: string;
  rev: number;
  due_at: number;
  attempts: number;
}

const toCard = (r: RawCard): CardRow => ({
  digest: r.digest,
  environment: r.environment,
  channel: r.channel,
  ts: r.ts ?? undefined,
  lastRenderHash: r.last_render_hash ?? undefined,
});

/**
 * An outbox row; its payload is parsed when first read: the worker asks for more due rows than it
 * starts (some wait behind a call of their card), and a card's blocks are the largest thing it reads.
 * NOTE: a class, not an object literal with a `get payload()` accessor: V8 builds those in
 * dictionary mode, and such objects kept what they reach alive through minor GCs (server.ts).
 */
class StoredOutboxRow implements OutboxRow {
  readonly id: number;
  readonly kind: OutboxKind;
  readonly cardKey: string | undefined;
  readonly rev: number;
  readonly dueAt: number;
  readonly attempts: number;
  readonly #json: string;
  #payload: MessagePayload | undefined;

  constructor(r: RawRow) {
    this.id = r.id;
    this.kind = r.kind;
    this.cardKey = r.card_key ?? undefined;
    this.rev = r.rev;
    this.dueAt = r.due_at;
    this.attempts = r.attempts;
    this.#json = r.payload;
  }

  get payload(): MessagePayload {
    this.#payload ??= JSON.parse(this.#json) as MessagePayload;
    return this.#payload;
  }
}

const toRow = (r: RawRow): OutboxRow => new StoredOutboxRow(r);

export type SlackStore = ReturnType<typeof createSlackStore>;

export function createSlackStore(
  db: Database.Database,
  options: { barrier?: Barrier | undefined; turns?: WriteTurns | undefined } = {},
) {
  const q = prepare(db);
  const writer = createSlackWriter(db, options.barrier, options.turns);
  const getCard = (digest: string, environment: string): CardRow | undefined => {
    const raw = q.getCard.get(digest, environment) as RawCard | undefined;
    return raw ? toCard(raw) : undefined;
  };

  const enqueueRender = db.transaction(
    (
      input: { digest: string; environment: string; channel: string; hash: string; message: MessagePayload },
      now: number,
    ): RenderOutcome => {
      const key = cardKey(input.digest, input.environment);
      const payload = JSON.stringify({ text: input.message.text, blocks: input.message.blocks });
      const card = getCard(input.digest, input.environment);
      if (!card) {
        q.insertCard.run(input.digest, input.environment, input.channel, input.hash, now, now);
        q.insertRow.run("post_card", key, payload, now, now);
        return "post";
      }
      if (card.lastRenderHash === input.hash) return "unchanged";
      q.setHash.run(input.hash, now, input.digest, input.environment);
      const hasPost = q.pendingOfKind.get(key, "post_card") as { id: number } | undefined;
      if (card.ts === undefined && !hasPost) {
        // The earlier post died (e.g. not_in_channel); no message exists, so posting is not a duplicate.
        q.insertRow.run("post_card", key, payload, now, now);
        return "post";
      }
      const pendingUpdate = q.lastPendingUpdate.get(key) as { id: number } | undefined;
      // Only the newest render matters: a queued update takes it (a reply queued after it still waits for it).
      if (pendingUpdate) q.replacePayload.run(payload, pendingUpdate.id);
      else q.insertRow.run("update_card", key, payload, now, now);
      return "update";
    },
  );

  return {
    write: writer.write,
    commitNow: writer.commitNow,
    commitMark: writer.commitMark,
    durableThrough: writer.durableThrough,
    pendingWrites: writer.pending,
    settled: writer.settled,
    getCard,
    cardsFor(digest: string): CardRow[] {
      return (q.cardsFor.all(digest) as RawCard[]).map(toCard);
    },
    recentCardsIn(environment: string, limit: number): CardRow[] {
      return (q.recentIn.all(environment, limit) as RawCard[]).map(toCard);
    },
    recentCards(limit: number): CardRow[] {
      return (q.recent.all(limit) as RawCard[]).map(toCard);
    },
    enqueueRender,
    enqueueThreadReply(input: { digest: string; environment: string; text: string }, now: number): void {
      q.insertRow.run(
        "thread_reply",
        cardKey(input.digest, input.environment),
        JSON.stringify({ text: input.text }),
        now,
        now,
      );
    },
    enqueueMessage(message: MessagePayload & { channel: string }, now: number): void {
      q.insertRow.run("post_message", null, JSON.stringify(message), now, now);
    },
    /**
     * Due rows first in their card's line, so a card's updates never overtake its post or each other,
     * nor its replies each other; a reply never overtakes the post or update queued before it.
     */
    dueRows(now: number, limit: number): OutboxRow[] {
      return (q.due.all(now, limit) as RawRow[]).map(toRow);
    },
    /** When the first row not yet due at `t` comes due. */
    nextDueAfter(t: number): number | undefined {
      return (q.nextDue.get(t) as { due: number | null }).due ?? undefined;
    },
    /** False when the row was replaced by a newer render while in flight: it stays pending. */
    markDone(row: Pick<OutboxRow, "id" | "rev">, now: number): boolean {
      return q.done.run(now, row.id, row.rev).changes === 1;
    },
    recordPosted: db.transaction(
      (row: Pick<OutboxRow, "id" | "rev" | "cardKey">, ts: string, now: number) => {
        const [digest, environment] = splitKey(row.cardKey);
        q.setTs.run(ts, now, digest, environment);
        // NOTE: a post whose payload was replaced in flight must not be re-posted: it becomes an update.
        if (q.done.run(now, row.id, row.rev).changes === 0) q.toUpdate.run(now, row.id);
      },
    ),
    /**
     * Pending posts of cards that have no ts yet, with when they were queued: at start-up, any of
     * them may have reached Slack just before the last process died (adopt-posted-cards.ts).
     */
    unconfirmedPosts(): { row: OutboxRow; card: CardRow; createdAt: number }[] {
      return (q.pendingPosts.all() as (RawRow & { created_at: number })[]).flatMap((raw) => {
        const row = toRow(raw);
        const [digest, environment] = splitKey(row.cardKey);
        const card = getCard(digest, environment);
        return card && card.ts === undefined ? [{ row, card, createdAt: raw.created_at }] : [];
      });
    },
    /** The card's post was found in Slack: keep its ts, and send the row's render as an update. */
    adoptPosted: db.transaction((row: Pick<OutboxRow, "id" | "cardKey">, ts: string, now: number) => {
      const [digest, environment] = splitKey(row.cardKey);
      q.setTs.run(ts, now, digest, environment);
      q.toUpdate.run(now, row.id);
    }),
    /**
     * The card's message is gone from Slack (chat.update: message_not_found): forget its ts and make
     * `row`, which holds the card's newest rendering, its post again. Replies queued after the row
     * wait for it as for any post, then go to the new message's thread. False (nothing changed)
     * when the card's ts is no longer `lostTs`.
     */
    repostLost: db.transaction((row: Pick<OutboxRow, "id" | "cardKey">, lostTs: string, now: number) => {
      const [digest, environment] = splitKey(row.cardKey);
      if (q.forgetTs.run(now, digest, environment, lostTs).changes === 0) return false;
      q.toPost.run(now, row.id);
      return true;
    }),
    /**
     * A reply found the card's thread gone: forget its ts and its last render, so the card's next
     * render (slack-module asks for one at once) queues a post instead of an update.
     */
    forgetLost(key: string, lostTs: string, now: number): boolean {
      const [digest, environment] = splitKey(key);
      return q.forgetPost.run(now, digest, environment, lostTs).changes === 1;
    },
    /** A post of the card is queued: a reply that finds no ts waits for it instead of giving up. */
    hasPendingPost(key: string): boolean {
      return q.pendingOfKind.get(key, "post_card") !== undefined;
    },
    reschedule(id: number, dueAt: number, error: string): void {
      q.reschedule.run(dueAt, error, id);
    },
    markDead(id: number, error: string, now: number): void {
      q.dead.run(error, now, id);
    },
    /**
     * Artifacts whose evidence or deployments arrived since `since` (among the newest `limit` rows
     * of each): their cards may have a render that a crash lost while it was only marked in memory.
     */
    recentlyChangedDigests(since: number, limit: number): string[] {
      return (q.recentlyChanged.all(limit, since, limit, since) as { digest: string }[]).map((r) => r.digest);
    },
    pendingCount(): number {
      return (q.pendingCount.get() as { n: number }).n;
    },
  };
}

function splitKey(key: string | undefined): [string, string] {
  const at = key?.lastIndexOf("|") ?? -1;
  if (key === undefined || at === -1) throw new Error(`not a card key: ${key}`);
  return [key.slice(0, at), key.slice(at + 1)];
}

function prepare(db: Database.Database) {
  const cardCols = "digest, environment, channel, ts, last_render_hash";
  const rowCols = "id, kind, card_key, payload, rev, due_at, attempts";
  return {
    getCard: db.prepare(`SELECT ${cardCols} FROM slack_cards WHERE digest = ? AND environment = ?`),
    cardsFor: db.prepare(`SELECT ${cardCols} FROM slack_cards WHERE digest = ?`),
    recentIn: db.prepare(
      `SELECT ${cardCols} FROM slack_cards WHERE environment = ? ORDER BY updated_at DESC LIMIT ?`,
    ),
    recent: db.prepare(`SELECT ${cardCols} FROM slack_cards ORDER BY updated_at DESC LIMIT ?`),
    insertCard: db.prepare(
      "INSERT INTO slack_cards (digest, environment, channel, last_render_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    setHash: db.prepare(
      "UPDATE slack_cards SET last_render_hash = ?, updated_at = ? WHERE digest = ? AND environment = ?",
    ),
    setTs: db.prepare("UPDATE slack_cards SET ts = ?, updated_at = ? WHERE digest = ? AND environment = ?"),
    insertRow: db.prepare(
      "INSERT INTO slack_outbox (kind, card_key, payload, due_at, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    pendingOfKind: db.prepare(
      "SELECT id FROM slack_outbox WHERE card_key = ? AND kind = ? AND state = 'pending' LIMIT 1",
    ),
    lastPendingUpdate: db.prepare(`SELECT id FROM slack_outbox
      WHERE card_key = ? AND kind = 'update_card' AND state = 'pending' ORDER BY id DESC LIMIT 1`),
    replacePayload: db.prepare("UPDATE slack_outbox SET payload = ?, rev = rev + 1 WHERE id = ?"),
    // A card has two lines: its message (post, then updates) and its thread (replies, in order).
    // A reply also waits for the message rows queued before it: it needs the card's ts.
    due: db.prepare(`SELECT ${rowCols} FROM slack_outbox o
      WHERE o.state = 'pending' AND o.due_at <= ?
        AND (o.card_key IS NULL OR (o.kind = 'thread_reply'
          AND o.id = (SELECT MIN(p.id) FROM slack_outbox p
                      WHERE p.card_key = o.card_key AND p.state = 'pending' AND (p.kind = 'thread_reply' OR p.id < o.id))
          OR o.kind <> 'thread_reply'
          AND o.id = (SELECT MIN(p.id) FROM slack_outbox p
                      WHERE p.card_key = o.card_key AND p.state = 'pending' AND p.kind <> 'thread_reply')))
      ORDER BY o.due_at, o.id LIMIT ?`),
    pendingPosts: db.prepare(`SELECT ${rowCols}, created_at FROM slack_outbox
      WHERE state = 'pending' AND kind IN ('post_card', 'update_card') ORDER BY id`),
    nextDue: db.prepare("SELECT MIN(due_at) AS due FROM slack_outbox WHERE state = 'pending' AND due_at > ?"),
    done: db.prepare(
      "UPDATE slack_outbox SET state = 'done', done_at = ?, last_error = NULL WHERE id = ? AND rev = ?",
    ),
    toUpdate: db.prepare("UPDATE slack_outbox SET kind = 'update_card', due_at = ? WHERE id = ?"),
    toPost: db.prepare(
      "UPDATE slack_outbox SET kind = 'post_card', due_at = ? WHERE id = ? AND state = 'pending'",
    ),
    forgetTs: db.prepare(
      "UPDATE slack_cards SET ts = NULL, updated_at = ? WHERE digest = ? AND environment = ? AND ts = ?",
    ),
    forgetPost: db.prepare(`UPDATE slack_cards SET ts = NULL, last_render_hash = NULL, updated_at = ?
      WHERE digest = ? AND environment = ? AND ts = ?`),
    reschedule: db.prepare(
      "UPDATE slack_outbox SET due_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
    ),
    dead: db.prepare(
      "UPDATE slack_outbox SET state = 'dead', last_error = ?, done_at = ?, attempts = attempts + 1 WHERE id = ?",
    ),
    recentlyChanged: db.prepare(`SELECT COALESCE(e.digest, a.digest) AS digest
      FROM (SELECT digest, commit_sha, received_at FROM evidence ORDER BY seq DESC LIMIT ?) e
      LEFT JOIN artifacts a ON e.digest IS NULL AND a.commit_sha = e.commit_sha
      WHERE e.received_at >= ? AND COALESCE(e.digest, a.digest) IS NOT NULL
      UNION SELECT digest FROM (SELECT digest, received_at FROM deployments ORDER BY seq DESC LIMIT ?)
      WHERE received_at >= ?`),
    pendingCount: db.prepare("SELECT COUNT(*) AS n FROM slack_outbox WHERE state = 'pending'"),
  };
}
