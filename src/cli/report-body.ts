/**
 * `tollgate report` flags → the evidence body of SPEC §3.1, checked locally first so a CI job
 * learns every mistake in one run instead of one per round trip. The server re-checks all of it.
 */
import type { JunitResult } from "../adapters/junit/parse-junit.js";
import { ARTIFACT_NAME, COMMIT, DIGEST, normalizeDigest } from "../domain/artifact.js";
import type { EvidenceKind, EvidenceStatus } from "../domain/evidence.js";
import { InputProblems } from "./write-command.js";

export interface ReportFlags {
  artifact?: string;
  digest?: string;
  version?: string;
  commit?: string;
  repository?: string;
  kind: EvidenceKind;
  name?: string;
  status?: EvidenceStatus;
  environment?: string;
  summary: string[];
  link?: string;
  observedAt?: string;
  detailsFile?: string;
  junit?: string[];
}

export interface EvidenceBody {
  artifact: Record<string, string>;
  kind: EvidenceKind;
  name: string | undefined;
  status: EvidenceStatus | undefined;
  environment?: string;
  summary?: Record<string, number>;
  url?: string;
  observed_at?: string;
  details?: unknown;
}

const MAX_DETAILS_BYTES = 64 * 1024;

export function buildEvidence(
  flags: ReportFlags,
  inputs: { junit?: JunitResult | undefined; details?: string | undefined; fileProblems?: string[] },
): EvidenceBody {
  const problems: string[] = [];
  const body: EvidenceBody = {
    artifact: artifactOf(flags, problems),
    kind: flags.kind,
    name: flags.name,
    status: flags.status ?? inputs.junit?.status,
  };
  if (flags.name === undefined || flags.name.trim() === "")
    problems.push("--name: required (e.g. --name e2e)");
  // A --junit that could not be read is reported as itself; "--status: required" would be noise.
  if (body.status === undefined && flags.junit === undefined)
    problems.push("--status: required unless --junit sets it");
  if (flags.environment !== undefined) body.environment = flags.environment;
  const summary = {
    ...(inputs.junit === undefined ? {} : countsOf(inputs.junit)),
    ...summaryOf(flags.summary, problems),
  };
  if (Object.keys(summary).length > 0) body.summary = summary;
  if (flags.link !== undefined) {
    if (URL.canParse(flags.link) && /^https?:$/.test(new URL(flags.link).protocol)) body.url = flags.link;
    else problems.push(`--link: "${flags.link}" is not an http(s) URL`);
  }
  if (flags.observedAt !== undefined) {
    const at = new Date(flags.observedAt);
    if (Number.isNaN(at.getTime()))
      problems.push(`--observed-at: "${flags.observedAt}" is not an ISO 8601 time`);
    else body.observed_at = at.toISOString();
  }
  if (inputs.details !== undefined) body.details = detailsOf(inputs.details, problems);
  problems.push(...(inputs.fileProblems ?? []));
  if (problems.length > 0) throw new InputProblems(problems);
  return body;
}

function artifactOf(flags: ReportFlags, problems: string[]): Record<string, string> {
  const artifact: Record<string, string> = {};
  const ref = refParts(flags.artifact, problems);
  if (ref.name !== undefined) artifact.name = ref.name;
  const digestGiven = flags.digest !== undefined || ref.digestGiven;
  if (flags.digest !== undefined) {
    const digest = normalizeDigest(flags.digest);
    if (!DIGEST.test(digest))
      problems.push(`--digest: "${flags.digest}" must be sha256: followed by 64 hex characters`);
    else if (ref.digest !== undefined && ref.digest !== digest)
      problems.push("--digest: differs from the digest in --artifact");
    else artifact.digest = digest;
  } else if (ref.digest !== undefined) artifact.digest = ref.digest;
  if (flags.commit !== undefined) {
    if (COMMIT.test(flags.commit.toLowerCase())) artifact.commit = flags.commit.toLowerCase();
    else problems.push(`--commit: "${flags.commit}" must be 7 to 40 hex characters`);
  }
  const version = flags.version ?? ref.version;
  if (flags.version !== undefined && ref.version !== undefined && ref.version !== flags.version)
    problems.push(`--version: differs from the version in --artifact ("${ref.version}")`);
  if (!digestGiven && flags.commit === undefined) problems.push(digestOrCommitProblem(flags.artifact, ref));
  if (digestGiven && (flags.artifact === undefined || ref.nameless))
    problems.push(
      "--artifact: the artifact name is required with a digest (--artifact NAME@sha256:<64 hex>)",
    );
  if (!digestGiven && flags.commit !== undefined && (ref.name !== undefined || version !== undefined))
    problems.push(
      `${ref.name === undefined ? "--version" : "--artifact"}: needs --digest; with --commit alone the evidence counts for every artifact built from that commit`,
    );
  if (version !== undefined) artifact.version = version;
  if (flags.repository !== undefined) artifact.repository = flags.repository;
  return artifact;
}

/**
 * Evidence is about an immutable artifact (its digest) or a commit (SPEC §3.1). NOTE: a version
 * from `--artifact NAME@VERSION` is kept as `artifact.version`, but it cannot stand in for the
 * digest: the same version can be rebuilt into another image, and evidence would follow it.
 */
function digestOrCommitProblem(artifact: string | undefined, ref: RefParts): string {
  if (ref.version === undefined || ref.name === undefined)
    return "--digest or --commit: one is required (a commit alone makes commit-scoped evidence)";
  return `--artifact: "${artifact}" gives a version, which does not identify an artifact for evidence; add --digest sha256:<64 hex> (or write ${ref.name}@sha256:<64 hex>), or send commit-scoped evidence with --commit alone`;
}

interface RefParts {
  name?: string;
  digest?: string;
  version?: string;
  /** A digest was written in --artifact, valid or not. */
  digestGiven: boolean;
  /** --artifact was a bare `sha256:…`, with no name. */
  nameless: boolean;
}

/** `--artifact` in the reference forms of SPEC §2: NAME, NAME@sha256:<64 hex>, NAME@VERSION. */
function refParts(text: string | undefined, problems: string[]): RefParts {
  const parts: RefParts = { digestGiven: false, nameless: false };
  const ref = text?.trim();
  if (ref === undefined) return parts;
  const at = ref.indexOf("@");
  const head = at === -1 ? ref : ref.slice(0, at);
  const tail = at === -1 ? undefined : ref.slice(at + 1);
  parts.nameless = /^sha256:/i.test(head);
  const digestText = parts.nameless ? head : /^sha256:/i.test(tail ?? "") ? tail : undefined;
  // A nameless digest is reported by artifactOf, which says where the name goes.
  if (!parts.nameless && ARTIFACT_NAME.test(head)) parts.name = head;
  else if (!parts.nameless)
    problems.push(`--artifact: "${head}" is not a valid name (lower case, digits, . _ / -)`);
  if (digestText !== undefined) {
    parts.digestGiven = true;
    const digest = normalizeDigest(digestText);
    if (DIGEST.test(digest)) parts.digest = digest;
    else problems.push(digestTextProblem(ref, digest));
  } else if (tail === "")
    problems.push(`--artifact: "${ref}" ends with @; write NAME@sha256:<64 hex>, or NAME`);
  else if (tail !== undefined) parts.version = tail;
  return parts;
}

function digestTextProblem(ref: string, digest: string): string {
  if (/^sha256:[0-9a-f]{1,63}$/.test(digest))
    return `--artifact: "${ref}" has a digest prefix; evidence needs the whole digest (sha256: and 64 hex characters)`;
  return `--artifact: "${ref}": the digest must be sha256: followed by 64 hex characters`;
}

function countsOf(junit: JunitResult): Record<string, number> {
  return { ...junit.summary };
}

function summaryOf(values: string[], problems: string[]): Record<string, number> {
  const summary: Record<string, number> = {};
  for (const pair of values.flatMap((value) => value.split(","))) {
    const match = /^\s*([A-Za-z0-9_.-]+)\s*=\s*(\d{1,15})\s*$/.exec(pair);
    if (match?.[1] !== undefined && match[2] !== undefined) summary[match[1]] = Number(match[2]);
    else problems.push(`--summary: "${pair}" must be key=non-negative integer`);
  }
  return summary;
}

function detailsOf(text: string, problems: string[]): unknown {
  if (Buffer.byteLength(text) > MAX_DETAILS_BYTES) {
    problems.push(`--details-file: larger than ${MAX_DETAILS_BYTES} bytes`);
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed;
    problems.push("--details-file: must hold a JSON object");
  } catch (error) {
    problems.push(`--details-file: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return undefined;
}
