/**
 * The `/promote` grammar (SPEC §5) as a pure parser. Every text becomes exactly one command;
 * text that fits no rule becomes `unknown` with the closest valid command, so a typo gets a
 * correction instead of a usage dump.
 */
import { ARTIFACT_NAME, type ArtifactRef, parseArtifactRef, whyNotArtifactRef } from "./artifact.js";
import { ENVIRONMENT_NAME } from "./contract.js";
import { parseDuration } from "./duration.js";
import { closestVerb, suggestFor } from "./promote-command-suggest.js";

export type PromoteCommand =
  | { type: "request"; artifact: ArtifactRef; artifactText: string; environment: string; reason?: string }
  | { type: "status"; artifact: ArtifactRef; artifactText: string }
  | { type: "drift"; environment: string; compareTo?: string }
  | { type: "rollback"; name: string; environment: string }
  | { type: "lock"; environment: string | "*"; durationMs?: number; reason: string }
  | { type: "unlock"; environment: string | "*" }
  | { type: "history"; name: string; environment?: string }
  | { type: "help" }
  | { type: "unknown"; text: string; problem: string; suggestion: string };

export type PromoteCommandType = PromoteCommand["type"];

export const PROMOTE_VERBS = ["status", "drift", "rollback", "lock", "unlock", "history", "help"] as const;

/** Environment names are contract file names (SPEC §2): the one rule lives in contract.ts. */
export { ENVIRONMENT_NAME };

type Parsed = Exclude<PromoteCommand, { type: "unknown" }> | { problem: string };

export function parsePromoteCommand(text: string): PromoteCommand {
  const trimmed = text.trim().replace(/\s+/g, " ");
  if (trimmed === "") return { type: "help" };
  const words = trimmed.split(" ");
  const verb = words[0]!.toLowerCase();
  const args = words.slice(1);
  // NOTE: `<artifact> to <env>` wins over a verb so an artifact named like a verb (`lock`) can
  // still be promoted.
  const request = words[1]?.toLowerCase() === "to" ? parseRequest(words) : undefined;
  const parsed =
    request && !("problem" in request) ? request : (parseVerb(verb, args) ?? request ?? parseRequest(words));
  if (!("problem" in parsed)) return parsed;
  return { type: "unknown", text: trimmed, problem: parsed.problem, suggestion: suggestFor(words) };
}

function parseVerb(verb: string, args: string[]): Parsed | undefined {
  switch (verb) {
    case "help":
      return args.length === 0 ? { type: "help" } : undefined;
    case "status":
      return parseStatus(args);
    case "drift":
      return parseDrift(args);
    case "rollback":
      return parseRollback(args);
    case "lock":
      return parseLock(args);
    case "unlock":
      return parseUnlock(args);
    case "history":
      return parseHistory(args);
    default:
      return undefined;
  }
}

function parseStatus(args: string[]): Parsed {
  const [text, ...rest] = args;
  if (text === undefined || rest.length > 0) return { problem: "`status` takes one artifact" };
  const artifact = parseArtifactRef(text);
  if (!artifact) return { problem: `\`${text}\` is not an artifact reference: ${whyNotArtifactRef(text)}` };
  return { type: "status", artifact, artifactText: text };
}

function parseDrift(args: string[]): Parsed {
  const [envText, vs, compareText, ...rest] = args;
  const environment = environmentOf(envText);
  if (environment === undefined) return { problem: "`drift` takes an environment" };
  if (vs === undefined) return { type: "drift", environment };
  const compareTo = environmentOf(compareText);
  if (vs.toLowerCase() !== "vs" || compareTo === undefined || rest.length > 0) {
    return { problem: "expected `drift <env> vs <env>`" };
  }
  return { type: "drift", environment, compareTo };
}

function parseRollback(args: string[]): Parsed {
  const [name, inWord, envText, ...rest] = args;
  if (name === undefined || !ARTIFACT_NAME.test(name) || inWord?.toLowerCase() !== "in") {
    return { problem: "expected `rollback <name> in <env>`" };
  }
  const environment = environmentOf(envText);
  if (environment === undefined || rest.length > 0) return { problem: "expected `rollback <name> in <env>`" };
  return { type: "rollback", name, environment };
}

/** Longer than a quarter is a typo (`99999d`), and an open-ended lock says so honestly. */
const MAX_LOCK_MS = 90 * 24 * 60 * 60 * 1000;

function parseLock(args: string[]): Parsed {
  const [targetText, ...rest] = args;
  const target = environmentOf(targetText);
  if (target === undefined) return { problem: "`lock` takes an environment (or `all`) and a reason" };
  let durationMs: number | undefined;
  if (rest[0]?.toLowerCase() === "for") {
    durationMs = rest[1] === undefined ? undefined : parseDuration(rest[1]);
    if (durationMs === undefined || durationMs <= 0) {
      return { problem: "a lock duration looks like `30m`, `4h` or `2d`" };
    }
    if (durationMs > MAX_LOCK_MS) {
      return { problem: "a lock lasts at most 90d; for longer, lock without `for` and unlock when done" };
    }
    rest.splice(0, 2);
  }
  const reason = rest.join(" ");
  if (reason === "") return { problem: "a lock needs a reason, e.g. `lock prod incident 4711`" };
  const environment = target === "all" ? "*" : target;
  return durationMs === undefined
    ? { type: "lock", environment, reason }
    : { type: "lock", environment, durationMs, reason };
}

function parseUnlock(args: string[]): Parsed {
  const [targetText, ...rest] = args;
  const target = environmentOf(targetText);
  if (target === undefined || rest.length > 0)
    return { problem: "`unlock` takes one environment (or `all`)" };
  return { type: "unlock", environment: target === "all" ? "*" : target };
}

function parseHistory(args: string[]): Parsed {
  const [name, inWord, envText, ...rest] = args;
  if (name === undefined || !ARTIFACT_NAME.test(name)) return { problem: "`history` takes an artifact name" };
  if (inWord === undefined) return { type: "history", name };
  const environment = environmentOf(envText);
  if (inWord.toLowerCase() !== "in" || environment === undefined || rest.length > 0) {
    return { problem: "expected `history <name> [in <env>]`" };
  }
  return { type: "history", name, environment };
}

/** `<artifact> to <env> [because <reason>]`. */
function parseRequest(words: string[]): Parsed {
  const [artifactText, to, envText, because, ...reasonWords] = words;
  const verb = words[0]!.toLowerCase();
  const nearVerb = closestVerb(verb);
  if (artifactText === undefined || to?.toLowerCase() !== "to") {
    return {
      problem: nearVerb ? `unknown command \`${verb}\`` : "expected `<artifact> to <env> [because <reason>]`",
    };
  }
  const artifact = parseArtifactRef(artifactText);
  if (!artifact)
    return {
      problem: `\`${artifactText}\` is not an artifact reference: ${whyNotArtifactRef(artifactText)}`,
    };
  const environment = environmentOf(envText);
  if (environment === undefined) return { problem: "expected an environment after `to`" };
  if (because === undefined) return { type: "request", artifact, artifactText, environment };
  const reason = reasonWords.join(" ");
  if (because.toLowerCase() !== "because" || reason === "") {
    return { problem: "a reason follows `because`, e.g. `… to prod because hotfix 4711`" };
  }
  return { type: "request", artifact, artifactText, environment, reason };
}

/**
 * An environment as typed: lower-cased first, because environment names are lower case and
 * Slack users type `Prod` as readily as `prod` — refusing that would only annoy. Anything else
 * the contract file rule refuses (`prod.eu`, `prod_eu`) is not an environment.
 */
function environmentOf(value: string | undefined): string | undefined {
  const lower = value?.toLowerCase();
  return lower !== undefined && ENVIRONMENT_NAME.test(lower) ? lower : undefined;
}
