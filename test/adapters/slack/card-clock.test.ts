import { describe, expect, it } from "vitest";
import { nextBoundary, stateKeyOf } from "../../../src/adapters/slack/outbox/card-clock.js";
import type { CardModel } from "../../../src/adapters/slack/views/card-model.js";
import type { Check, Readiness } from "../../../src/domain/readiness.js";

const NOW = new Date("2026-03-02T10:00:00Z");
const at = (ms: number) => new Date(NOW.getTime() + ms);

function readiness(checks: Check[], verdict: Readiness["verdict"] = "waiting"): Readiness {
  return {
    environment: "prod",
    digest: "sha256:x",
    verdict,
    checks,
    contractRevision: "r1",
    evaluatedAt: NOW,
  };
}

function model(checks: Check[], verdict: Readiness["verdict"] = "waiting"): CardModel {
  return {
    artifact: { name: "api", digest: "sha256:x", firstSeenAt: new Date(0) },
    environment: "prod",
    readiness: readiness(checks, verdict),
  };
}

describe("nextBoundary", () => {
  it("is the soonest of a soak's end, a freeze's end and a lock's expiry", () => {
    const soak: Check = {
      id: "artifact:soak",
      status: "waiting",
      reason: "soaking 10s of 1m in staging",
      detail: { since: at(-10_000), until: NOW, soakedMs: 10_000, requiredMs: 60_000 },
    };
    const freeze: Check = {
      id: "freeze",
      status: "failed",
      reason: "Frozen",
      detail: { endsAt: at(30_000) },
    };
    const lock: Check = {
      id: "lock",
      status: "failed",
      reason: "Locked",
      detail: [{ environment: "prod", expiresAt: at(20_000) }, { environment: "*" }],
    };
    expect(nextBoundary(readiness([soak]))).toBe(at(50_000).getTime());
    expect(nextBoundary(readiness([soak, freeze]))).toBe(at(30_000).getTime());
    expect(nextBoundary(readiness([soak, freeze, lock]))).toBe(at(20_000).getTime());
  });

  it("is undefined when nothing is known to change by itself", () => {
    const soaked: Check = {
      id: "artifact:soak",
      status: "passed",
      reason: "soaked 2m",
      detail: { since: at(-120_000), until: NOW, soakedMs: 120_000, requiredMs: 60_000 },
    };
    const past: Check = { id: "freeze", status: "passed", reason: "over", detail: { endsAt: at(-1) } };
    expect(
      nextBoundary(readiness([soaked, past, { id: "lock", status: "passed", reason: "no" }])),
    ).toBeUndefined();
  });
});

describe("stateKeyOf", () => {
  it("ignores wording that drifts with the clock but not a status or verdict change", () => {
    const soaking = (reason: string, status: Check["status"] = "waiting") => ({
      id: "artifact:soak",
      status,
      reason,
    });
    const a = stateKeyOf(model([soaking("soaking 10s of 1m")]));
    expect(stateKeyOf(model([soaking("soaking 40s of 1m")]))).toBe(a);
    expect(stateKeyOf(model([soaking("soaked 1m", "passed")]))).not.toBe(a);
    expect(stateKeyOf(model([soaking("soaking 10s of 1m")], "blocked"))).not.toBe(a);
  });
});
