/**
 * A fast path for the common evidence shape. zod (schemas.ts) stays the definition: this accepts
 * only payloads it can check completely — no `observed_at`, no `details`, nothing unusual — and
 * answers `undefined` for everything else, which then goes through zod for the verdict and the
 * list of issues. What it accepts, zod accepts with the same output (test/adapters/http/
 * fast-evidence.test.ts checks that property against the real schema).
 *
 * NOTE: any rule added to the evidence schema must be added here too, or this must return
 * undefined for payloads the new rule concerns; the property test fails otherwise.
 */
import { ARTIFACT_NAME, COMMIT, DIGEST, VERSION } from "../../domain/artifact.js";
import { ENVIRONMENT_NAME } from "../../domain/contract.js";
import {
  EVIDENCE_KINDS,
  EVIDENCE_STATUSES,
  type EvidenceKind,
  type EvidenceStatus,
} from "../../domain/evidence.js";
import type { ArtifactClaim, EvidenceInput } from "../../flows/intake-ports.js";

type Json = Record<string, unknown>;

const SUMMARY_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
const PRINTABLE = /^[^\p{Cc}]*$/u;
const HTTP = /^https?:\/\//i;
const KINDS = new Set<string>(EVIDENCE_KINDS);
const STATUSES = new Set<string>(EVIDENCE_STATUSES);
const EVIDENCE_KEYS = new Set(["artifact", "kind", "name", "status", "environment", "summary", "url"]);
const ARTIFACT_KEYS = new Set(["name", "digest", "version", "commit", "repository", "url"]);

function isPlainObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function onlyKeys(value: Json, allowed: Set<string>): boolean {
  for (const key of Object.keys(value)) if (!allowed.has(key) || value[key] === undefined) return false;
  return true;
}

const isString = (v: unknown): v is string => typeof v === "string";
const text = (v: unknown, max: number): v is string =>
  isString(v) && v.length >= 1 && v.length <= max && PRINTABLE.test(v) && v.trim() === v;
const httpUrl = (v: unknown): v is string =>
  isString(v) && v.length <= 2048 && HTTP.test(v) && URL.canParse(v);

/** The artifact as zod outputs it, or undefined when zod must judge it. */
function artifactOf(a: unknown): ArtifactClaim | undefined {
  if (!isPlainObject(a) || !onlyKeys(a, ARTIFACT_KEYS)) return undefined;
  const { name, digest, version, commit, repository, url } = a;
  if (name !== undefined && !(isString(name) && ARTIFACT_NAME.test(name))) return undefined;
  // Upper-case hex is accepted and stored lower-case (SPEC §2).
  if (digest !== undefined && !(isString(digest) && DIGEST.test(digest.toLowerCase()))) return undefined;
  if (version !== undefined && !(isString(version) && VERSION.test(version))) return undefined;
  if (commit !== undefined && !(isString(commit) && COMMIT.test(commit.toLowerCase()))) return undefined;
  if (repository !== undefined && !text(repository, 512)) return undefined;
  if (url !== undefined && !httpUrl(url)) return undefined;
  if (digest === undefined ? commit === undefined : name === undefined) return undefined;
  // Commit-scoped evidence names no artifact (schemas.ts explains); zod says why.
  if (digest === undefined && (name !== undefined || version !== undefined)) return undefined;
  const out: ArtifactClaim = {};
  if (name !== undefined) out.name = name;
  if (digest !== undefined) out.digest = digest.toLowerCase();
  if (version !== undefined) out.version = version;
  if (commit !== undefined) out.commit = commit.toLowerCase();
  if (repository !== undefined) out.repository = repository;
  if (url !== undefined) out.url = url;
  return out;
}

function summaryOf(s: unknown): Record<string, number> | undefined {
  if (!isPlainObject(s)) return undefined;
  const keys = Object.keys(s);
  if (keys.length > 64) return undefined;
  const out: Record<string, number> = {};
  for (const key of keys) {
    const count = s[key];
    // "__proto__" would set the copy's prototype instead of a key: zod decides that one.
    if (key === "__proto__" || !SUMMARY_KEY.test(key)) return undefined;
    if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0) return undefined;
    out[key] = count;
  }
  return out;
}

/** One evidence object as the intake flow takes it, or undefined: ask zod. */
export function fastEvidence(value: unknown): EvidenceInput | undefined {
  if (!isPlainObject(value) || !onlyKeys(value, EVIDENCE_KEYS)) return undefined;
  const { kind, name, status, environment, summary, url } = value;
  if (!isString(kind) || !KINDS.has(kind) || !isString(status) || !STATUSES.has(status)) return undefined;
  if (!text(name, 200)) return undefined;
  if (environment !== undefined && !(isString(environment) && ENVIRONMENT_NAME.test(environment)))
    return undefined;
  if (url !== undefined && !httpUrl(url)) return undefined;
  const artifact = artifactOf(value.artifact);
  if (artifact === undefined) return undefined;
  const counts = summary === undefined ? undefined : summaryOf(summary);
  if (summary !== undefined && counts === undefined) return undefined;
  return {
    artifact,
    kind: kind as EvidenceKind,
    name,
    status: status as EvidenceStatus,
    environment: environment as string | undefined,
    summary: counts,
    url: url as string | undefined,
    observedAt: undefined,
    detailsJson: undefined,
  };
}
