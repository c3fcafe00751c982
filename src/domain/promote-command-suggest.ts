/**
 * "Did you mean" for `/promote`: the closest verb by edit distance, then the words the user typed
 * put into that verb's shape, with `<placeholders>` for what is missing.
 */
import { parseDuration } from "./duration.js";

const VERBS = ["status", "drift", "rollback", "lock", "unlock", "history", "help"] as const;
type Verb = (typeof VERBS)[number];

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("stauts"). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The verb the user most likely meant, if any is close enough to be a typo. */
export function closestVerb(word: string): Verb | undefined {
  const lower = word.toLowerCase();
  let best: { verb: Verb; distance: number } | undefined;
  for (const verb of VERBS) {
    const distance = editDistance(lower, verb);
    if (best === undefined || distance < best.distance) best = { verb, distance };
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(best.verb.length / 3));
  return best.distance <= allowed ? best.verb : undefined;
}

const REQUEST_LINKS = new Set(["to", "into", "->", "=>", "ot", "too", "onto"]);

/** The closest valid command for words that did not parse (without the `/promote` prefix). */
export function suggestFor(words: string[]): string {
  // The command's own name typed again, maybe mistyped: `/promote promte checkout-api to dev`.
  if (words.length > 1 && isPromote(words[0] ?? "")) return suggestFor(words.slice(1));
  const [first = "", ...rest] = words;
  // The artifact left out: `to dev`.
  if (REQUEST_LINKS.has(first.toLowerCase()) && rest.length > 0) return requestShape("<artifact>", words);
  const second = rest[0]?.toLowerCase();
  if (second !== undefined && REQUEST_LINKS.has(second)) return requestShape(first, rest.slice(1));
  const verb = closestVerb(first);
  if (verb) return verbShape(verb, rest);
  if (rest.length === 0) return first === "" ? "help" : `status ${first}`;
  return requestShape(first, rest);
}

/**
 * `promote` or one edit away from it. NOTE: one, not two: two edits reach real names ("remote"),
 * and `/promote remote prod` means the artifact remote.
 */
function isPromote(word: string): boolean {
  return editDistance(word.replace(/^\//, "").toLowerCase(), "promote") <= 1;
}

function requestShape(artifact: string, rest: string[]): string {
  const becauseAt = rest.findIndex((w) => w.toLowerCase() === "because");
  const before = becauseAt === -1 ? rest : rest.slice(0, becauseAt);
  const reason = becauseAt === -1 ? [] : rest.slice(becauseAt + 1);
  const environment =
    before
      .filter((w) => !REQUEST_LINKS.has(w.toLowerCase()))
      .at(-1)
      ?.toLowerCase() ?? "<env>";
  const tail = reason.length > 0 ? ` because ${reason.join(" ")}` : "";
  return `${lowerName(artifact)} to ${environment}${tail}`;
}

/** Artifact names and environments are lower case; what follows `@` (a digest, a version) is kept. */
function lowerName(ref: string): string {
  const at = ref.indexOf("@");
  return at === -1 ? ref.toLowerCase() : `${ref.slice(0, at).toLowerCase()}${ref.slice(at)}`;
}

/** `rollback` and `history` take a name: a `name@version` or `name@digest` typed there loses the ref. */
function nameOnly(ref: string | undefined): string | undefined {
  return ref === undefined ? undefined : lowerName(ref).split("@")[0];
}

function verbShape(verb: Verb, args: string[]): string {
  const plain = args.filter((w) => !["in", "vs", "for"].includes(w.toLowerCase()));
  const a = plain[0];
  const b = plain[1];
  switch (verb) {
    case "status":
      return `status ${a ?? "<artifact>"}`;
    case "drift":
      return b === undefined ? `drift ${a ?? "<env>"}` : `drift ${a} vs ${plain.at(-1)}`;
    case "rollback":
      return `rollback ${nameOnly(a) ?? "<name>"} in ${b ?? "<env>"}`;
    case "lock":
      return lockShape(args);
    case "unlock":
      return `unlock ${a ?? "<env>"}`;
    case "history":
      return b === undefined ? `history ${nameOnly(a) ?? "<name>"}` : `history ${nameOnly(a)} in ${b}`;
    case "help":
      return "help";
  }
}

function lockShape(args: string[]): string {
  const [environment = "<env>", ...rest] = args;
  if (rest[0]?.toLowerCase() !== "for") return `lock ${environment} ${rest.join(" ") || "<reason>"}`;
  const duration = rest[1] !== undefined && parseDuration(rest[1]) ? rest[1] : "<duration>";
  return `lock ${environment} for ${duration} ${rest.slice(2).join(" ") || "<reason>"}`;
}
