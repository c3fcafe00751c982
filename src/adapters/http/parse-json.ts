/**
 * Strict JSON: the body must be valid UTF-8, valid JSON, and no object may repeat a key (JSON.parse
 * silently keeps the last one, so `{"status":"failed","status":"passed"}` would read as passed).
 */
import { isUtf8 } from "node:buffer";
import type { Issue } from "./respond.js";

export type ParsedJson = { ok: true; value: unknown; text: string } | { ok: false; issues: Issue[] };

export function parseStrictJson(body: Buffer): ParsedJson {
  if (!isUtf8(body)) return { ok: false, issues: [{ path: "", message: "the body is not valid UTF-8" }] };
  const text = body.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ path: "", message: `not valid JSON: ${(error as Error).message}` }] };
  }
  const problem = findStructureProblem(text);
  if (problem !== undefined) return { ok: false, issues: [problem] };
  return { ok: true, value, text };
}

interface Frame {
  keys: Set<string> | undefined;
  /** The current key (object) or index (array), for the issue path. */
  at: string | number;
  expectingKey: boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;

/** Deeper documents are refused: serialising them later would overflow the stack. */
export const MAX_DEPTH = 64;

/**
 * Scans text that JSON.parse has already accepted for a repeated key or excessive nesting; only
 * keys need decoding.
 */
export function findStructureProblem(text: string): Issue | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack.at(-1);
      if (top?.keys !== undefined && top.expectingKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes("\\") ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        if (top.keys.has(key))
          return { path: pathOf(stack.slice(0, -1)), message: `duplicate key ${JSON.stringify(key)}` };
        top.keys.add(key);
        top.at = key;
        top.expectingKey = false;
      }
      i = end;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (stack.length === MAX_DEPTH)
        return { path: pathOf(stack), message: `nested deeper than ${MAX_DEPTH} levels` };
      stack.push(
        c === 123
          ? { keys: new Set(), at: "", expectingKey: true }
          : { keys: undefined, at: 0, expectingKey: false },
      );
    } else if (c === 125 /* } */ || c === 93 /* ] */) stack.pop();
    else if (c === 44 /* , */) {
      const top = stack.at(-1);
      if (top?.keys !== undefined) top.expectingKey = true;
      else if (top !== undefined) top.at = (top.at as number) + 1;
    }
  }
  return undefined;
}

function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

function pathOf(frames: Frame[]): string {
  return frames.map((frame) => String(frame.at)).join(".");
}
