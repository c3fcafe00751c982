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

  it("take an optional field sent as null as not given; a required one sent as null is still refused", () => {
    const withNulls = {
      artifact: { name: "api", digest: DIGEST, version: null, commit: null, repository: null, url: null },
      kind: "test",
      name: "unit",
      status: "passed",
      environment: null,
      summary: null,
      url: null,
      observed_at: null,
      details: { kept: null },
    };
    const single = validate.evidence(withNulls);
    expect(single).toMatchObject({
      ok: true,
      input: { items: [{ environment: undefined, detailsJson: '{"kept":null}' }] },
    });
    if (single.ok) expect(single.input.items[0]?.artifact).toEqual({ name: "api", digest: DIGEST });
    expect(validate.evidence({ items: [withNulls, withNulls] })).toMatchObject({ ok: true });
    expect(validate.evidence({ ...withNulls, status: null })).toMatchObject({
      ok: false,
      issues: [{ path: "status", message: expect.stringContaining("must be one of") }],
    });
    const deployment = {
      environment: "prod",
      artifact: { name: "api", digest: DIGEST, version: null },
      status: "succeeded",
      deployed_at: null,
      url: null,
    };
    expect(validate.deployment(deployment)).toMatchObject({ ok: true });
    expect(
      validate.snapshot({ environment: "prod", config: { a: null }, taken_at: null, source: null }),
    ).toMatchObject({
      ok: true,
      input: { configJson: '{"a":null}' },
    });
  });
});
