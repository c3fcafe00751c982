/**
 * The drift digest message (SPEC §6) and the `/promote drift` reply: status, categories against
 * their allowance, snapshot ages, what is new since the last digest, then the top differences
 * with "and N more" — the full list is in the Details modal (drift-report.ts). Pure.
 */
import type { DriftDifference } from "../../../domain/drift.js";
import type { DriftReport } from "../../../domain/drift-report.js";
import type { Block } from "./card-model.js";
import {
  categoryLines,
  clip,
  DRIFT_DETAILS_ACTION_ID,
  type DriftDetailsValue,
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

/**
 * Slack refuses a message whose blocks hold roughly 13k characters in all (`msg_blocks_too_long`,
 * see the emulator's BLOCK_KIT_LIMITS.messageBlocksText); these budgets keep the sum under 11k.
 */
const DIFFERENCES_TEXT = 5000;
const CATEGORIES_TEXT = 1500;
const RESOLVED_TEXT = 1500;
const STATUS_TEXT = 1000;

export interface DriftMessageOptions {
  /** "digest" for the scheduled post, "report" for `/promote drift` replies. */
  kind?: "digest" | "report";
  /** Differences listed in the message before "and N more". */
  topDifferences?: number;
  topResolved?: number;
}

const section = (text: string): Block => ({
  type: "section",
  text: { type: "mrkdwn", text: clip(text, LIMITS.sectionText) },
});
const context = (text: string): Block => ({
  type: "context",
  elements: [{ type: "mrkdwn", text: clip(text, LIMITS.contextText) }],
});

/** New and changed first (that is the news), then everything else in report order. */
function byNews(report: DriftReport, marks: Map<string, unknown>): DriftDifference[] {
  const marked = report.differences.filter((d) => marks.has(differencePath(d)));
  const rest = report.differences.filter((d) => !marks.has(differencePath(d)));
  return [...marked, ...rest];
}

function differenceBlocks(report: DriftReport, top: number): Block[] {
  const marks = marksOf(report.sincePrevious);
  const ordered = byNews(report, marks);
  const lines = ordered.slice(0, top).map((d) => differenceLine(d, report, marks.get(differencePath(d))));
  const packed = packLines(lines, LIMITS.sectionText, 2, DIFFERENCES_TEXT);
  const omitted = ordered.length - lines.length + packed.omitted;
  const blocks = packed.texts.map(section);
  if (omitted > 0) blocks.push(context(moreLine(omitted)));
  return blocks;
}

function resolvedBlock(report: DriftReport, top: number): Block[] {
  const resolved = report.sincePrevious?.resolved ?? [];
  if (resolved.length === 0) return [];
  const lines = resolved.slice(0, top).map((d) => `✔️ ~${escapeMrkdwn(differencePath(d))}~ resolved`);
  if (resolved.length > top) lines.push(moreLine(resolved.length - top));
  return [section(clip(lines.join("\n"), RESOLVED_TEXT))];
}

function detailsButton(report: DriftReport): Block {
  const value: DriftDetailsValue = { environment: report.environment, compareTo: report.compareTo };
  return {
    type: "actions",
    elements: [
      {
        type: "button",
        action_id: DRIFT_DETAILS_ACTION_ID,
        text: { type: "plain_text", text: "Details" },
        value: clip(JSON.stringify(value), LIMITS.buttonValue),
      },
    ],
  };
}

export function driftMessageText(report: DriftReport): string {
  const n = report.differences.length;
  const news = report.sincePrevious === undefined ? "" : `, ${report.sincePrevious.added.length} new`;
  const state =
    report.status === "incomplete"
      ? "incomplete"
      : report.status === "over_budget"
        ? "over budget"
        : "within budget";
  return clip(
    `Drift ${report.environment} vs ${report.compareTo}: ${state} (${n} difference${n === 1 ? "" : "s"}${news})`,
    LIMITS.messageText,
  );
}

export function renderDriftMessage(
  report: DriftReport,
  options: DriftMessageOptions = {},
): { blocks: Block[]; text: string } {
  const title = options.kind === "report" ? "Drift report" : "Drift digest";
  const blocks: Block[] = [
    {
      type: "header",
      text: {
        type: "plain_text",
        text: clip(`${title}: ${report.environment} vs ${report.compareTo}`, LIMITS.headerText),
      },
    },
    section(clip(statusText(report), STATUS_TEXT)),
    context(snapshotAgesText(report)),
  ];
  const rules = rulesText(report);
  if (rules !== undefined) blocks.push(context(rules));
  if (report.status !== "incomplete") {
    blocks.push(
      section(clip(categoryLines(report).join("\n") || "No categories to compare.", CATEGORIES_TEXT)),
    );
    blocks.push(context(escapeMrkdwn(sinceText(report.sincePrevious))));
    blocks.push(...resolvedBlock(report, options.topResolved ?? 5));
    blocks.push(...differenceBlocks(report, options.topDifferences ?? 15));
    if (report.differences.length > 0 || (report.sincePrevious?.resolved.length ?? 0) > 0)
      blocks.push(detailsButton(report));
  }
  return { blocks: blocks.slice(0, LIMITS.messageBlocks), text: driftMessageText(report) };
}

/** The scheduled digest, as `DriftDigestDeps.render` wants it. */
export function renderDriftDigest(report: DriftReport): { blocks: Block[]; text: string } {
  return renderDriftMessage(report, { kind: "digest" });
}
