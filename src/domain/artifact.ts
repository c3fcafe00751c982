/** Artifact identity (SPEC §2): a name plus an immutable content digest. */
export const ARTIFACT_NAME = /^[a-z0-9][a-z0-9._/-]{0,127}$/;
export const DIGEST = /^sha256:[0-9a-f]{64}$/;
export const COMMIT = /^[0-9a-f]{7,40}$/;
/** A version as users and CI spell it (`1.4.2`, `2026.11.27+build.5`). */
export const VERSION = /^[A-Za-z0-9._+-]{1,128}$/;

export interface Artifact {
  name: string;
  digest: string;
  version?: string | undefined;
  commit?: string | undefined;
  repository?: string | undefined;
  url?: string | undefined;
  /** When Tollgate first heard of this digest; `max_age` is measured from here. */
  firstSeenAt: Date;
}

/**
 * The shortest abbreviation that may stand for a longer commit. Git's default 7 characters is
 * unique within one repository, not across all of them: a CI job reporting `commit: abcdef1` must
 * not credit every artifact of every repository whose commit starts with it.
 */
export const MIN_COMMIT_PREFIX = 12;

/**
 * Two spellings of one commit: equal, or (case aside) the shorter one has at least
 * MIN_COMMIT_PREFIX characters and starts the longer one.
 */
export function sameCommit(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || a.length < 7 || b.length < 7) return false;
  const [short, long] =
    a.length <= b.length ? [a.toLowerCase(), b.toLowerCase()] : [b.toLowerCase(), a.toLowerCase()];
  if (short.length === long.length) return short === long;
  return short.length >= MIN_COMMIT_PREFIX && long.startsWith(short);
}

/** Upper-case hex is accepted on input and stored lower-case, so one digest has one spelling. */
export function normalizeDigest(digest: string): string {
  return digest.toLowerCase();
}

/** `sha256:4f2a…c91`: what cards and replies show. */
export function shortDigest(digest: string): string {
  const hex = digest.startsWith("sha256:") ? digest.slice(7) : digest;
  return `sha256:${hex.slice(0, 4)}…${hex.slice(-3)}`;
}

/** A reference as users type it in commands and the read API (SPEC §2). */
export type ArtifactRef =
  | { kind: "name_digest"; name: string; digestPrefix: string }
  | { kind: "name_version"; name: string; version: string }
  | { kind: "digest"; digestPrefix: string }
  | { kind: "name"; name: string };

const MIN_PREFIX_HEX = 12;

export function parseArtifactRef(text: string): ArtifactRef | undefined {
  const trimmed = text.trim();
  const digestPart = (value: string): string | undefined => {
    const lower = value.toLowerCase();
    if (!lower.startsWith("sha256:")) return undefined;
    const hex = lower.slice(7);
    return /^[0-9a-f]+$/.test(hex) && hex.length >= MIN_PREFIX_HEX && hex.length <= 64 ? lower : undefined;
  };
  if (trimmed.toLowerCase().startsWith("sha256:")) {
    const prefix = digestPart(trimmed);
    return prefix ? { kind: "digest", digestPrefix: prefix } : undefined;
  }
  const at = trimmed.indexOf("@");
  if (at === -1) return ARTIFACT_NAME.test(trimmed) ? { kind: "name", name: trimmed } : undefined;
  const name = trimmed.slice(0, at);
  const rest = trimmed.slice(at + 1);
  if (!ARTIFACT_NAME.test(name) || rest === "") return undefined;
  if (rest.toLowerCase().startsWith("sha256:")) {
    const prefix = digestPart(rest);
    return prefix ? { kind: "name_digest", name, digestPrefix: prefix } : undefined;
  }
  return VERSION.test(rest) ? { kind: "name_version", name, version: rest } : undefined;
}

/** Why `text` is not an artifact reference (parseArtifactRef answered undefined), for a reply. */
export function whyNotArtifactRef(text: string): string {
  const trimmed = text.trim();
  const at = trimmed.indexOf("@");
  const name = at === -1 ? trimmed : trimmed.slice(0, at);
  const rest = at === -1 ? "" : trimmed.slice(at + 1);
  const digest = trimmed.toLowerCase().startsWith("sha256:") ? trimmed : rest;
  if (digest.toLowerCase().startsWith("sha256:")) {
    const hex = digest.slice(7);
    if (!/^[0-9a-fA-F]*$/.test(hex)) return "a digest is `sha256:` followed by hex";
    if (hex.length < MIN_PREFIX_HEX)
      return `a digest needs at least ${MIN_PREFIX_HEX} hex characters (${hex.length} given)`;
    return "a digest has at most 64 hex characters";
  }
  if (!ARTIFACT_NAME.test(name))
    return "a name is lower-case letters, digits and `. _ / -`, starting with a letter or digit";
  if (at !== -1) return "after `@` comes a version or a digest (`sha256:…`)";
  return "expected `name`, `name@version`, `name@sha256:…` or `sha256:…`";
}
