/**
 * The readiness card (SPEC §5): one message per (artifact, environment), rebuilt from scratch on
 * every render so an update in place always shows the whole truth. Long check lists are cut to
 * the blocking ones first, with the whole list in the Details modal.
 */
import { shortDigest } from "../../../domain/artifact.js";
import { link, who } from "../../../domain/mention.js";
import type { Check } from "../../../domain/readiness.js";
import { ACTION_IDS } from "../ids.js";
import { type Block, type CardModel, type CardPromotion, encodeButtonValue } from "./card-model.js";
import { cardTitle, slackDate, statusLine, statusWord } from "./card-status.js";
import { checkLine, driftSummary, sortChecks } from "./check-lines.js";
import { escapeKeepingMentions, escapeMrkdwn, LIMITS, moreLine, packLines, truncate } from "./limits.js";

// NOTE: budgets keep the card's total text under Slack's ~12k limit for a message
// (header 150 + identity ~500 + checks 2 × 2500 + context 5 × 800 ≈ 9.7k).
const CARD_CHECK_SECTIONS = 2;
const CARD_CHECK_LINES = 15;
const CHECK_SECTION_CHARS = 2500;
const CONTEXT_CHARS = 800;

export interface CardMessage {
  text: string;
  blocks: Block[];
}

export function renderReadinessCard(model: CardModel): CardMessage {
  const { artifact, environment, readiness } = model;
  const title = cardTitle(model);
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: truncate(title, LIMITS.headerText), emoji: true } },
    section(`${statusLine(model)}\n${identityLine(model)}`),
    ...checkSections(readiness.checks),
  ];
  const context = contextLines(model);
  if (context.length > 0) {
    blocks.push({
      type: "context",
      elements: context
        .slice(0, LIMITS.contextElements)
        .map((text) => ({ type: "mrkdwn" as const, text: truncate(text, CONTEXT_CHARS) })),
    });
  }
  blocks.push({ type: "actions", block_id: "card.actions", elements: cardButtons(model) });
  const text = truncate(
    `${artifact.name} ${shortDigest(artifact.digest)} → ${environment}: ${statusWord(model)}`,
    LIMITS.messageText,
  );
  return { text, blocks };
}

export function identityLine(model: Pick<CardModel, "artifact">): string {
  const { artifact } = model;
  const parts = [`\`${shortDigest(artifact.digest)}\``];
  if (artifact.version) parts.push(`v${escapeMrkdwn(truncate(artifact.version, 64))}`);
  if (artifact.commit) parts.push(`commit \`${artifact.commit.slice(0, 7)}\``);
  return parts.join(" · ");
}

function section(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } };
}

function checkSections(checks: readonly Check[]): Block[] {
  if (checks.length === 0) return [section("_No checks: this contract requires nothing._")];
  const lines = sortChecks(checks).map((check) => checkLine(check));
  const shown = lines.slice(0, CARD_CHECK_LINES);
  const reserve = moreLine(lines.length).length + 1;
  const packed = packLines(shown, CHECK_SECTION_CHARS, CARD_CHECK_SECTIONS, reserve);
  const omitted = packed.omitted + (lines.length - shown.length);
  const texts = packed.texts.map((text, i) =>
    i === packed.texts.length - 1 && omitted > 0 ? `${text}\n${moreLine(omitted)}` : text,
  );
  return texts.map(section);
}

function contextLines(model: CardModel): string[] {
  const lines: string[] = [];
  const gate = model.readiness.checks.filter(
    (c) => (c.id === "lock" || c.id === "freeze") && c.status !== "passed",
  );
  for (const check of gate.slice(0, 2))
    lines.push(`${check.id === "lock" ? "🔒" : "🧊"} ${escapeKeepingMentions(check.reason)}`);
  if (model.drift && model.driftAgainst) {
    lines.push(`Drift vs ${escapeMrkdwn(model.driftAgainst)}: ${driftSummary(model.drift)}`);
  }
  if (model.promotion) lines.push(promotionLine(model.promotion));
  if (model.failedDeployment) lines.push(failedLine(model.environment, model.failedDeployment));
  lines.push(runningLine(model));
  return lines;
}

/** A typed reason's share of the card's context line (Slack allows 3,000 per element). */
const REASON_CHARS = 300;

function promotionLine(p: CardPromotion): string {
  const approvers = p.approvedBy.map(who).join(", ") || "none yet";
  const what = p.kind === "rollback" ? "Rollback" : "Promotion";
  // Reasons are typed text: escaped whole, so a typed `<@U…>` or `<!channel>` stays inert.
  // An override's reason is the request's own (typed once, in /promote): shown once, with it.
  const reason = p.reason === p.freezeOverride?.reason ? undefined : p.reason;
  const because = reason ? ` because ${escapeMrkdwn(truncate(reason, REASON_CHARS))}` : "";
  const override = p.freezeOverride
    ? ` · FREEZE OVERRIDDEN by ${who(p.freezeOverride.by)}: ${escapeMrkdwn(truncate(p.freezeOverride.reason, REASON_CHARS))}`
    : "";
  const approvals =
    p.required > 0 ? ` · approvals ${p.approvedBy.length} of ${p.required}: ${approvers}` : "";
  const rejected = p.rejectedBy ? ` · rejected by ${who(p.rejectedBy)}` : "";
  // NOTE: "requested by": the requester asked; who approved, rejected or deployed is said apart.
  const line = `${what} ${p.state} · requested by ${who(p.requestedBy)}${because}${override}${approvals}${rejected}`;
  const failing = p.handOffFailing;
  if (!failing) return line;
  const tries = failing.attempts === 1 ? "1 attempt" : `${failing.attempts} attempts`;
  return `${line}\n:warning: Deploy hook failing (${tries}): ${escapeMrkdwn(truncate(failing.error, 200))} · next try ${slackDate(failing.nextAttemptAt)}`;
}

function failedLine(environment: string, failed: NonNullable<CardModel["failedDeployment"]>): string {
  const where = failed.url ? ` (${link(failed.url, "deployment")})` : "";
  return `❌ Deploying this build to ${escapeMrkdwn(environment)} failed at ${slackDate(failed.at)}${where}`;
}

function runningLine(model: CardModel): string {
  const r = model.running;
  const env = escapeMrkdwn(model.environment);
  if (!r) return `Running in ${env}: nothing reported yet`;
  const version = r.version ? ` v${escapeMrkdwn(truncate(r.version, 64))}` : "";
  const since = slackDate(r.since);
  return `Running in ${env}: ${escapeMrkdwn(r.name)} \`${shortDigest(r.digest)}\`${version} since ${since}`;
}

type ButtonElement = Extract<Block, { type: "actions" }>["elements"][number];

function cardButtons(model: CardModel): ButtonElement[] {
  const key = { digest: model.artifact.digest, environment: model.environment };
  const p = model.promotion;
  const buttons: ButtonElement[] = [];
  const live = p !== undefined && ["requested", "approved", "deploying"].includes(p.state);
  // NOTE: a digest that reached the environment (or was replaced there) is history: nothing to request.
  const settled = model.deployment !== undefined;
  if (p?.state === "requested") {
    const value = encodeButtonValue({ ...key, promotionId: p.id });
    const subject = truncate(`${model.artifact.name} ${shortDigest(model.artifact.digest)}`, 120);
    buttons.push(
      button(
        "Approve",
        ACTION_IDS.promotionApprove,
        value,
        "primary",
        confirm(
          "Approve?",
          `Approve ${subject} into ${model.environment}? The contract is checked again when you confirm.`,
          "Approve",
        ),
      ),
      button(
        "Reject",
        ACTION_IDS.promotionReject,
        value,
        "danger",
        confirm("Reject?", `Reject ${subject} for ${model.environment}?`, "Reject"),
      ),
    );
  } else if (model.readiness.verdict === "ready" && !live && !settled) {
    buttons.push(button("Request promotion", ACTION_IDS.promotionRequest, encodeButtonValue(key), "primary"));
  }
  if (model.rollbackProposed) {
    // A rollback request is as consequential as an approval: it asks first, like Approve and Reject.
    const what = `Roll ${model.artifact.name} in ${model.environment} back to the last artifact that satisfied its contract?`;
    buttons.push(
      button(
        "Roll back",
        ACTION_IDS.rollbackRequest,
        encodeButtonValue(key),
        "danger",
        confirm("Roll back?", what, "Roll back"),
      ),
    );
  }
  buttons.push(button("Details", ACTION_IDS.readinessDetails, encodeButtonValue(key)));
  return buttons;
}

function button(
  text: string,
  actionId: string,
  value: string,
  style?: "primary" | "danger",
  confirmDialog?: ReturnType<typeof confirm>,
): ButtonElement {
  return {
    type: "button",
    text: { type: "plain_text", text: truncate(text, LIMITS.buttonText) },
    action_id: actionId,
    value: truncate(value, LIMITS.buttonValue),
    ...(style ? { style } : {}),
    ...(confirmDialog ? { confirm: confirmDialog } : {}),
  };
}

function confirm(title: string, text: string, yes: string) {
  return {
    title: { type: "plain_text" as const, text: truncate(title, LIMITS.confirmTitle) },
    text: { type: "plain_text" as const, text: truncate(text, LIMITS.confirmText) },
    confirm: { type: "plain_text" as const, text: truncate(yes, LIMITS.confirmButton) },
    deny: { type: "plain_text" as const, text: "Cancel" },
  };
}
