/**
 * Collects Block Kit problems in the exact wording real Slack uses in `response_metadata.messages`
 * (see ../shared/fixtures/slack/web-api.invalid_blocks.*.json):
 *   "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
 * A failing composite (text object, element) is first reported as "failed to match all allowed
 * schemas" at its own pointer, then the detail — the order Slack's validator prints them in.
 * Pure: no I/O.
 */

export const SCHEMA_MISMATCH = "failed to match all allowed schemas";

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class Findings {
  readonly messages: string[] = [];

  error(message: string, pointer: string): void {
    this.messages.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  /** Runs `check` on a fresh collector; when it finds anything, reports the composite as a mismatch first. */
  composite(pointer: string, check: (inner: Findings) => void): void {
    const inner = new Findings();
    check(inner);
    if (inner.messages.length === 0) return;
    this.error(SCHEMA_MISMATCH, pointer);
    this.messages.push(...inner.messages);
  }

  get hasSchemaMismatch(): boolean {
    return this.messages.some((m) => m.includes(SCHEMA_MISMATCH));
  }
}

export function parentOf(pointer: string): string {
  const cut = pointer.lastIndexOf("/");
  return cut <= 0 ? "/" : pointer.slice(0, cut);
}

function fieldName(pointer: string): string {
  return pointer.slice(pointer.lastIndexOf("/") + 1);
}

export interface StringRule {
  max: number;
  min?: number;
  required?: boolean;
}

/**
 * NOTE: lengths are counted in UTF-16 code units, which is never fewer than the characters Slack
 * counts — the emulator may refuse an emoji-heavy string Slack would take, never the reverse.
 */
export function checkString(f: Findings, value: unknown, pointer: string, rule: StringRule): void {
  if (value === undefined || value === null) {
    if (rule.required === true) f.error(`missing required field: ${fieldName(pointer)}`, parentOf(pointer));
    return;
  }
  if (typeof value !== "string") {
    f.error("must be a string", pointer);
    return;
  }
  const min = rule.min ?? (rule.required === true ? 1 : 0);
  if (value.length < min) f.error(`must be more than ${min - 1} characters`, pointer);
  if (value.length > rule.max) f.error(`must be less than ${rule.max + 1} characters`, pointer);
}

export function checkArray(
  f: Findings,
  value: unknown,
  pointer: string,
  rule: { max: number; min?: number; required?: boolean },
): unknown[] | undefined {
  if (value === undefined || value === null) {
    if (rule.required === true) f.error(`missing required field: ${fieldName(pointer)}`, parentOf(pointer));
    return undefined;
  }
  if (!Array.isArray(value)) {
    f.error("must provide an array", pointer);
    return undefined;
  }
  const min = rule.min ?? (rule.required === true ? 1 : 0);
  if (value.length < min) f.error(`must provide at least ${min} items`, pointer);
  if (value.length > rule.max) f.error(`no more than ${rule.max} items allowed`, pointer);
  return value;
}

export function checkEnum(f: Findings, value: unknown, pointer: string, allowed: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value !== "string" || !allowed.includes(value)) f.error("must be a valid enum value", pointer);
}

export function checkBoolean(f: Findings, value: unknown, pointer: string): void {
  if (value !== undefined && typeof value !== "boolean") f.error("must be a boolean", pointer);
}
