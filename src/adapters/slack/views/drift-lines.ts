/** Text pieces shared by the drift digest message and the drift Details modal. */

import type { DriftDifference } from "../../../domain/drift.js";
import type { DriftChanges, DriftReport, SnapshotAge } from "../../../domain/drift-report.js";
import { formatAge, formatDuration } from "../../../domain/duration.js";
import type { ConfigValue } from "../../../domain/evidence.js";
import { escapeMrkdwn } from "./limits.js";

/** The Details button on a drift digest; an addition to SPEC §5's list (`readiness.details` is the card's). */
export const DRIFT_DETAILS_ACTION_ID = "drift.details";
export const DRIFT_DETAILS_CALLBACK_ID = "drift.details.modal";

/** Button value: which report to rebuild when the modal opens. */
export interface DriftDetailsValue {
  environment: string;
  compareTo: string;
}

export function parseDriftDetailsValue(value: string): DriftDetailsValue | undefined {
  try {
    const parsed = JSON.parse(value) as Partial<DriftDetailsValue>;
    if (typeof parsed.environment !== "string" || typeof parsed.compareTo !== "string") return undefined;
    return { environment: parsed.environment, compareTo: parsed.compareTo };
  } catch {
    return undefined;
  }
}

/**
 * Cuts to `max` UTF-16 code units, ending in "…". Slack's limits are checked in units that are
 * never fewer than characters, so counting code units (not code points) is the safe side; a
 * surrogate pair is never split.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * Packs lines into at most `maxTexts` texts of at most `maxChars` code units and `maxTotal`
 * overall; lines that do not fit are counted in `omitted` for an "and N more" line.
 */
export function packLines(
  lines: readonly string[],
  maxChars: number,
  maxTexts: number,
  maxTotal = Number.POSITIVE_INFINITY,
): { texts: string[]; omitted: number } {
  const texts: string[] = [];
  let current = "";
  let total = 0;
  let used = 0;
  for (const raw of lines) {
    const line = clip(raw, maxChars);
    const joined = current === "" ? line : `${current}\n${line}`;
    if (total + joined.length > maxTotal) break;
    if (joined.length <= maxChars) {
      current = joined;
    } else {
      if (texts.length + 1 >= maxTexts) break;
      texts.push(current);
      total += current.length;
      current = line;
      if (total + current.length > maxTotal) break;
    }
    used++;
  }
  if (current !== "") texts.push(current);
  return { texts, omitted: lines.length - used };
}

/** Inline code that cannot be broken by a backtick in the value. */
function code(text: string, max: number): string {
  return `\`${escapeMrkdwn(clip(text, max)).replace(/`/g, "ˋ")}\``;
}

function show(value: ConfigValue | undefined, max: number): string {
  if (value === undefined) return "—";
  return code(typeof value === "string" ? value : JSON.stringify(value), max);
}

export function differencePath(d: Pick<DriftDifference, "category" | "key">): string {
  return d.key === "" ? d.category : `${d.category}.${d.key}`;
}

export type DifferenceMark = "new" | "changed" | undefined;

export function differenceLine(
  d: DriftDifference,
  report: DriftReport,
  mark: DifferenceMark,
  max = 60,
): string {
  const prefix = mark === "new" ? "🆕 " : mark === "changed" ? "🔄 " : "• ";
  const path = code(differencePath(d), 80);
  const here = escapeMrkdwn(report.environment);
  const there = escapeMrkdwn(report.compareTo);
  if (d.kind === "only_here") return `${prefix}${path} only in ${here}: ${show(d.here, max)}`;
  if (d.kind === "only_there") return `${prefix}${path} only in ${there}: ${show(d.there, max)}`;
  return `${prefix}${path} ${here} ${show(d.here, max)} · ${there} ${show(d.there, max)}`;
}

/** Marks per difference id (`category.key`) from the comparison with the previous digest. */
export function marksOf(changes: DriftChanges | undefined): Map<string, DifferenceMark> {
  const marks = new Map<string, DifferenceMark>();
  for (const d of changes?.added ?? []) marks.set(differencePath(d), "new");
  for (const d of changes?.changed ?? []) marks.set(differencePath(d), "changed");
  return marks;
}

function ageText(side: SnapshotAge, maxAgeMs: number | undefined): string {
  const env = `*${escapeMrkdwn(side.environment)}*`;
  if (side.takenAt === undefined || side.ageMs === undefined) return `⚠️ ${env}: no snapshot yet`;
  const source = side.source === undefined ? "" : ` from ${escapeMrkdwn(side.source)}`;
  const age = `${env} snapshot ${formatAge(side.ageMs)} old${source}`;
  if (!side.stale || maxAgeMs === undefined) return age;
  return `⚠️ ${age} — *stale* (max_snapshot_age ${formatDuration(maxAgeMs)})`;
}

export function snapshotAgesText(report: DriftReport): string {
  const max = report.rules.maxSnapshotAgeMs;
  return `${ageText(report.here, max)} · ${ageText(report.there, max)}`;
}

export function statusText(report: DriftReport): string {
  if (report.status === "incomplete") return "⏳ *Incomplete*: a snapshot is missing, nothing to compare yet";
  const over =
    report.result?.categories.filter((c) => c.overBudget).map((c) => escapeMrkdwn(c.category)) ?? [];
  const n = report.differences.length;
  const count = `${n} difference${n === 1 ? "" : "s"}`;
  if (over.length === 0) return `✅ *Within budget* (${count})`;
  const overBudget = `❌ *Over budget* in ${over.join(", ")} (${count})`;
  return report.gatesPromotions
    ? `${overBudget} — promotions into ${escapeMrkdwn(report.environment)} are blocked`
    : `${overBudget} by ${escapeMrkdwn(report.environment)}'s allowance — a comparison on request: promotions are gated against its \`compare_to\` only`;
}

/** "feature_flags 3/2 ❌" per category, one per line. */
export function categoryLines(report: DriftReport): string[] {
  return (report.result?.categories ?? []).map(
    (c) => `${c.overBudget ? "❌" : "✅"} *${escapeMrkdwn(c.category)}* ${c.differences.length}/${c.allowed}`,
  );
}

export function sinceText(changes: DriftChanges | undefined): string {
  if (changes === undefined)
    return "No earlier digest of this pair to compare with: every difference is listed as it stands.";
  const when = changes.previousAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  return `Since the last digest (${when}): ${changes.added.length} new · ${changes.changed.length} changed · ${changes.resolved.length} resolved · ${changes.standing} unchanged`;
}

export function rulesText(report: DriftReport): string | undefined {
  const parts: string[] = [];
  if (report.rules.ignore.length > 0)
    parts.push(`ignoring ${report.rules.ignore.map((p) => code(p, 60)).join(", ")}`);
  const normalize = Object.entries(report.rules.normalize);
  if (normalize.length > 0) {
    parts.push(
      `normalizing ${normalize.map(([from, to]) => `${code(from, 30)}→${code(to, 30)}`).join(", ")}`,
    );
  }
  return parts.length === 0 ? undefined : clip(parts.join(" · "), 800);
}
