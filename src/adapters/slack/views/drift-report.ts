/**
 * The drift Details modal (opened by the `drift.details` button): every category and every
 * difference, packed into as few sections as Slack's 100-block, 3000-character limits allow.
 * Pure; what does not fit is counted, never cut off silently.
 */
import type { DriftReport } from "../../../domain/drift-report.js";
import type { Block, ModalView } from "./card-model.js";
import {
  categoryLines,
  clip,
  DRIFT_DETAILS_CALLBACK_ID,
  differenceLine,
  differencePath,
  marksOf,
  packLines,
  rulesText,
  sinceText,
  snapshotAgesText,
  statusText,
} from "./drift-lines.js";
import { escapeMrkdwn, LIMITS, moreLine } from "./limits.js";

const section = (text: string): Block => ({
  type: "section",
  text: { type: "mrkdwn", text: clip(text, LIMITS.sectionText) },
});
const context = (text: string): Block => ({
  type: "context",
  elements: [{ type: "mrkdwn", text: clip(text, LIMITS.contextText) }],
});

/** views.open refuses views over 250 kB (view_too_large); leave room for JSON and the head. */
const VIEW_TEXT_BYTES = 200_000;

function withinBytes(texts: string[], budget: number): { texts: string[]; omitted: number } {
  const encoder = new TextEncoder();
  let used = 0;
  for (const [i, text] of texts.entries()) {
    used += encoder.encode(text).length;
    if (used > budget) {
      const omitted = texts.slice(i).reduce((n, t) => n + t.split("\n").length, 0);
      return { texts: texts.slice(0, i), omitted };
    }
  }
  return { texts, omitted: 0 };
}

/** Category headings interleaved with their differences, then what was resolved. */
function detailLines(report: DriftReport): string[] {
  const marks = marksOf(report.sincePrevious);
  const headings = categoryLines(report);
  const lines: string[] = [];
  for (const [i, category] of (report.result?.categories ?? []).entries()) {
    if (category.differences.length === 0) continue;
    lines.push(headings[i] ?? "");
    for (const d of category.differences)
      lines.push(differenceLine(d, report, marks.get(differencePath(d)), 100));
  }
  const resolved = report.sincePrevious?.resolved ?? [];
  if (resolved.length > 0) lines.push("*Resolved since the last digest*");
  for (const d of resolved) lines.push(`✔️ ~${escapeMrkdwn(differencePath(d))}~`);
  return lines;
}

export function driftDetailsView(report: DriftReport): ModalView {
  const head: Block[] = [
    section(
      `*${escapeMrkdwn(report.environment)}* vs *${escapeMrkdwn(report.compareTo)}*\n${statusText(report)}`,
    ),
    context(snapshotAgesText(report)),
  ];
  const rules = rulesText(report);
  if (rules !== undefined) head.push(context(rules));
  head.push(context(escapeMrkdwn(sinceText(report.sincePrevious))));
  const room = LIMITS.viewBlocks - head.length - 1;
  const packed = packLines(detailLines(report), LIMITS.sectionText, room);
  const fitting = withinBytes(packed.texts, VIEW_TEXT_BYTES);
  const blocks = [...head, ...fitting.texts.map(section)];
  const omitted = packed.omitted + fitting.omitted;
  if (omitted > 0) blocks.push(context(moreLine(omitted, "the list is longer than a Slack modal holds")));
  return {
    type: "modal",
    callback_id: DRIFT_DETAILS_CALLBACK_ID,
    title: { type: "plain_text", text: clip("Drift details", LIMITS.viewTitle) },
    close: { type: "plain_text", text: "Close" },
    private_metadata: clip(
      JSON.stringify({ environment: report.environment, compareTo: report.compareTo }),
      LIMITS.privateMetadata,
    ),
    blocks,
  };
}
