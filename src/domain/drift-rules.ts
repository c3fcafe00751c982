/**
 * The contract's `ignore` and `normalize` rules (SPEC §4 `drift`) compiled once per comparison,
 * and value equality under normalisation.
 */
import type { ConfigValue } from "./evidence.js";

export type Normalizer = (value: string) => string;
export type IgnoreMatcher = (path: string) => boolean;

/** Escapes everything but `*` and `?`, which ignore globs give a meaning of their own. */
function escapeForGlob(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}

/** Escapes every regex metacharacter: normalize keys are literal text. */
function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * `*` matches within one path segment, `**` across segments, `?` one character; a pattern that
 * matches a parent path ignores everything under it (`data.orders` covers `data.orders.rows`).
 * NOTE: not picomatch — its separator is `/` and flag keys legitimately contain `/` (`team/flag`),
 * while our separator is `.`; a few lines of regex keep the rule obvious.
 */
export function compileIgnore(patterns: readonly string[]): IgnoreMatcher | undefined {
  if (patterns.length === 0) return undefined;
  const sources = patterns.map((pattern) =>
    pattern
      .split("**")
      .map((part) => escapeForGlob(part).replace(/\*/g, "[^.]*").replace(/\?/g, "[^.]"))
      .join(".*"),
  );
  const regex = new RegExp(`^(?:${sources.join("|")})(?:\\..*)?$`, "s");
  return (path) => regex.test(path);
}

/** One left-to-right pass, longest needle first, so a replacement is never replaced again. */
export function compileNormalize(normalize: Readonly<Record<string, string>>): Normalizer | undefined {
  const needles = Object.keys(normalize)
    .filter((needle) => needle !== "")
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  if (needles.length === 0) return undefined;
  const regex = new RegExp(needles.map(escapeLiteral).join("|"), "g");
  return (value) => value.replace(regex, (match) => normalize[match] ?? match);
}

/** Equal by JSON type and value after normalising strings (inside arrays and objects too). */
export function sameValue(a: ConfigValue, b: ConfigValue, normalize: Normalizer | undefined): boolean {
  if (a === b) return true;
  if (typeof a === "string" && typeof b === "string") {
    return normalize !== undefined && normalize(a) === normalize(b);
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameValue(item, b[i] as ConfigValue, normalize));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(
    (key) => Object.hasOwn(b, key) && sameValue(a[key] as ConfigValue, b[key] as ConfigValue, normalize),
  );
}
