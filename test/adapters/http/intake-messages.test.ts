/** What a 400's `issues[].message` says: the path names the field, the message what is wrong. */
import { describe, expect, it } from "vitest";
import { intakeValidators } from "../../../src/adapters/http/intake-payloads.js";
import { createPayloadSchemas } from "../../../src/adapters/http/schemas.js";

const validate = intakeValidators(createPayloadSchemas({ now: () => new Date("2026-12-08T00:00:00Z") }));
const DIGEST = `sha256:${"a".repeat(64)}`;

describe("intake issue messages", () => {
  it("say a missing field is required, not 'expected string, received undefined'", () => {
    expect(
      validate.evidence({ artifact: { name: "api", digest: DIGEST }, kind: "test", status: "passed" }),
    ).toEqual({
      ok: false,
      issues: [{ path: "name", message: "is required" }],
    });
    expect(validate.snapshot({})).toEqual({
      ok: false,
      issues: [
        { path: "environment", message: "is required" },
        { path: "config", message: "is required" },
      ],
    });
  });

  it("say what type a field must be, and list the values an enumeration takes", () => {
    const result = validate.evidence({ artifact: null, kind: "tst", name: 5, status: "passed" });
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: "artifact", message: "must be an object, not null" },
        {
          path: "kind",
          message:
            'must be one of "test", "scan", "sbom", "signature", "provenance", "review", "health", "custom"',
        },
        { path: "name", message: "must be a string, not a number" },
      ],
    });
    const fractional = validate.evidence({
      artifact: { name: "api", digest: DIGEST },
      kind: "test",
      name: "unit",
      status: "passed",
      summary: { total: 1.5 },
    });
    expect(fractional).toMatchObject({
      issues: [{ path: "summary.total", message: expect.stringMatching(/whole number/) }],
    });
    expect(validate.deployment({ environment: "prod", artifact: [], status: "succeeded" })).toMatchObject({
      issues: [{ path: "artifact", message: "must be an object, not an array" }],
    });
  });
});
