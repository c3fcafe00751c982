/**
 * Which outbox row may go next, and which first. A card has two lines — its message (post, then
 * updates) and its thread (replies) — so a queued reply never holds up the card people look at;
 * slack-store's `dueRows` keeps a reply behind the card calls queued before it.
 */
import type { OutboxRow } from "./slack-store.js";

/** A card's message calls share a line, its replies another; other rows each get their own. */
export function lineOf(row: OutboxRow): string {
  if (row.cardKey === undefined) return `row:${row.id}`;
  return row.kind === "thread_reply" ? `${row.cardKey}|thread` : row.cardKey;
}

/** A card row that has no message in Slack yet: a post, or an update whose post died. */
export function isCardPost(row: OutboxRow, card: { ts?: string | undefined } | undefined): boolean {
  return (row.kind === "post_card" || row.kind === "update_card") && card?.ts === undefined;
}

/**
 * Updates of cards already in Slack go before the rest when slots are short: the card is what
 * people look at (an approval's click is answered by its card changing), and an update is one
 * quick idempotent call. The rest keep their due order; each line still goes in order (dueRows).
 */
export function cardUpdatesFirst(rows: OutboxRow[]): OutboxRow[] {
  const updates = rows.filter((r) => r.kind === "update_card");
  return updates.length === 0 || updates.length === rows.length
    ? rows
    : [...updates, ...rows.filter((r) => r.kind !== "update_card")];
}
