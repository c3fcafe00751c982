/**
 * What keeps the outbox from Slack right now, for `/readyz`: each permanent error (or give-up)
 * once, with a hint and a count. A workspace or channel problem lasts until a later call to the
 * same channel succeeds (the token works, the bot is in the channel); a problem with one card's
 * message (cant_update_message, edit_window_closed) until a call for that card succeeds: another
 * card updating fine in the same channel does not fix it.
 */
export interface OutboxProblem {
  error: string;
  /** workspace = nothing can be sent (token); channel/message = only some cards are affected. */
  scope: "workspace" | "channel" | "message";
  hint: string;
  channel?: string | undefined;
  since: string;
  count: number;
  /** Message problems of cards: how many cards are stuck (the hint names the first few). */
  cards?: number | undefined;
}

const NAMED_CARDS = 3;

export function createOutboxProblems(now: () => number) {
  const problems = new Map<string, { problem: OutboxProblem; cards: Set<string> }>();
  return {
    /** `card` (digest|environment) for a message problem of a card's own call. */
    record(
      error: string,
      hint: string,
      scope: OutboxProblem["scope"],
      channel: string | undefined,
      card?: string | undefined,
    ): void {
      const key = `${error}|${channel ?? ""}`;
      const existing = problems.get(key);
      const entry = existing ?? {
        problem: { error, scope, hint, channel, since: new Date(now()).toISOString(), count: 0 },
        cards: new Set<string>(),
      };
      entry.problem.count++;
      if (scope === "message" && card !== undefined) entry.cards.add(card);
      if (!existing) problems.set(key, entry);
    },
    /** A call to `channel` (for `card`, if a card's) went through: the problems it proves over end. */
    clear(channel: string, card?: string | undefined): void {
      for (const [key, { problem, cards }] of problems) {
        if (problem.channel !== channel && problem.channel !== undefined) continue;
        if (cards.size > 0) {
          if (card !== undefined) cards.delete(card);
          if (cards.size > 0) continue;
        }
        problems.delete(key);
      }
    },
    list: (): OutboxProblem[] =>
      [...problems.values()].map(({ problem, cards }) =>
        cards.size === 0
          ? { ...problem }
          : { ...problem, hint: withCards(problem.hint, cards), cards: cards.size },
      ),
  };
}

function withCards(hint: string, cards: Set<string>): string {
  const named = [...cards].slice(0, NAMED_CARDS).map((key) => {
    const at = key.lastIndexOf("|");
    return `${key.slice(at + 1)} card of ${key.slice(0, at)}`;
  });
  const more = cards.size > NAMED_CARDS ? ` and ${cards.size - NAMED_CARDS} more` : "";
  return `${hint} (${named.join(", ")}${more})`;
}
