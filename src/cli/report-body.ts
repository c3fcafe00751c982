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
  inputs: { junit?: JunitResult | undefined; details?: string | undefined },
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
  if (body.status === undefined) problems.push("--status: required unless --junit sets it");
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
  if (problems.length > 0) throw new InputProblems(problems);
  return body;
}

function artifactOf(flags: ReportFlags, problems: string[]): Record<string, string> {
  const artifact: Record<string, string> = {};
  const [name, inlineDigest] = splitRef(flags.artifact);
  const digest = flags.digest ?? inlineDigest;
  if (
    flags.digest !== undefined &&
    inlineDigest !== undefined &&
    normalizeDigest(flags.digest) !== normalizeDigest(inlineDigest)
  ) {
    problems.push("--digest: differs from the digest in --artifact");
  }
  if (name !== undefined) {
    if (ARTIFACT_NAME.test(name)) artifact.name = name;
    else problems.push(`--artifact: "${name}" is not a valid name (lower case, digits, . _ / -)`);
  }
  if (digest !== undefined) {
    if (DIGEST.test(normalizeDigest(digest))) artifact.digest = normalizeDigest(digest);
    else problems.push(`--digest: "${digest}" must be sha256: followed by 64 hex characters`);
  }
  if (flags.commit !== undefined) {
    if (COMMIT.test(flags.commit.toLowerCase())) artifact.commit = flags.commit.toLowerCase();
    else problems.push(`--commit: "${flags.commit}" must be 7 to 40 hex characters`);
  }
  if (digest === undefined && flags.commit === undefined) {
    problems.push("--digest or --commit: one is required (a commit alone makes commit-scoped evidence)");
  }
  if (digest !== undefined && name === undefined)
    problems.push("--artifact: the artifact name is required with a digest");
  if (
    digest === undefined &&
    flags.commit !== undefined &&
    (name !== undefined || flags.version !== undefined)
  )
    problems.push(
      `${name === undefined ? "--version" : "--artifact"}: needs --digest; with --commit alone the evidence counts for every artifact built from that commit`,
    );
  if (flags.version !== undefined) artifact.version = flags.version;
  if (flags.repository !== undefined) artifact.repository = flags.repository;
  return artifact;
}

function splitRef(ref: string | undefined): [string | undefined, string | undefined] {
  if (ref === undefined) return [undefined, undefined];
  const at = ref.indexOf("@");
  return at === -1 ? [ref, undefined] : [ref.slice(0, at), ref.slice(at + 1)];
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
