/**
 * The evidence fast path against the zod schema it shortcuts: for any payload, what the fast path
 * accepts zod accepts with the same output, and the accepted set of the whole validator (fast path
 * first, zod otherwise) is exactly zod's.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastEvidence } from "../../../src/adapters/http/fast-evidence.js";
import { intakeValidators, toEvidenceInput } from "../../../src/adapters/http/intake-payloads.js";
import { evidenceWithoutNulls } from "../../../src/adapters/http/optional-nulls.js";
import { createPayloadSchemas } from "../../../src/adapters/http/schemas.js";

const schemas = createPayloadSchemas({ now: () => new Date("2026-11-27T10:00:00Z") });
const validators = intakeValidators(schemas);

const HEX = "0123456789abcdefABCDEF";
const hex = (min: number, max: number) =>
  fc.array(fc.constantFrom(...HEX), { minLength: min, maxLength: max }).map((c) => c.join(""));
const weird = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    "",
    " x",
    "x ",
    "a\u0000b",
    "é",
    "__proto__",
    "sha256:",
    "-1",
    "ftp://x",
    "http://",
    "https://[::1",
  ),
);
/** Mostly valid values for a field, sometimes something else entirely. */
const field = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 20 }, { arbitrary: weird, weight: 1 });

const artifact = fc.record(
  {
    name: field(fc.stringMatching(/^[a-z0-9][a-z0-9._/-]{0,20}$/)),
    digest: field(hex(64, 64).map((h) => `sha256:${h}`)),
    version: field(fc.stringMatching(/^[A-Za-z0-9._+-]{1,12}$/)),
    commit: field(hex(6, 41)),
    repository: field(fc.string({ minLength: 0, maxLength: 12 })),
    url: field(fc.constantFrom("https://ci.example.com/r/1", "http://x.y/z?q=1", "https://exa mple.com")),
  },
  { requiredKeys: [] },
);
const summaryKey = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/), weight: 30 },
  { arbitrary: fc.constantFrom("", "bad key", "__proto__", "x".repeat(65)), weight: 1 },
);
const count = fc.oneof(
  { arbitrary: fc.nat(), weight: 30 },
  {
    arbitrary: fc.constantFrom(-1, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, -0),
    weight: 1,
  },
);
const summary = fc.oneof(
  { arbitrary: fc.dictionary(summaryKey, count, { maxKeys: 6 }), weight: 10 },
  // Around the 64-count limit, with nothing else wrong.
  {
    arbitrary: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.nat(), { minKeys: 63, maxKeys: 66 }),
    weight: 2,
  },
);
const common = fc.record(
  {
    artifact: field(artifact),
    kind: field(
      fc.constantFrom(
        "test",
        "scan",
        "sbom",
        "signature",
        "provenance",
        "review",
        "health",
        "custom",
        "Test",
      ),
    ),
    name: field(fc.string({ minLength: 0, maxLength: 210 })),
    status: field(fc.constantFrom("passed", "failed", "error", "running", "skipped", "ok")),
    environment: field(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/)),
    summary: field(summary),
    url: field(
      fc.constantFrom("https://ci.example.com/runs/1", "https://ci.example.com/runs/1 x", "mailto:a@b"),
    ),
  },
  { requiredKeys: ["artifact", "kind", "name", "status"] },
);
/** Keys the fast path leaves to zod, or that no schema knows. */
const rare = fc.record(
  {
    observed_at: fc.constantFrom("2026-11-27T09:00:00Z", "yesterday"),
    details: fc.constantFrom({}, { a: 1 }),
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);
const evidence = fc.oneof(
  { arbitrary: common, weight: 4 },
  { arbitrary: fc.tuple(common, rare).map(([a, b]) => ({ ...a, ...b })), weight: 1 },
);
/** What arrives at the validator: JSON.parse of what a client sent. */
const parsed = (a: fc.Arbitrary<unknown>) => a.map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe("evidence fast path", () => {
  it("accepts only what zod accepts, with zod's output", () => {
    let fast = 0;
    fc.assert(
      fc.property(parsed(evidence), (value) => {
        const result = fastEvidence(value);
        // Optional fields sent as null are left out before zod sees them (optional-nulls.ts).
        const zod = schemas.evidence.safeParse(evidenceWithoutNulls(value));
        if (result !== undefined) {
          fast++;
          expect(zod.success).toBe(true);
          if (zod.success) expect(result).toStrictEqual(toEvidenceInput(zod.data));
        }
        expect(validators.evidence(value).ok).toBe(zod.success);
      }),
      { numRuns: 3000 },
    );
    // The property above says nothing if the fast path never answers.
    expect(fast).toBeGreaterThan(100);
  });

  it("takes a batch only when every item qualifies, with the batch schema's output", () => {
    fc.assert(
      fc.property(parsed(fc.array(evidence, { minLength: 0, maxLength: 4 })), (items) => {
        const value = { items };
        const zod = schemas.evidenceBatch.safeParse(evidenceWithoutNulls(value));
        const result = validators.evidence(value);
        expect(result.ok).toBe(zod.success);
        if (result.ok && zod.success) {
          expect(result.input).toStrictEqual({ batch: true, items: zod.data.items.map(toEvidenceInput) });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("normalises digests and commits to lower case like the schema", () => {
    const value = {
      artifact: { name: "api", digest: `sha256:${"AB".repeat(32)}`, commit: "ABCDEF0" },
      kind: "test",
      name: "e2e",
      status: "passed",
    };
    expect(fastEvidence(value)?.artifact).toEqual({
      name: "api",
      digest: `sha256:${"ab".repeat(32)}`,
      commit: "abcdef0",
    });
  });
});
