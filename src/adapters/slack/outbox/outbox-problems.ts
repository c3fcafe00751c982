/**
 * What keeps the outbox from Slack right now, for `/readyz`: each permanent error (or give-up)
 * once, with a hint and a count, until a later call to the same channel succeeds.
 */
export interface OutboxProblem {
  error: string;
  /** workspace = nothing can be sent (token); channel/message = only some cards are affected. */
  scope: "workspace" | "channel" | "message";
  hint: string;
  channel?: string | undefined;
  since: string;
  count: number;
}

export function createOutboxProblems(now: () => number) {
  const problems = new Map<string, OutboxProblem>();
  return {
    record(error: string, hint: string, scope: OutboxProblem["scope"], channel: string | undefined): void {
      const key = `${error}|${channel ?? ""}`;
      const existing = problems.get(key);
      if (existing) existing.count++;
      else problems.set(key, { error, scope, hint, channel, since: new Date(now()).toISOString(), count: 1 });
    },
    /** A call to `channel` went through: its problems, and workspace-wide ones, are over. */
    clear(channel: string): void {
      for (const [key, problem] of problems) {
        if (problem.channel === channel || problem.channel === undefined) problems.delete(key);
      }
    },
    list: (): OutboxProblem[] => [...problems.values()],
  };
}
