/**
 * Reading GitHub payloads: hundreds of fields, most optional, some sanitised to sentinels
 * ("", "0001-01-01T00:00:00Z", a 40-hex "sha256:" digest). Every reader here returns a value in
 * our own rules or `undefined`, never something "fixed up" (../shared/fixtures/SUMMARY.md beside
 * the repository, cross-cutting rule 1).
 */
import { ARTIFACT_NAME, COMMIT, DIGEST, VERSION } from "../../domain/artifact.js";
import { ENVIRONMENT_NAME } from "../../domain/contract.js";
import type { GithubIntake } from "../../flows/record-github-event.js";
import type { Issue } from "./respond.js";

/** What one delivery means: answered 200, 202 ignored, 400, or stored through a flow. */
export type GithubMapping =
  | { kind: "ping" }
  | { kind: "ignored"; reason: string }
  | { kind: "invalid"; issues: Issue[] }
  | { kind: "intake"; intake: GithubIntake };

export function ignored(reason: string): GithubMapping {
  return { kind: "ignored", reason };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const CONTROL = /\p{Cc}/u;

/** A dotted path, or segments when a key itself has dots (OCI labels). */
export type Path = string | readonly string[];

export function get(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of typeof path === "string" ? path.split(".") : path) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** A non-empty string, or undefined (GitHub sends "" for "none" in many places). */
export function text(value: unknown, path: Path): string | undefined {
  const found = get(value, path);
  return typeof found === "string" && found.trim() !== "" ? found : undefined;
}

export function digestAt(value: unknown, path: Path): string | undefined {
  const found = text(value, path)?.toLowerCase();
  return found !== undefined && DIGEST.test(found) ? found : undefined;
}

export function commitAt(value: unknown, path: Path): string | undefined {
  const found = text(value, path)?.toLowerCase();
  return found !== undefined && COMMIT.test(found) ? found : undefined;
}

export function versionAt(value: unknown, path: Path): string | undefined {
  const found = text(value, path);
  return found !== undefined && VERSION.test(found) ? found : undefined;
}

/** GitHub's names are mixed case (`Codertocat/Hello-World`); ours are lower case (SPEC §2). */
export function artifactName(raw: string | undefined): string | undefined {
  const name = raw?.toLowerCase();
  return name !== undefined && ARTIFACT_NAME.test(name) ? name : undefined;
}

export function environmentName(raw: string | undefined): string | undefined {
  const name = raw?.trim().toLowerCase();
  return name !== undefined && ENVIRONMENT_NAME.test(name) ? name : undefined;
}

/** An evidence name as our schema allows it: 1-200 characters, no control characters. */
export function evidenceName(raw: string | undefined): string | undefined {
  const name = raw?.trim();
  return name !== undefined && name !== "" && name.length <= 200 && !CONTROL.test(name) ? name : undefined;
}

export function httpUrl(value: unknown, path: Path): string | undefined {
  const found = text(value, path);
  return found !== undefined && found.length <= 2048 && /^https?:\/\//i.test(found) && URL.canParse(found)
    ? found
    : undefined;
}

/**
 * An instant, or undefined for absent, malformed and sentinel values (the registry_package sample
 * says 0001-01-01). A time ahead of ours is clock skew: it is taken as now, so it cannot outrank
 * results that really arrive later (SPEC §3.1, newest by observed_at).
 */
export function instantAt(value: unknown, path: Path, now: Date): Date | undefined {
  const found = text(value, path);
  if (found === undefined || !ISO_INSTANT.test(found)) return undefined;
  const at = new Date(found);
  if (Number.isNaN(at.getTime()) || at.getUTCFullYear() < 2000) return undefined;
  return at.getTime() > now.getTime() ? now : at;
}

export function requireCommit(value: unknown, path: string, issues: Issue[]): string {
  const commit = commitAt(value, path);
  if (commit === undefined) issues.push({ path, message: "must be a commit SHA (7 to 40 hex characters)" });
  return commit ?? "";
}
