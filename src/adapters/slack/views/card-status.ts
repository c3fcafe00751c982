/**
 * The top of a readiness card: its title and the one status line a person reads first. A digest
 * that reached the environment says so loudly (🎉 Deployed / Replaced by …); otherwise the verdict.
 */
import { shortDigest } from "../../../domain/artifact.js";
import type { CardModel } from "./card-model.js";
import { VERDICT_LABEL } from "./check-lines.js";
import { escapeMrkdwn } from "./limits.js";

/** Slack renders the date in the reader's timezone; the ISO fallback is for clients that cannot. */
export function slackDate(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${at.toISOString()}>`;
}

/** "name → env" stays in every title: people (and their searches) find a card by it. */
export function cardTitle(model: Pick<CardModel, "artifact" | "environment" | "deployment">): string {
  const { artifact, environment, deployment } = model;
  const title = `${artifact.name} → ${environment}`;
  return deployment?.state === "deployed" ? `🎉 ${title} · deployed` : title;
}

export function statusLine(
  model: Pick<CardModel, "environment" | "readiness" | "deployment" | "running">,
): string {
  const env = escapeMrkdwn(model.environment);
  const verdict = VERDICT_LABEL[model.readiness.verdict];
  const d = model.deployment;
  if (!d) return `*${verdict}* for *${env}*`;
  const by = d.promotionId ? ` by promotion \`${escapeMrkdwn(d.promotionId)}\`` : "";
  const deployed = `Deployed to ${env} at ${slackDate(d.at)}${by}`;
  if (d.state === "replaced" && d.replacedBy) {
    // What replaced this run may itself be gone since: then say what runs there now, too.
    const now = model.running;
    const since = now && now.digest !== d.replacedBy.digest ? ` (now \`${shortDigest(now.digest)}\`)` : "";
    const replaced = `*Replaced by \`${shortDigest(d.replacedBy.digest)}\` at ${slackDate(d.replacedBy.at)}*${since}`;
    return `${replaced}\n${deployed} · contract now: ${verdict}`;
  }
  return `*🎉 ${deployed}*\nContract now: ${verdict}`;
}

/** The notification text (push, screen readers): the same fact as the status line, plainly. */
export function statusWord(model: Pick<CardModel, "readiness" | "deployment">): string {
  const d = model.deployment;
  if (d?.state === "deployed") return "deployed";
  if (d?.state === "replaced" && d.replacedBy) return `replaced by ${shortDigest(d.replacedBy.digest)}`;
  return model.readiness.verdict;
}
