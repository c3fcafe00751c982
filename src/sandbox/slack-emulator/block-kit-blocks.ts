/** Layout blocks checked against Slack's limits. Pure. */
import {
  ACCESSORY_ELEMENTS,
  ACTIONS_ELEMENTS,
  BLOCK_TYPES,
  INPUT_ELEMENTS,
  BLOCK_KIT_LIMITS as L,
} from "./block-kit-constants.js";
import { checkElement, checkText } from "./block-kit-elements.js";
import {
  checkArray,
  checkBoolean,
  checkString,
  type Findings,
  isObj,
  type Obj,
} from "./block-kit-findings.js";

type BlockCheck = (f: Findings, block: Obj, pointer: string) => void;

const checkSection: BlockCheck = (f, b, p) => {
  if (b.text === undefined && b.fields === undefined) f.error("missing required field: text", p);
  checkText(f, b.text, `${p}/text`, { max: L.sectionText });
  const fields = checkArray(f, b.fields, `${p}/fields`, { max: L.sectionFields });
  fields?.forEach((field, i) => {
    checkText(f, field, `${p}/fields/${i}`, { max: L.sectionFieldText });
  });
  if (b.accessory !== undefined) checkElement(f, b.accessory, `${p}/accessory`, ACCESSORY_ELEMENTS);
  checkBoolean(f, b.expand, `${p}/expand`);
};

const checkContext: BlockCheck = (f, b, p) => {
  const elements = checkArray(f, b.elements, `${p}/elements`, { max: L.contextElements, required: true });
  elements?.forEach((el, i) => {
    const at = `${p}/elements/${i}`;
    if (isObj(el) && el.type === "image") checkElement(f, el, at, ["image"]);
    else checkText(f, el, at, { max: L.textObject });
  });
};

const checkActions: BlockCheck = (f, b, p) => {
  const elements = checkArray(f, b.elements, `${p}/elements`, { max: L.actionsElements, required: true });
  elements?.forEach((el, i) => {
    checkElement(f, el, `${p}/elements/${i}`, ACTIONS_ELEMENTS);
  });
};

const checkImage: BlockCheck = (f, b, p) => {
  if (b.slack_file === undefined)
    checkString(f, b.image_url, `${p}/image_url`, { max: L.url, required: true });
  checkString(f, b.alt_text, `${p}/alt_text`, { max: L.imageAltText, required: true });
  checkText(f, b.title, `${p}/title`, { max: L.imageTitle, plainOnly: true });
};

const checkInput: BlockCheck = (f, b, p) => {
  checkText(f, b.label, `${p}/label`, { max: L.inputLabel, plainOnly: true, required: true });
  checkText(f, b.hint, `${p}/hint`, { max: L.inputHint, plainOnly: true });
  if (b.element === undefined) f.error("missing required field: element", p);
  else checkElement(f, b.element, `${p}/element`, INPUT_ELEMENTS);
  checkBoolean(f, b.optional, `${p}/optional`);
  checkBoolean(f, b.dispatch_action, `${p}/dispatch_action`);
};

const BLOCKS: Record<(typeof BLOCK_TYPES)[number], BlockCheck> = {
  section: checkSection,
  divider: () => undefined,
  header: (f, b, p) =>
    checkText(f, b.text, `${p}/text`, { max: L.headerText, plainOnly: true, required: true }),
  context: checkContext,
  actions: checkActions,
  image: checkImage,
  input: checkInput,
  rich_text: (f, b, p) => void checkArray(f, b.elements, `${p}/elements`, { max: Infinity, required: true }),
  markdown: (f, b, p) => checkString(f, b.text, `${p}/text`, { max: L.markdownBlockText, required: true }),
  video: (f, b, p) => {
    checkString(f, b.video_url, `${p}/video_url`, { max: L.url, required: true });
    checkString(f, b.thumbnail_url, `${p}/thumbnail_url`, { max: L.url, required: true });
    checkString(f, b.alt_text, `${p}/alt_text`, { max: L.imageAltText, required: true });
    checkText(f, b.title, `${p}/title`, { max: 200, plainOnly: true, required: true });
  },
  file: (f, b, p) => checkString(f, b.external_id, `${p}/external_id`, { max: L.externalId, required: true }),
};

function isBlockType(type: unknown): type is (typeof BLOCK_TYPES)[number] {
  return typeof type === "string" && (BLOCK_TYPES as readonly string[]).includes(type);
}

/**
 * Checks a `blocks` array: count, each block's own rules, and block_ids (≤ 255, unique within the
 * surface — Slack rejects a duplicate block_id in one message or view).
 */
export function checkBlocks(f: Findings, blocks: unknown, pointer: string, maxBlocks: number): void {
  const list = checkArray(f, blocks, pointer, { max: maxBlocks });
  if (list === undefined) return;
  const seen = new Set<string>();
  list.forEach((block, i) => {
    const at = `${pointer}/${i}`;
    if (!isObj(block)) {
      f.error("must provide an object", at);
      return;
    }
    if (!isBlockType(block.type)) {
      f.error(`unsupported type: ${String(block.type)}`, `${at}/type`);
      return;
    }
    checkString(f, block.block_id, `${at}/block_id`, { max: L.id });
    if (typeof block.block_id === "string") {
      if (seen.has(block.block_id)) f.error(`duplicate block_id: ${block.block_id}`, `${at}/block_id`);
      seen.add(block.block_id);
    }
    BLOCKS[block.type](f, block, at);
  });
}

/** Sum of every `text` string inside the blocks — what Slack's `msg_blocks_too_long` is about. */
export function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + blocksTextLength(v), 0);
  if (!isObj(value)) return 0;
  let sum = 0;
  for (const [key, v] of Object.entries(value)) {
    if (key === "text" && typeof v === "string") sum += v.length;
    else sum += blocksTextLength(v);
  }
  return sum;
}
