/**
 * The read API (and so `tollgate assert`) answers "may it enter now?": in an environment that
 * needs approvals, an artifact nobody approved is not ready, whatever its evidence says. The
 * card keeps answering "may it be requested?" (its Request button).
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../src/adapters/slack/ids.js";
import {
  API_TOKEN,
  type PromotionHarness,
  startPromotionHarness,
  USERS,
} from "../helpers/promotion-harness.js";

interface Answer {
  verdict: string;
  checks: { id: string; status: string; reason: string }[];
}

async function readiness(h: PromotionHarness, ref: string, environment: string): Promise<Answer> {
  const url = `${h.baseUrl}/api/v1/readiness?artifact=${encodeURIComponent(ref)}&environment=${environment}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Answer;
}

const approvals = (answer: Answer) => answer.checks.find((c) => c.id === "approvals");

describe("GET /api/v1/readiness in an environment that needs approvals", () => {
  let h: PromotionHarness;
  afterEach(async () => h?.close());

  it("is waiting until a promotion is approved, then ready; staging (no approvals) is ready at once", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    const ref = `svc-1@${digest}`;
    const before = await readiness(h, ref, "prod");
    expect(before.verdict).toBe("waiting");
    expect(approvals(before)).toMatchObject({
      status: "waiting",
      reason: "needs 2 approvals: no promotion requested yet",
    });
    // The card still offers the request: every other check holds.
    await h.until(() => h.card(digest)?.text.includes(ACTION_IDS.promotionRequest) ?? false);
    await h.promote(USERS.requester, `${ref} to prod`);
    await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove);
    const half = await readiness(h, ref, "prod");
    expect(half.verdict).toBe("waiting");
    expect(approvals(half)?.reason).toContain("1 of 2 approvals");
    await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove);
    expect((await readiness(h, ref, "prod")).verdict).toBe("ready");
    await h.until(() => h.deployer.acted.size === 1);
    await h.post("/api/v1/deployments", {
      environment: "prod",
      artifact: { name: "svc-1", digest },
      status: "succeeded",
    });
    const repo = h.promotions.runtime().deps.promotions;
    await h.until(() => repo.forDigest(digest, "prod")[0]?.state === "deployed");
    const after = await readiness(h, ref, "prod");
    expect(after.verdict).toBe("ready");
    expect(approvals(after)).toMatchObject({
      status: "passed",
      reason: "approved by <@U0ALICE>, <@W0ENTBOB>",
    });
    // Another service deployed to prod changes nothing for this one.
    const other = await h.readyArtifact(2);
    const svc2 = { environment: "prod", artifact: { name: "svc-2", digest: other }, status: "succeeded" };
    expect(await h.post("/api/v1/deployments", svc2)).toBe(202);
    expect((await readiness(h, ref, "prod")).verdict).toBe("ready");
    const staging = await readiness(h, ref, "staging");
    expect(approvals(staging)).toBeUndefined();
  });
});
