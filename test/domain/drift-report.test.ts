import { describe, expect, it } from "vitest";
import type { DriftPolicy } from "../../src/domain/contract.js";
import { buildDriftReport, canonicalJson, changesSince } from "../../src/domain/drift-report.js";
import type { ConfigValue, Snapshot } from "../../src/domain/evidence.js";

const HOUR = 60 * 60 * 1000;
const now = new Date("2026-11-27T09:00:00Z");
const policy: DriftPolicy = {
  compareTo: "staging",
  allow: { feature_flags: 1 },
  ignore: ["feature_flags.experiment-*"],
  normalize: { staging: "{env}", prod: "{env}" },
  maxSnapshotAgeMs: 24 * HOUR,
};

function snapshot(environment: string, hoursOld: number, config: Record<string, ConfigValue>): Snapshot {
  return {
    id: `snap-${environment}`,
    environment,
    takenAt: new Date(now.getTime() - hoursOld * HOUR),
    source: "flagd",
    config,
  };
}

const prod = snapshot("prod", 2, {
  feature_flags: { "new-checkout": false, "experiment-x": 1 },
  endpoints: { payments: "https://payments.prod.internal", search: "https://search.prod.internal" },
  security: { admin_roles: ["sre"] },
});
const staging = snapshot("staging", 30, {
  feature_flags: { "new-checkout": true, "experiment-x": 2 },
  endpoints: { payments: "https://payments.staging.internal" },
  security: { admin_roles: ["sre", "dev"] },
});

describe("buildDriftReport", () => {
  it("reports per category against the allowance with ignore and normalize applied", () => {
    const report = buildDriftReport({
      environment: "prod",
      compareTo: "staging",
      policy,
      here: prod,
      there: staging,
      now,
    });
    expect(report.status).toBe("over_budget");
    expect(
      report.result?.categories.map((c) => [c.category, c.differences.length, c.allowed, c.overBudget]),
    ).toEqual([
      ["feature_flags", 1, 1, false],
      ["endpoints", 1, 0, true],
      ["security", 1, 0, true],
    ]);
    expect(report.differences.map((d) => `${d.category}.${d.key}:${d.kind}`)).toEqual([
      "feature_flags.new-checkout:changed",
      "endpoints.search:only_here",
      "security.admin_roles:changed",
    ]);
    expect(report.sincePrevious).toBeUndefined();
  });

  it("calls out a snapshot older than max_snapshot_age and gives both ages", () => {
    const report = buildDriftReport({
      environment: "prod",
      compareTo: "staging",
      policy,
      here: prod,
      there: staging,
      now,
    });
    expect(report.here).toEqual({
      environment: "prod",
      takenAt: prod.takenAt,
      source: "flagd",
      ageMs: 2 * HOUR,
      stale: false,
    });
    expect(report.there).toMatchObject({ environment: "staging", ageMs: 30 * HOUR, stale: true });
    const lenient = buildDriftReport({
      environment: "prod",
      compareTo: "staging",
      policy: { ...policy, maxSnapshotAgeMs: undefined },
      here: prod,
      there: staging,
      now,
    });
    expect(lenient.there.stale).toBe(false);
  });

  it("is incomplete without a snapshot on either side", () => {
    const report = buildDriftReport({ environment: "prod", compareTo: "staging", policy, here: prod, now });
    expect(report.status).toBe("incomplete");
    expect(report.there).toEqual({ environment: "staging", stale: false });
    expect(report.differences).toEqual([]);
    expect(report.result).toBeUndefined();
  });

  it("says what is new, changed and resolved since the previous digest", () => {
    const first = buildDriftReport({
      environment: "prod",
      compareTo: "staging",
      policy,
      here: prod,
      there: staging,
      now,
    });
    const later = snapshot("staging", 1, {
      feature_flags: { "new-checkout": true, beta: true },
      endpoints: { payments: "https://payments.staging.internal" },
      security: { admin_roles: ["sre", "oncall"] },
    });
    const previous = { postedAt: new Date(now.getTime() - 24 * HOUR), differences: first.differences };
    const report = buildDriftReport({
      environment: "prod",
      compareTo: "staging",
      policy,
      here: prod,
      there: later,
      previous,
      now,
    });
    const ids = (list: { category: string; key: string }[] | undefined) =>
      list?.map((d) => `${d.category}.${d.key}`);
    expect(ids(report.sincePrevious?.added)).toEqual(["feature_flags.beta"]);
    expect(ids(report.sincePrevious?.changed)).toEqual(["security.admin_roles"]);
    expect(ids(report.sincePrevious?.resolved)).toEqual([]);
    expect(report.sincePrevious?.standing).toBe(2);
    expect(report.sincePrevious?.previousAt).toEqual(previous.postedAt);
  });

  it("lists resolved differences with the values they had", () => {
    const before = [{ category: "endpoints", key: "x", kind: "changed" as const, here: "a", there: "b" }];
    const changes = changesSince([], { postedAt: now, differences: before });
    expect(changes.resolved).toEqual(before);
    expect(changes.added).toEqual([]);
  });

  it("does not see a reordered object value as a change", () => {
    const a = [{ category: "data", key: "k", kind: "changed" as const, here: { x: 1, y: 2 }, there: 1 }];
    const b = [{ category: "data", key: "k", kind: "changed" as const, here: { y: 2, x: 1 }, there: 1 }];
    expect(changesSince(b, { postedAt: now, differences: a }).standing).toBe(1);
    expect(canonicalJson({ b: [1, "2"], a: null })).toBe('{"a":null,"b":[1,"2"]}');
    expect(canonicalJson("1")).not.toBe(canonicalJson(1));
  });
});
