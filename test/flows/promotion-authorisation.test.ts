import { afterEach, describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../src/adapters/slack/ids.js";
import { TOLLGATE_ACTOR } from "../../src/domain/mention.js";
import { applyLock } from "../../src/flows/lock-environment.js";
import { type PromotionHarness, startPromotionHarness, USERS } from "../helpers/promotion-harness.js";

const MINUTE = 60_000;

describe("promotion authorisation (Slack end to end)", () => {
  let h: PromotionHarness;
  afterEach(async () => h?.close());

  it("refuses a requester who is neither listed nor in a listed group", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    const reply = await h.promote(USERS.mallory, `svc-1@${digest} to prod`);
    expect(reply).toContain("requester_not_allowed");
    expect(h.promotions.runtime().deps.promotions.inEnvironment("prod", ["requested"])).toHaveLength(0);
  });

  it("accepts a requester through a user group", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    expect(await h.promote(USERS.erin, `svc-1@${digest} to prod`)).toContain(
      "Promotion requested by <@U0ERIN>",
    );
  });

  it("refuses a non-approver, and the requester approving their own request", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    await h.promote(USERS.alice, `svc-1@${digest} to prod`);
    expect(await h.click(USERS.mallory, digest, ACTION_IDS.promotionApprove)).toContain(
      "approver_not_allowed",
    );
    expect(await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove)).toContain(
      "self_approval_not_allowed",
    );
    expect(await h.click(USERS.mallory, digest, ACTION_IDS.promotionReject)).toContain(
      "approver_not_allowed",
    );
    const [open] = h.promotions.runtime().deps.promotions.inEnvironment("prod", ["requested"]);
    expect(h.promotions.runtime().deps.promotions.decisions(open!.id)).toEqual([]);
  });

  it("counts Enterprise W… ids and group approvers; a duplicate click is idempotent", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    expect(await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove)).toContain("(1/2)");
    expect(await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove)).toContain("already recorded");
    expect(await h.click(USERS.erin, digest, ACTION_IDS.promotionApprove)).toContain("(2/2)");
    await h.until(() => h.deployer.acted.size === 1);
  });

  it("re-resolves groups at the click: a member removed since the request no longer approves or counts", async () => {
    h = await startPromotionHarness({ groups: { S0RELEASE: ["U0ERIN", "W0ENTDAN"], S0ENGINEERS: [] } });
    const digest = await h.readyArtifact(1);
    await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    expect(await h.click(USERS.erin, digest, ACTION_IDS.promotionApprove)).toContain("(1/2)");
    h.emulator.setUserGroups({ S0RELEASE: ["W0ENTDAN"], S0ENGINEERS: [] });
    h.clock.advance(5 * MINUTE + 1);
    // Erin's earlier approval no longer counts, so Alice's makes 1 of 2, not 2 of 2.
    expect(await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove)).toContain("(1/2)");
    const again = await h.click(USERS.erin, digest, ACTION_IDS.promotionApprove);
    expect(again).toContain("approver_not_allowed");
    expect(await h.click({ id: "W0ENTDAN", name: "dan" }, digest, ACTION_IDS.promotionApprove)).toContain(
      "(2/2)",
    );
  });

  it("answers no, saying why, when Slack cannot be asked about a group", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    h.clock.advance(5 * MINUTE + 1);
    h.emulator.serverError("usergroups.users.list", 503, 5);
    const reply = await h.click(USERS.erin, digest, ACTION_IDS.promotionApprove);
    expect(reply).toContain("slack_unavailable");
    expect(reply).toContain("S0RELEASE");
    expect(reply).toContain("Refusing");
  });

  it("tells a requester at once when their request can never get the approvals it needs", async () => {
    // prod needs 2 approvals from S0RELEASE (empty here), alice and bob; alice is also a requester.
    h = await startPromotionHarness({ groups: { S0RELEASE: [], S0ENGINEERS: [USERS.alice.id] } });
    const digest = await h.readyArtifact(1);
    const reply = await h.promote(USERS.alice, `svc-1@${digest} to prod`);
    expect(reply).toContain("Promotion requested");
    expect(reply).toContain("Only 1 person besides the requester may approve");
    const other = await h.readyArtifact(2);
    expect(await h.promote(USERS.requester, `svc-2@${other} to prod`)).not.toContain("may approve");
  });

  it("lets only approvers lock and unlock", async () => {
    h = await startPromotionHarness();
    expect(await h.promote(USERS.requester, "lock prod incident 7")).toContain("lock_not_allowed");
    expect(await h.promote(USERS.erin, "lock prod for 30m incident 7")).toContain(
      "prod locked by <@U0ERIN> for 30m",
    );
    expect(await h.promote(USERS.mallory, "unlock prod")).toContain("lock_not_allowed");
    expect(await h.promote(USERS.alice, "unlock prod")).toContain("unlocked by <@U0ALICE>");
  });

  it("lets anyone lock an environment without approvers, but not lift the lock an automatic rollback set", async () => {
    h = await startPromotionHarness();
    // staging names neither approvers nor requesters.
    expect(await h.promote(USERS.mallory, "lock staging for 1h smoke tests")).toContain(
      "staging locked by <@U0MALLORY>",
    );
    expect(await h.promote(USERS.mallory, "unlock staging")).toContain("unlocked by <@U0MALLORY>");
    // The lock automatic rollback sets, acting as Tollgate.
    applyLock(h.promotions.runtime().deps, {
      userId: TOLLGATE_ACTOR,
      environment: "staging",
      reason: "automatic rollback: `error-rate` failed",
    });
    expect(await h.promote(USERS.mallory, "unlock staging")).toContain("lock_not_allowed");
    expect(await h.promote(USERS.requester, "lock staging mine now")).toContain("lock_not_allowed");
    expect(await h.promote(USERS.alice, "unlock staging")).toContain("unlocked by <@U0ALICE>");
  });

  it("keeps a lock an approver set in an environment without approvers for approvers and its setter", async () => {
    h = await startPromotionHarness();
    expect(await h.promote(USERS.alice, "lock staging incident 42")).toContain(
      "staging locked by <@U0ALICE>",
    );
    const refused = await h.promote(USERS.mallory, "unlock staging");
    expect(refused).toContain("lock_not_allowed");
    expect(refused).toContain("<@U0ALICE> (an approver) locked staging");
    // Replacing it with a lock of one's own is lifting it too.
    expect(await h.promote(USERS.mallory, "lock staging test")).toContain("lock_not_allowed");
    expect(await h.promote(USERS.bob, "unlock staging")).toContain("unlocked by <@W0ENTBOB>");
    expect(await h.promote(USERS.alice, "lock staging again")).toContain("staging locked");
    expect(await h.promote(USERS.alice, "unlock staging")).toContain("unlocked by <@U0ALICE>");
  });

  it("lets an approver of one environment lock and unlock the whole line, and nobody else", async () => {
    h = await startPromotionHarness();
    expect(await h.promote(USERS.mallory, "lock all release freeze")).toContain("lock_not_allowed");
    expect(await h.promote(USERS.requester, "lock all release freeze")).toContain("lock_not_allowed");
    expect(await h.promote(USERS.erin, "lock all release freeze")).toContain(
      "All environments locked by <@U0ERIN>",
    );
    const refused = await h.promote(USERS.mallory, "unlock all");
    expect(refused).toContain("lock_not_allowed");
    expect(refused).toContain("may not resume the line (unlock all)");
    expect(await h.promote(USERS.bob, "unlock all")).toContain("unlocked by <@W0ENTBOB>");
  });

  it("says a lock is confirmed for exactly the duration typed", async () => {
    h = await startPromotionHarness();
    expect(await h.promote(USERS.erin, "lock prod for 90s canary check")).toContain(
      "prod locked by <@U0ERIN> for 1m30s",
    );
  });

  it("says an environment unlocked on its own stays locked while the whole line is stopped", async () => {
    h = await startPromotionHarness();
    expect(await h.promote(USERS.erin, "lock prod incident 7")).toContain("prod locked");
    expect(await h.promote(USERS.erin, "lock all release freeze")).toContain("All environments locked");
    const unlocked = await h.promote(USERS.erin, "unlock prod");
    expect(unlocked).toContain("prod unlocked by <@U0ERIN>");
    expect(unlocked).toContain("stays locked: the whole line is stopped");
    expect(await h.promote(USERS.erin, "unlock prod")).toContain("has no lock of its own");
    expect(await h.promote(USERS.erin, "unlock all")).toContain("unlocked by <@U0ERIN>");
    expect(await h.promote(USERS.erin, "unlock prod")).toContain("prod was not locked");
  });
});

describe("asking again for a promotion already on its way", () => {
  let h: PromotionHarness;
  afterEach(async () => h?.close());
  const repo = () => h.promotions.runtime().deps.promotions;

  it("points to the open request and keeps its approvals, instead of superseding it", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    expect(await h.promote(USERS.requester, `svc-1@${digest} to prod`)).toContain("Promotion requested");
    expect(await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove)).toContain("(1/2)");
    const again = await h.promote(USERS.requester, `svc-1@${digest} to prod because retry`);
    expect(again).toContain("promotion_already_open");
    expect(again).toContain("already requested");
    expect(repo().forDigest(digest, "prod")).toHaveLength(1);
    expect(await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove)).toContain("(2/2)");
  });

  it("refuses a second promotion of a digest being deployed (no second deployment, no doubled thread)", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove);
    await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove);
    await h.until(() => repo().forDigest(digest, "prod")[0]?.state === "deploying");
    const again = await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    expect(again).toContain("promotion_already_open");
    expect(again).toContain("already deploying");
    expect(repo().forDigest(digest, "prod")).toHaveLength(1);
    expect(h.deployer.acted.size).toBe(1);
  });

  it("opens exactly one promotion for identical commands at the same moment", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    const replies = await Promise.all(
      [1, 2, 3].map(() => h.promote(USERS.requester, `svc-1@${digest} to prod`)),
    );
    expect(replies.filter((r) => r.includes("Promotion requested"))).toHaveLength(1);
    expect(replies.filter((r) => r.includes("promotion_already_open"))).toHaveLength(2);
    expect(repo().forDigest(digest, "prod")).toHaveLength(1);
  });
});
