/** From a schema-checked payload (snake_case, as sent) to the flows' inputs. */
import type { z } from "zod";
import type { DeliveryKey } from "../../flows/delivery-repeat.js";
import type {
  DeploymentInput,
  EvidenceInput,
  IntakeOutcome,
  SnapshotInput,
} from "../../flows/intake-ports.js";
import { fastEvidence } from "./fast-evidence.js";
import { deploymentWithoutNulls, evidenceWithoutNulls, snapshotWithoutNulls } from "./optional-nulls.js";
import type { Issue } from "./respond.js";
import { type EvidencePayload, MAX_BATCH, type PayloadSchemas, toIssues } from "./schemas.js";

export type Validated<T> = { ok: true; input: T } | { ok: false; issues: Issue[] };

export interface EvidenceRequest {
  items: EvidenceInput[];
  batch: boolean;
  delivery?: DeliveryKey | undefined;
}

/** What the routes call; app.ts binds them to the intake flows. */
export interface IntakeHandlers {
  evidence(request: EvidenceRequest): Promise<IntakeOutcome>;
  deployment(request: {
    deployment: DeploymentInput;
    delivery?: DeliveryKey | undefined;
  }): Promise<IntakeOutcome>;
  snapshot(request: { snapshot: SnapshotInput; delivery?: DeliveryKey | undefined }): Promise<IntakeOutcome>;
}

export function intakeValidators(schemas: PayloadSchemas) {
  return {
    evidence(value: unknown): Validated<Omit<EvidenceRequest, "delivery">> {
      const batch = typeof value === "object" && value !== null && !Array.isArray(value) && "items" in value;
      const fast = batch ? fastBatch(value) : fastEvidence(value);
      if (fast !== undefined)
        return { ok: true, input: { batch, items: Array.isArray(fast) ? fast : [fast] } };
      const given = evidenceWithoutNulls(value);
      if (batch) {
        return check(schemas.evidenceBatch, given, (data) => ({
          batch,
          items: data.items.map(toEvidenceInput),
        }));
      }
      return check(schemas.evidence, given, (data) => ({ batch, items: [toEvidenceInput(data)] }));
    },
    deployment(value: unknown): Validated<DeploymentInput> {
      return check(schemas.deployment, deploymentWithoutNulls(value), (d) => ({
        environment: d.environment,
        artifact: d.artifact,
        status: d.status,
        deployedAt: d.deployed_at,
        url: d.url,
      }));
    },
    snapshot(value: unknown): Validated<SnapshotInput> {
      return check(schemas.snapshot, snapshotWithoutNulls(value), (s) => ({
        environment: s.environment,
        takenAt: s.taken_at,
        source: s.source,
        configJson: JSON.stringify(s.config),
      }));
    },
  };
}

/**
 * Zod's default for a missing field reads "Invalid input: expected string, received undefined";
 * the issue's path already names the field, so the message says what is wrong with it.
 */
const plainMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== "invalid_type" && issue.code !== "invalid_value") return undefined;
  if (issue.input === undefined) return "is required";
  if (issue.code === "invalid_value")
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  const expected = TYPE_NAMES[issue.expected];
  // A type zod names in its own terms (bigint, tuple…) keeps zod's wording.
  if (expected === undefined) return undefined;
  const got =
    issue.input === null ? "null" : article(Array.isArray(issue.input) ? "array" : typeof issue.input);
  return `must be ${expected}, not ${got}`;
};

/** Zod's names for the types a payload declares, as a sender reads them. */
const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "a boolean",
  object: "an object",
  record: "an object",
  array: "an array",
};

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
}

function check<S extends z.ZodType, T>(
  schema: S,
  value: unknown,
  map: (data: z.output<S>) => T,
): Validated<T> {
  const result = schema.safeParse(value, { error: plainMessages });
  return result.success
    ? { ok: true, input: map(result.data) }
    : { ok: false, issues: toIssues(result.error) };
}

export function toEvidenceInput(e: EvidencePayload): EvidenceInput {
  return {
    artifact: e.artifact,
    kind: e.kind,
    name: e.name,
    status: e.status,
    environment: e.environment,
    summary: e.summary,
    url: e.url,
    observedAt: e.observed_at,
    detailsJson: e.details,
  };
}

/** A batch whose every item takes the fast path (fast-evidence.ts), or undefined: ask zod. */
function fastBatch(value: object): EvidenceInput[] | undefined {
  const keys = Object.keys(value);
  const { items } = value as { items?: unknown };
  if (keys.length !== 1 || !Array.isArray(items) || items.length < 1 || items.length > MAX_BATCH)
    return undefined;
  const out: EvidenceInput[] = [];
  for (const item of items) {
    const input = fastEvidence(item);
    if (input === undefined) return undefined;
    out.push(input);
  }
  return out;
}
