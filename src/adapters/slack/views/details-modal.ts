/**
 * The Details modal (`readiness.details`): every check and every drift difference, which the card
 * only summarises. A view holds at most 100 blocks, so long content is split into pages with
 * Previous/Next buttons that re-use the same action id.
 */
import { ACTION_IDS, VIEW_CALLBACK_IDS } from "../ids.js";
import { type Block, type CardModel, encodeButtonValue, type ModalView } from "./card-model.js";
import { checkLine, driftLines, driftSummary, sortChecks, VERDICT_LABEL } from "./check-lines.js";
import { byteSize, escapeMrkdwn, LIMITS, packLines, truncate } from "./limits.js";
import { identityLine } from "./readiness-card.js";

/** Room for the page header and the navigation block. */
const CONTENT_BLOCKS_PER_PAGE = LIMITS.viewBlocks - 4;
/** Blocks' text adds up; keep a page well under Slack's overall view size. */
const BYTES_PER_PAGE = LIMITS.viewBytes - 10_000;

export function detailsPages(model: CardModel): Block[][] {
  const content = detailsContent(model);
  const pages: Block[][] = [];
  let page: Block[] = [];
  let bytes = 0;
  for (const block of content) {
    const size = byteSize(block);
    if (page.length >= CONTENT_BLOCKS_PER_PAGE || (bytes + size > BYTES_PER_PAGE && page.length > 0)) {
      pages.push(page);
      page = [];
      bytes = 0;
    }
    page.push(block);
    bytes += size;
  }
  pages.push(page);
  return pages;
}

export function renderDetailsModal(model: CardModel, requestedPage = 0): ModalView {
  const pages = detailsPages(model);
  const pageIndex = Math.min(Math.max(0, requestedPage), pages.length - 1);
  const key = { digest: model.artifact.digest, environment: model.environment };
  const blocks: Block[] = [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(
          `*${escapeMrkdwn(model.artifact.name)} → ${escapeMrkdwn(model.environment)}* · ${VERDICT_LABEL[model.readiness.verdict]}\n${identityLine(model)}`,
          LIMITS.sectionText,
        ),
      },
    },
    ...(pages[pageIndex] ?? []),
  ];
  if (pages.length > 1) {
    const nav = (text: string, page: number) => ({
      type: "button" as const,
      text: { type: "plain_text" as const, text },
      action_id: ACTION_IDS.readinessDetails,
      value: encodeButtonValue({ ...key, page }),
    });
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `Page ${pageIndex + 1} of ${pages.length}` }],
    });
    const buttons = [
      ...(pageIndex > 0 ? [nav("Previous", pageIndex - 1)] : []),
      ...(pageIndex < pages.length - 1 ? [nav("Next", pageIndex + 1)] : []),
    ];
    blocks.push({ type: "actions", block_id: "details.nav", elements: buttons });
  }
  return {
    type: "modal",
    callback_id: VIEW_CALLBACK_IDS.readinessDetails,
    title: { type: "plain_text", text: truncate("Readiness details", LIMITS.viewTitle) },
    close: { type: "plain_text", text: "Close" },
    private_metadata: truncate(JSON.stringify(key), LIMITS.privateMetadata),
    blocks,
  };
}

function detailsContent(model: CardModel): Block[] {
  const blocks: Block[] = [heading(`Checks (${model.readiness.checks.length})`)];
  const checkTexts = packLines(
    sortChecks(model.readiness.checks).map((c) => checkLine(c, LIMITS.sectionText)),
    LIMITS.sectionText,
    Number.MAX_SAFE_INTEGER,
  ).texts;
  blocks.push(...checkTexts.map(mrkdwnSection));
  if (model.readiness.checks.length === 0) blocks.push(mrkdwnSection("_none_"));
  if (model.drift && model.driftAgainst) {
    blocks.push(heading(`Drift vs ${escapeMrkdwn(model.driftAgainst)}: ${driftSummary(model.drift)}`));
    const lines = driftLines(model.drift);
    const texts = packLines(lines, LIMITS.sectionText, Number.MAX_SAFE_INTEGER).texts;
    blocks.push(...(lines.length === 0 ? [mrkdwnSection("_no differences_")] : texts.map(mrkdwnSection)));
  }
  blocks.push(
    mrkdwnSection(`_Contract revision \`${escapeMrkdwn(model.readiness.contractRevision.slice(0, 19))}…\`_`),
  );
  return blocks;
}

/** `text` is already mrkdwn-escaped by the caller. */
function heading(text: string): Block {
  return mrkdwnSection(`*${text}*`);
}

function mrkdwnSection(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } };
}
