/** The App Home tab: recent artifacts and their verdict in every environment (SPEC §5). */
import type { Artifact } from "../../../domain/artifact.js";
import { shortDigest } from "../../../domain/artifact.js";
import type { Verdict } from "../../../domain/readiness.js";
import type { Block, HomeView } from "./card-model.js";
import { VERDICT_LABEL } from "./check-lines.js";
import { byteSize, escapeMrkdwn, LIMITS, truncate } from "./limits.js";

export interface HomeRow {
  artifact: Artifact;
  verdicts: { environment: string; verdict: Verdict | "running" }[];
}

export interface HomeModel {
  environments: string[];
  rows: HomeRow[];
  /** More artifacts exist than rows shown. */
  more: boolean;
  generatedAt: Date;
}

/** Header, intro, and a closing context leave the rest of the 100 blocks for rows. */
export const HOME_MAX_ROWS = LIMITS.viewBlocks - 4;

export function renderAppHome(model: HomeModel): HomeView {
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: "Tollgate — readiness", emoji: true } },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: truncate(
            `Environments in promotion order: ${model.environments.map(escapeMrkdwn).join(" → ") || "_no contracts loaded_"} · \`/promote help\` for commands`,
            LIMITS.contextText,
          ),
        },
      ],
    },
  ];
  const rows: HomeRow[] = [];
  let bytes = byteSize(blocks);
  for (const row of model.rows.slice(0, HOME_MAX_ROWS)) {
    const block = rowBlock(row);
    bytes += byteSize(block);
    if (bytes > LIMITS.viewBytes) break;
    blocks.push(block);
    rows.push(row);
  }
  if (rows.length === 0) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: "_No artifacts yet. CI reports evidence to `/api/v1/evidence`._" },
    });
  }
  if (model.more || model.rows.length > rows.length) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: "_…and more — `/promote status <artifact>` shows any artifact_" }],
    });
  }
  return { type: "home", blocks };
}

const RUNNING_LABEL = "🚀 Running";
const ROW_CHARS = 1500;

function rowBlock(row: HomeRow): Block {
  const { artifact } = row;
  const version = artifact.version ? ` v${escapeMrkdwn(truncate(artifact.version, 64))}` : "";
  const verdicts = row.verdicts
    .map(
      (v) =>
        `${escapeMrkdwn(v.environment)} ${v.verdict === "running" ? RUNNING_LABEL : VERDICT_LABEL[v.verdict]}`,
    )
    .join(" · ");
  const text = `*${escapeMrkdwn(artifact.name)}* \`${shortDigest(artifact.digest)}\`${version}\n${verdicts}`;
  return { type: "section", text: { type: "mrkdwn", text: truncate(text, ROW_CHARS) } };
}
