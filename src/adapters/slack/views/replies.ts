/**
 * Ephemeral replies to `/promote`: status across environments, usage, and "did you mean" for
 * text that does not parse. Facts, not chatter (SPEC §5).
 */

import type { Artifact } from "../../../domain/artifact.js";
import { shortDigest } from "../../../domain/artifact.js";
import type { Readiness } from "../../../domain/readiness.js";
import type { Block } from "./card-model.js";
import { checkLine, sortChecks, VERDICT_LABEL } from "./check-lines.js";
import { escapeMrkdwn, LIMITS, moreLine, packLines, truncate } from "./limits.js";
import { identityLine } from "./readiness-card.js";

export interface Reply {
  response_type: "ephemeral";
  text: string;
  blocks: Block[];
}

export const USAGE_LINES = [
  "`/promote <artifact> to <env> [because <reason>]` — request a promotion",
  "`/promote status <artifact>` — readiness for every environment",
  "`/promote drift <env> [vs <env>]` — the drift report now",
  "`/promote rollback <name> in <env>` — propose rolling back to the last good artifact",
  "`/promote lock <env> [for <duration>] <reason>` · `/promote lock all <reason>` — stop promotions",
  "`/promote unlock <env>` · `/promote unlock all` — resume promotions",
  "`/promote history <name> [in <env>]` — recent promotions",
  "`/promote help` — this list",
];

const ARTIFACT_FORMS =
  "An artifact is `name`, `name@1.4.2`, `name@sha256:<12+ hex>` or `sha256:<hex>`; a bare name means the one running in the stage before the target.";

function mrkdwn(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } };
}

/** One artifact a reference could mean, as a line the next command can copy from. */
export function candidateLine(artifact: Pick<Artifact, "name" | "digest" | "version">): string {
  return `• ${artifact.name}@${artifact.digest}${artifact.version ? ` (v${artifact.version})` : ""}`;
}

export function renderHelp(): Reply {
  return {
    response_type: "ephemeral",
    text: "Usage: /promote <artifact> to <env> · status · drift · rollback · lock · unlock · history · help",
    blocks: [mrkdwn(`*Usage*\n${USAGE_LINES.join("\n")}`), mrkdwn(ARTIFACT_FORMS)],
  };
}

export function renderUnknown(input: { text: string; problem: string; suggestion: string }): Reply {
  const said = escapeMrkdwn(truncate(input.text, 200));
  const suggestion = escapeMrkdwn(truncate(input.suggestion, 300));
  const problem = escapeMrkdwn(truncate(input.problem, 300));
  // A suggestion that is what was typed (the words are right, a value is not) helps nobody.
  const same = normalised(input.suggestion) === normalised(input.text);
  return {
    response_type: "ephemeral",
    text: same
      ? `Could not read /promote ${input.text}: ${input.problem}`
      : `Did you mean: /promote ${input.suggestion}`,
    blocks: [
      mrkdwn(
        `Could not read \`/promote ${said}\`: ${problem}.${same ? "" : `\nDid you mean \`/promote ${suggestion}\`?`}`,
      ),
      mrkdwn(`*Usage*\n${USAGE_LINES.join("\n")}`),
    ],
  };
}

function normalised(command: string): string {
  return command.trim().replace(/\s+/g, " ").toLowerCase();
}

export function renderError(message: string): Reply {
  return {
    response_type: "ephemeral",
    text: truncate(message, LIMITS.messageText),
    blocks: [mrkdwn(escapeMrkdwn(message))],
  };
}

export interface StatusModel {
  artifact: Artifact;
  /** Readiness for each environment in promotion order. */
  environments: { environment: string; readiness: Readiness; running: boolean }[];
}

const STATUS_LINES_PER_ENV = 6;

export function renderStatus(model: StatusModel): Reply {
  const { artifact } = model;
  const blocks: Block[] = [mrkdwn(`*${escapeMrkdwn(artifact.name)}* ${identityLine(model)}`)];
  const envs = model.environments.slice(0, LIMITS.messageBlocks - 2);
  // NOTE: share ~9k characters between environments so the reply stays under Slack's total.
  const perEnv = Math.min(LIMITS.sectionText, Math.max(150, Math.floor(9000 / Math.max(1, envs.length))));
  for (const { environment, readiness, running } of envs) {
    const blocking = sortChecks(readiness.checks).filter((c) => c.status !== "passed");
    const lines = blocking.slice(0, STATUS_LINES_PER_ENV).map((c) => checkLine(c, 280));
    if (blocking.length > lines.length)
      lines.push(moreLine(blocking.length - lines.length, "see the card's Details"));
    const runningNote = running ? " · 🚀 running there" : "";
    const head = `*${escapeMrkdwn(environment)}* ${VERDICT_LABEL[readiness.verdict]}${runningNote}`;
    const body = lines.length > 0 ? lines : [`all ${readiness.checks.length} checks passed`];
    blocks.push(mrkdwn(truncate(packLines([head, ...body], perEnv, 1).texts[0] ?? head, perEnv)));
  }
  if (model.environments.length > envs.length) {
    blocks.push(mrkdwn(moreLine(model.environments.length - envs.length, "too many environments to list")));
  }
  const summary = model.environments.map((e) => `${e.environment}: ${e.readiness.verdict}`).join(", ");
  return {
    response_type: "ephemeral",
    text: truncate(
      `${artifact.name} ${shortDigest(artifact.digest)} — ${summary || "no environments"}`,
      LIMITS.messageText,
    ),
    blocks,
  };
}
