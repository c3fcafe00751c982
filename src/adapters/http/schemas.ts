/**
 * Payload schemas for the intake API (SPEC §3.1–3.3). Parsing normalises on the way in (digests
 * and commits to lower case, timestamps to Date, `details` and `config` to their stored JSON) and
 * lists every issue at once.
 */
import { z } from "zod";
import { ARTIFACT_NAME, COMMIT, DIGEST, VERSION } from "../../domain/artifact.js";
import { pathsSpelledTwice } from "../../domain/compute-drift.js";
import { ENVIRONMENT_NAME } from "../../domain/contract.js";
import {
  type ConfigValue,
  DEPLOYMENT_STATUSES,
  EVIDENCE_KINDS,
  EVIDENCE_STATUSES,
} from "../../domain/evidence.js";
import type { Clock } from "../../flows/ports.js";
import type { Issue } from "./respond.js";

export const MAX_BATCH = 500;
export const MAX_DETAILS_BYTES = 64 * 1024;
/** Timestamps this far ahead of the server clock are clock skew; further ahead they are wrong. */
export const FUTURE_SKEW_MS = 5 * 60 * 1000;

const PRINTABLE = /^[^\p{Cc}]*$/u;
const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(PRINTABLE, "must not contain control characters")
    .refine((v) => v.trim() === v, "must not start or end with whitespace");

// Upper-case hex is accepted and stored lower-case (SPEC §2); the rule is the domain's.
const digest = z
  .string()
  .refine((v) => DIGEST.test(v.toLowerCase()), "must be sha256: followed by 64 hex characters")
  .transform((v) => v.toLowerCase());
const commit = z
  .string()
  .refine((v) => COMMIT.test(v.toLowerCase()), "must be 7 to 40 hex characters")
  .transform((v) => v.toLowerCase());
const artifactName = z.string().regex(ARTIFACT_NAME, "must match ^[a-z0-9][a-z0-9._/-]{0,127}$");
const version = z.string().regex(VERSION, "must be 1-128 of A-Z a-z 0-9 . _ + -");
// The contract file name rule (domain/contract.ts), so evidence can name any environment.
const environment = z
  .string()
  .regex(ENVIRONMENT_NAME, "must be an environment name: lower-case letters, digits and -");
const httpUrl = z
  .string()
  .max(2048)
  .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), "must be an http(s) URL");
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const summary = z
  .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "summary keys are 1-64 of A-Z a-z 0-9 _ . -"), count)
  .refine((v) => Object.keys(v).length <= 64, "at most 64 counts");

const jsonObject = z.record(z.string(), z.unknown());

/** A snapshot's configuration: every path spelled once (see pathsSpelledTwice). */
const snapshotConfig = jsonObject.superRefine((config, ctx) => {
  for (const path of pathsSpelledTwice(config as Record<string, ConfigValue>)) {
    // The top-level key it starts under; a dotted one (`"a.b"`) is a key too, `a` may not be.
    const top = Object.keys(config).find((key) => path === key || path.startsWith(`${key}.`));
    ctx.addIssue({
      code: "custom",
      path: top === undefined ? [] : [top],
      message: `"${path}" is given twice, as nested keys and as a dotted key; send it once`,
    });
  }
});

function timestamp(clock: Clock) {
  return z.iso
    .datetime({
      offset: true,
      message: "must be an ISO 8601 date-time with a time zone, e.g. 2026-11-27T10:00:00Z",
    })
    .transform((v) => new Date(v))
    .refine((d) => d.getTime() <= clock.now().getTime() + FUTURE_SKEW_MS, "is in the future");
}

const artifactFields = {
  name: artifactName,
  digest,
  version: version.optional(),
  commit: commit.optional(),
  repository: text(512).optional(),
  url: httpUrl.optional(),
};

export const COMMIT_SCOPED =
  "needs a digest: without one, evidence is commit-scoped and counts for every artifact built from the commit; send the digest to scope it to one artifact";

const evidenceArtifact = z
  .strictObject({ ...artifactFields, name: artifactName.optional(), digest: digest.optional() })
  .superRefine((a, ctx) => {
    if (a.digest === undefined && a.commit === undefined)
      ctx.addIssue({ code: "custom", path: ["digest"], message: "needs a digest, or a commit alone" });
    // A digest without a name is fine when the digest is known (SPEC §3.1): the store checks.
    // NOTE: without a digest, evidence counts for every artifact built from the commit (SPEC §3.1).
    // A name or version there reads as if it narrowed that, and in a monorepo one service's
    // tests would then pass another's contract unnoticed: refused, so nobody relies on it.
    if (a.digest === undefined) {
      for (const key of ["name", "version"] as const) {
        if (a[key] !== undefined) ctx.addIssue({ code: "custom", path: [key], message: COMMIT_SCOPED });
      }
    }
  });

export function createPayloadSchemas(clock: Clock) {
  const evidence = z.strictObject({
    artifact: evidenceArtifact,
    kind: z.enum(EVIDENCE_KINDS),
    name: text(200),
    status: z.enum(EVIDENCE_STATUSES),
    environment: environment.optional(),
    summary: summary.optional(),
    url: httpUrl.optional(),
    observed_at: timestamp(clock).optional(),
    details: jsonObject.transform(serialisedWithin(MAX_DETAILS_BYTES)).optional(),
  });
  return {
    evidence,
    evidenceBatch: z.strictObject({ items: z.array(evidence).min(1).max(MAX_BATCH) }),
    deployment: z.strictObject({
      environment,
      artifact: z.strictObject(artifactFields),
      status: z.enum(DEPLOYMENT_STATUSES),
      deployed_at: timestamp(clock).optional(),
      url: httpUrl.optional(),
    }),
    snapshot: z.strictObject({
      environment,
      taken_at: timestamp(clock).optional(),
      source: text(128).optional(),
      config: snapshotConfig,
    }),
  };
}

export type PayloadSchemas = ReturnType<typeof createPayloadSchemas>;
export type EvidencePayload = z.output<PayloadSchemas["evidence"]>;

function serialisedWithin(maxBytes: number) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx<Record<string, unknown>>): string => {
    const json = JSON.stringify(value);
    if (Buffer.byteLength(json) > maxBytes)
      ctx.addIssue({ code: "custom", message: `must be at most ${maxBytes} bytes as JSON` });
    return json;
  };
}

const MAX_ISSUES = 200;

/** zod issues as `{path: "artifact.digest", message}`, capped so a bad batch gets a bounded answer. */
export function toIssues(error: z.ZodError): Issue[] {
  return error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}
