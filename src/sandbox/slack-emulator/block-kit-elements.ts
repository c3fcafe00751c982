/** Composition objects (text, confirm, option) and interactive elements, checked against Slack's limits. Pure. */
import { BLOCK_KIT_LIMITS as L } from "./block-kit-constants.js";
import {
  checkArray,
  checkBoolean,
  checkEnum,
  checkString,
  type Findings,
  isObj,
  type Obj,
  parentOf,
} from "./block-kit-findings.js";

export interface TextRule {
  max: number;
  plainOnly?: boolean;
  required?: boolean;
}

export function checkText(f: Findings, value: unknown, pointer: string, rule: TextRule): void {
  if (value === undefined || value === null) {
    if (rule.required === true) {
      f.error(`missing required field: ${pointer.slice(pointer.lastIndexOf("/") + 1)}`, parentOf(pointer));
    }
    return;
  }
  f.composite(pointer, (inner) => {
    if (!isObj(value)) {
      inner.error("must provide an object", pointer);
      return;
    }
    const types = rule.plainOnly === true ? ["plain_text"] : ["plain_text", "mrkdwn"];
    if (value.type === undefined) inner.error("missing required field: type", pointer);
    checkEnum(inner, value.type, `${pointer}/type`, types);
    checkString(inner, value.text, `${pointer}/text`, { max: rule.max, required: true });
    checkBoolean(inner, value.emoji, `${pointer}/emoji`);
    checkBoolean(inner, value.verbatim, `${pointer}/verbatim`);
  });
}

export function checkConfirm(f: Findings, value: unknown, pointer: string): void {
  if (value === undefined) return;
  f.composite(pointer, (inner) => {
    if (!isObj(value)) {
      inner.error("must provide an object", pointer);
      return;
    }
    checkText(inner, value.title, `${pointer}/title`, {
      max: L.confirmTitle,
      plainOnly: true,
      required: true,
    });
    checkText(inner, value.text, `${pointer}/text`, { max: L.confirmText, required: true });
    const button = { max: L.confirmButton, plainOnly: true, required: true };
    checkText(inner, value.confirm, `${pointer}/confirm`, button);
    checkText(inner, value.deny, `${pointer}/deny`, button);
    checkEnum(inner, value.style, `${pointer}/style`, ["primary", "danger"]);
  });
}

function checkOption(f: Findings, value: unknown, pointer: string, plainOnly: boolean): void {
  f.composite(pointer, (inner) => {
    if (!isObj(value)) {
      inner.error("must provide an object", pointer);
      return;
    }
    checkText(inner, value.text, `${pointer}/text`, { max: L.optionText, plainOnly, required: true });
    checkString(inner, value.value, `${pointer}/value`, { max: L.optionValue, required: true });
    checkText(inner, value.description, `${pointer}/description`, { max: L.optionDescription, plainOnly });
    checkString(inner, value.url, `${pointer}/url`, { max: L.url });
  });
}

function checkOptions(f: Findings, el: Obj, pointer: string, max: number, required: boolean): void {
  const plainOnly = el.type !== "checkboxes" && el.type !== "radio_buttons";
  const options = checkArray(f, el.options, `${pointer}/options`, { max, required });
  options?.forEach((option, i) => {
    checkOption(f, option, `${pointer}/options/${i}`, plainOnly);
  });
}

type ElementCheck = (f: Findings, el: Obj, pointer: string) => void;

const checkButton: ElementCheck = (f, el, p) => {
  checkText(f, el.text, `${p}/text`, { max: L.buttonText, plainOnly: true, required: true });
  checkString(f, el.value, `${p}/value`, { max: L.buttonValue });
  checkString(f, el.url, `${p}/url`, { max: L.url });
  checkString(f, el.accessibility_label, `${p}/accessibility_label`, { max: L.accessibilityLabel });
  checkEnum(f, el.style, `${p}/style`, ["primary", "danger"]);
};

const checkStaticSelect: ElementCheck = (f, el, p) => {
  const hasGroups = el.option_groups !== undefined;
  checkOptions(f, el, p, L.selectOptions, !hasGroups);
  const groups = checkArray(f, el.option_groups, `${p}/option_groups`, { max: L.selectOptions });
  groups?.forEach((group, i) => {
    if (isObj(group)) checkOptions(f, group, `${p}/option_groups/${i}`, L.selectOptions, true);
  });
};

const SPECIFIC: Record<string, ElementCheck> = {
  button: checkButton,
  static_select: checkStaticSelect,
  multi_static_select: checkStaticSelect,
  overflow: (f, el, p) => checkOptions(f, el, p, L.overflowOptions, true),
  checkboxes: (f, el, p) => checkOptions(f, el, p, L.choiceOptions, true),
  radio_buttons: (f, el, p) => checkOptions(f, el, p, L.choiceOptions, true),
  image: (f, el, p) => {
    if (el.slack_file === undefined)
      checkString(f, el.image_url, `${p}/image_url`, { max: L.url, required: true });
    checkString(f, el.alt_text, `${p}/alt_text`, { max: L.imageAltText, required: true });
  },
  plain_text_input: (f, el, p) => {
    for (const key of ["min_length", "max_length"] as const) {
      const n = el[key];
      if (n !== undefined && (typeof n !== "number" || n < 0 || n > L.textInputLength)) {
        f.error(`must be between 0 and ${L.textInputLength}`, `${p}/${key}`);
      }
    }
  },
};

/** Checks one interactive element; `allowed` is the set its container (actions, accessory, input) takes. */
export function checkElement(f: Findings, value: unknown, pointer: string, allowed: readonly string[]): void {
  f.composite(pointer, (inner) => {
    if (!isObj(value)) {
      inner.error("must provide an object", pointer);
      return;
    }
    if (typeof value.type !== "string" || !allowed.includes(value.type)) {
      inner.error(`unsupported type: ${String(value.type)}`, `${pointer}/type`);
      return;
    }
    checkString(inner, value.action_id, `${pointer}/action_id`, { max: L.id });
    checkText(inner, value.placeholder, `${pointer}/placeholder`, { max: L.placeholder, plainOnly: true });
    checkConfirm(inner, value.confirm, `${pointer}/confirm`);
    SPECIFIC[value.type]?.(inner, value, pointer);
  });
}
