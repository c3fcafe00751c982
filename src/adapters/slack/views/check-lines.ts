/** One line per check with its symbol (SPEC §5), shared by the card, the modal and replies. */
import type { DriftResult } from "../../../domain/drift.js";
import type { Check, CheckStatus, Verdict } from "../../../domain/readiness.js";
import { escapeKeepingMentions, escapeMrkdwn, truncate } from "./limits.js";

export const CHECK_SYMBOL: Record<CheckStatus, string> = {
  passed: "✅",
  failed: "❌",
  pending: "⏳",
  waiting: "⏳",
  stale: "⚠️",
};

export const VERDICT_LABEL: Record<Verdict, string> = {
  ready: "✅ Ready",
  waiting: "⏳ Waiting",
  blocked: "❌ Blocked",
};

/** Blocking problems first, so a summarised list still shows what stops the promotion. */
const ORDER: Record<CheckStatus, number> = { failed: 0, stale: 1, pending: 2, waiting: 3, passed: 4 };

export function sortChecks(checks: readonly Check[]): Check[] {
  return [...checks].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
}

export function checkLine(check: Check, maxChars = 300): string {
  const label = check.id.replace(/^evidence:/, "");
  return truncate(
    `${CHECK_SYMBOL[check.status]} *${escapeMrkdwn(label)}* — ${escapeKeepingMentions(check.reason)}`,
    maxChars,
  );
}

/** "feature_flags 3/2 ❌ · endpoints 0/0 ✅" */
export function driftSummary(drift: DriftResult): string {
  if (drift.categories.length === 0) return "no differences";
  return drift.categories
    .map(
      (c) => `${escapeMrkdwn(c.category)} ${c.differences.length}/${c.allowed} ${c.overBudget ? "❌" : "✅"}`,
    )
    .join(" · ");
}

export function driftLines(drift: DriftResult): string[] {
  const lines: string[] = [];
  for (const category of drift.categories) {
    for (const d of category.differences) {
      const key = escapeMrkdwn(`${d.category}.${d.key}`);
      const value = (v: unknown) => (v === undefined ? "—" : escapeMrkdwn(truncate(JSON.stringify(v), 120)));
      lines.push(`\`${key}\` here ${value(d.here)} · there ${value(d.there)}`);
    }
  }
  return lines;
}
