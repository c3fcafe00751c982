/**
 * How fast cards re-render on their own (evidence, deployments, environment changes): a token
 * bucket. Slack takes chat.update at Tier 3 — 50 a minute per workspace, bursts welcome — and
 * chat.postMessage at about one a second per channel (docs.slack.dev/apis/web-api/rate-limits).
 * A flood of evidence across a thousand artifacts would otherwise render and send a thousand cards
 * that Slack answers with 429: CPU spent on calls that cannot land. Under the budget, pending
 * marks keep coalescing in memory and each card renders later with everything that arrived.
 * Renders someone waits for (a click, a command) do not draw on it.
 */
export interface RenderBudgetOptions {
  /** Renders allowed at once after a quiet spell. */
  burst: number;
  /** Sustained renders per second. */
  perSecond: number;
}

export const SLACK_RENDER_BUDGET: RenderBudgetOptions = { burst: 50, perSecond: 1 };

export type RenderBudget = ReturnType<typeof createRenderBudget>;

export function createRenderBudget(options: RenderBudgetOptions, now: () => number) {
  const burst = Math.max(1, options.burst);
  const perMs = Math.max(options.perSecond, 0.001) / 1000;
  let tokens = burst;
  let at = now();

  function refill(): void {
    const t = now();
    tokens = Math.min(burst, tokens + (t - at) * perMs);
    at = t;
  }

  return {
    /** Takes one render's worth; false when the budget is spent. */
    take(): boolean {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    /** Milliseconds until one render's worth is available again. */
    waitMs(): number {
      refill();
      return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / perMs);
    },
  };
}
