import { afterEach, describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../src/adapters/slack/ids.js";
import {
  API_TOKEN,
  CHANNELS,
  type PromotionHarness,
  startPromotionHarness,
  USERS,
} from "../helpers/promotion-harness.js";

describe("promotion end to end through Slack", () => {
  let h: PromotionHarness;
  afterEach(async () => h?.close());

  it("request → two approvals → one signed deploy hook → deployment report → deployed", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    const reply = await h.promote(USERS.requester, `svc-1@${digest} to prod because release 1`);
    expect(reply).toContain("Promotion requested");
    expect(await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove)).toContain("(1/2)");
    expect(await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove)).toContain(
      "Approved by <@W0ENTBOB> (2/2)",
    );
    await h.until(() => h.deployer.acted.size === 1);
    const call = [...h.deployer.acted.values()][0]!;
    expect(call.signatureValid).toBe(true);
    expect(call.body).toMatchObject({
      to: "prod",
      from: "staging",
      requested_by: "U0REQ",
      artifact: { digest },
    });
    expect(call.body.approved_by.sort()).toEqual(["U0ALICE", "W0ENTBOB"]);
    expect(call.delivery).toBe(call.body.promotion_id);
    const id = call.body.promotion_id;
    await h.until(() => h.promotions.runtime().deps.promotions.get(id)?.state === "deploying");
    expect(
      await h.post("/api/v1/deployments", {
        environment: "prod",
        artifact: { name: "svc-1", digest },
        status: "succeeded",
      }),
    ).toBe(202);
    await h.until(() => h.promotions.runtime().deps.promotions.get(id)?.state === "deployed");
    const card = h.card(digest)!;
    await h.until(() =>
      h.emulator.thread(CHANNELS.prod.id, card.ts).some((m) => m.text.includes("Deployed")),
    );
    const api = await fetch(`${h.baseUrl}/api/v1/promotions?environment=prod&state=deployed`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(api.status).toBe(200);
    const listed = (await api.json()) as { promotions: { id: string; state: string }[] };
    expect(listed.promotions.map((p) => p.id)).toEqual([id]);
  });
});
