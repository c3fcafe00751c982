/**
 * Configuration drift between two snapshots (SPEC §3.3, §4 `drift`). Pure. Categories are compared
 * by walking both trees together (drift-walk.ts); comparing flattened paths is the reference
 * semantics and the fallback when a key itself contains a dot (bench/drift.bench.ts: 50,000 keys).
 *
 * Semantics, decided here and relied on by the views and the digest:
 * - The top-level key is the category; nested objects become dotted paths inside it, so
 *   `{"orders": {"rows": 1}}` and `{"orders.rows": 1}` name the same key (if one snapshot spells
 *   a path both ways, the later in the document wins). A category whose value is not an object
 *   is one value with the key `""`.
 * - Arrays and empty objects are leaves, compared whole; array order matters (a reordered
 *   `admin_roles` list is a policy change people should see).
 * - `"1"` and `1` differ: values are compared by JSON type first.
 * - `normalize` rewrites substrings of string values (inside arrays too) on both sides before
 *   comparing; the differences keep the raw values so the reader sees what is really deployed.
 * - `ignore` globs match `category.key`; see compileIgnore.
 */
import type { DriftCategoryResult, DriftDifference, DriftResult, DriftRules } from "./drift.js";
import {
  compileIgnore,
  compileNormalize,
  type IgnoreMatcher,
  type Normalizer,
  sameValue,
} from "./drift-rules.js";
import { isBranch, walkCategory } from "./drift-walk.js";
import type { ConfigValue } from "./evidence.js";

export { compileIgnore, compileNormalize } from "./drift-rules.js";

/** The SPEC's four categories come first in reports; custom ones follow alphabetically. */
export const KNOWN_CATEGORIES = ["feature_flags", "endpoints", "data", "security"] as const;

export type FlatCategory = Map<string, ConfigValue>;
export type FlatSnapshot = Map<string, FlatCategory>;

function flattenInto(
  out: FlatCategory,
  prefix: string,
  value: { [key: string]: ConfigValue },
  onRepeat?: (path: string) => void,
): void {
  for (const key of Object.keys(value)) {
    const child = value[key] as ConfigValue;
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (isBranch(child)) flattenInto(out, path, child, onRepeat);
    else {
      if (onRepeat !== undefined && out.has(path)) onRepeat(path);
      out.set(path, child);
    }
  }
}

/**
 * Paths one snapshot spells twice, nested and dotted (`{"a": {"b": 1}, "a.b": 2}`), as
 * `category.path`. Flattened, one of the two values would hide the other, and which one depends
 * on key order, so intake refuses such a snapshot instead of comparing half of it.
 */
export function pathsSpelledTwice(config: Record<string, ConfigValue>, limit = 10): string[] {
  const twice: string[] = [];
  // The whole snapshot at once, not category by category: `{"x": {"y": 1}, "x.y": 2}` spells
  // `x.y` as a key of category `x` and as a category of its own, and the report showed both.
  flattenInto(new Map(), "", config, (path) => twice.push(path));
  return twice.slice(0, limit);
}

/** Flattens every category to dotted paths; `isIgnored` sees `category.key` (or `category`). */
export function flattenSnapshot(
  config: Record<string, ConfigValue>,
  isIgnored?: IgnoreMatcher,
): FlatSnapshot {
  const out: FlatSnapshot = new Map();
  for (const category of Object.keys(config)) {
    const value = config[category] as ConfigValue;
    const flat: FlatCategory = new Map();
    if (isBranch(value)) flattenInto(flat, "", value);
    else flat.set("", value);
    if (isIgnored !== undefined) {
      for (const key of flat.keys()) if (isIgnored(fullPath(category, key))) flat.delete(key);
    }
    out.set(category, flat);
  }
  return out;
}

function fullPath(category: string, key: string): string {
  return key === "" ? category : `${category}.${key}`;
}

/** The reference comparison over flattened paths; used when a key contains a dot. */
function compareFlat(
  category: string,
  here: FlatCategory | undefined,
  there: FlatCategory | undefined,
  normalize: Normalizer | undefined,
): DriftDifference[] {
  const out: DriftDifference[] = [];
  const empty: FlatCategory = new Map();
  const a = here ?? empty;
  const b = there ?? empty;
  for (const [key, value] of a) {
    if (!b.has(key)) out.push({ category, key, kind: "only_here", here: value });
    else {
      const other = b.get(key) as ConfigValue;
      if (!sameValue(value, other, normalize))
        out.push({ category, key, kind: "changed", here: value, there: other });
    }
  }
  for (const [key, value] of b) {
    if (!a.has(key)) out.push({ category, key, kind: "only_there", there: value });
  }
  return out;
}

/** Known categories first (SPEC order), then the rest by code unit. */
export function orderCategories(names: Iterable<string>): string[] {
  const known: readonly string[] = KNOWN_CATEGORIES;
  const set = new Set(names);
  const rest = [...set].filter((name) => !known.includes(name)).sort();
  return [...known.filter((name) => set.has(name)), ...rest];
}

/**
 * Differences per category against the contract's allowance. Every category present on either
 * side or listed in `allow` appears, so a report can show `endpoints 0/0` as well as breaches.
 */
export function computeDrift(
  here: Record<string, ConfigValue>,
  there: Record<string, ConfigValue>,
  rules: DriftRules,
): DriftResult {
  const isIgnored = compileIgnore(rules.ignore);
  const normalize = compileNormalize(rules.normalize);
  const names = orderCategories([...Object.keys(here), ...Object.keys(there), ...Object.keys(rules.allow)]);
  const categories: DriftCategoryResult[] = names.map((category) => {
    const differences = compareCategory(category, here, there, normalize, isIgnored);
    const allowed = rules.allow[category] ?? 0;
    return { category, differences, allowed, overBudget: differences.length > allowed };
  });
  return {
    categories,
    totalDifferences: categories.reduce((sum, c) => sum + c.differences.length, 0),
    overBudget: categories.some((c) => c.overBudget),
  };
}

/** The reference semantics, path by path over flattened snapshots (tests compare the walk with it). */
export function computeDriftByFlattening(
  here: Record<string, ConfigValue>,
  there: Record<string, ConfigValue>,
  rules: DriftRules,
): DriftDifference[] {
  const isIgnored = compileIgnore(rules.ignore);
  const normalize = compileNormalize(rules.normalize);
  const flatHere = flattenSnapshot(here, isIgnored);
  const flatThere = flattenSnapshot(there, isIgnored);
  return orderCategories([...flatHere.keys(), ...flatThere.keys()]).flatMap((category) =>
    sortByKey(compareFlat(category, flatHere.get(category), flatThere.get(category), normalize)),
  );
}

function sortByKey(differences: DriftDifference[]): DriftDifference[] {
  // Code-unit order, not localeCompare: identical on every machine and much faster.
  return differences.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

function compareCategory(
  category: string,
  here: Record<string, ConfigValue>,
  there: Record<string, ConfigValue>,
  normalize: Normalizer | undefined,
  isIgnored: IgnoreMatcher | undefined,
): DriftDifference[] {
  const a = Object.hasOwn(here, category) ? here[category] : undefined;
  const b = Object.hasOwn(there, category) ? there[category] : undefined;
  const walked = walkCategory(category, a, b, normalize, isIgnored);
  const differences =
    walked ??
    compareFlat(
      category,
      a === undefined ? undefined : flattenSnapshot({ [category]: a }, isIgnored).get(category),
      b === undefined ? undefined : flattenSnapshot({ [category]: b }, isIgnored).get(category),
      normalize,
    );
  return sortByKey(differences);
}
