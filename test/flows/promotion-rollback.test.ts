import { afterEach, describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../src/adapters/slack/ids.js";
import { checkRollbackConditions } from "../../src/flows/watch-rollback-conditions.js";
import {
  CHANNELS,
  COMMIT,
  type PromotionHarness,
  startPromotionHarness,
  USERS,
} from "../helpers/promotion-harness.js";

const MINUTE = 60_000;

async function deployedToProd(h: PromotionHarness, n: number): Promise<string> {
  const digest = await h.readyArtifact(n, "svc");
  await h.promote(USERS.requester, `svc@${digest} to prod`);
  await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove);
  await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove);
  const repo = h.promotions.runtime().deps.promotions;
  await h.until(() => repo.forDigest(digest, "prod")[0]?.state === "deploying");
  await h.post("/api/v1/deployments", {
    environment: "prod",
    artifact: { name: "svc", digest },
    status: "succeeded",
  });
  await h.until(() => repo.forDigest(digest, "prod")[0]?.state === "deployed");
  return digest;
}

/** The open rollback to `target`, approved by both approvers and handed off to the deployer. */
async function rollbackHandedOff(h: PromotionHarness, target: string) {
  const repo = h.promotions.runtime().deps.promotions;
  const [rollback] = repo.inEnvironment("prod", ["requested"]);
  expect(rollback).toMatchObject({ kind: "rollback", digest: target });
  await h.click(USERS.alice, target, ACTION_IDS.promotionApprove);
  await h.click(USERS.bob, target, ACTION_IDS.promotionApprove);
  await h.until(() => [...h.deployer.acted.values()].some((c) => c.body.promotion_id === rollback!.id));
  await h.until(() => repo.get(rollback!.id)?.state === "deploying");
  return rollback!;
}

const errorRate = (digest: string, status: string) => ({
  artifact: { name: "svc", digest, commit: COMMIT },
  kind: "health",
  name: "error-rate",
  status,
  environment: "prod",
});

describe("rollback", () => {
  let h: PromotionHarness;
  afterEach(async () => h?.close());

  it("proposes the last good artifact when a rollback condition fires (action: propose)", async () => {
    h = await startPromotionHarness();
    const good = await deployedToProd(h, 1);
    h.clock.advance(MINUTE);
    const bad = await deployedToProd(h, 2);
    h.clock.advance(10 * MINUTE);
    expect(await h.post("/api/v1/evidence", errorRate(bad, "passed"))).toBe(202);
    expect(await h.post("/api/v1/evidence", errorRate(bad, "failed"))).toBe(202);
    const card = h.card(bad)!;
    await h.until(() =>
      h.emulator.thread(CHANNELS.prod.id, card.ts).some((m) => m.text.includes("Rollback condition met")),
    );
    // The button asks first, like Approve and Reject.
    await h.until(() => h.card(bad)?.text.includes(ACTION_IDS.rollbackRequest) ?? false);
    expect(h.card(bad)!.text).toContain('"title":{"type":"plain_text","text":"Roll back?"}');
    const reply = await h.click(USERS.requester, bad, ACTION_IDS.rollbackRequest);
    expect(reply).toContain("Rollback requested");
    const repo = h.promotions.runtime().deps.promotions;
    const rollback = await rollbackHandedOff(h, good);
    // Not locked while the rollback is on its way: `lock: true` locks after the rollback.
    expect(await h.promote(USERS.requester, "unlock prod")).not.toContain("unlocked");
    await h.post("/api/v1/deployments", {
      environment: "prod",
      artifact: { name: "svc", digest: good },
      status: "succeeded",
    });
    await h.until(() => repo.get(rollback!.id)?.state === "deployed");
    // Said in the thread of the rollback's own card (the good artifact's).
    const rolledBackTo = h.card(good)!;
    await h.until(() =>
      h.emulator
        .thread(CHANNELS.prod.id, rolledBackTo.ts)
        .some((m) => m.text.includes("locked after the rollback")),
    );
    // The rolled-back build's card loses its Roll back button: there is nothing left to roll back.
    await h.until(() => !(h.card(bad)?.text.includes(ACTION_IDS.rollbackRequest) ?? true));
    // With `lock: true` the bad build cannot be promoted straight back.
    const refused = await h.promote(USERS.requester, `svc@${bad} to prod`);
    expect(refused).toContain("environment_locked");
    // Tollgate set that lock: it is named, not written as a mention of a user that does not exist.
    expect(refused).toContain("locked by Tollgate");
    await h.until(() => h.card(bad)?.text.includes("Locked by Tollgate") ?? false);
    for (const text of [refused, h.card(bad)!.text]) expect(text).not.toMatch(/@tollgate/);
    // Fires once per promotion, however many reports follow.
    await h.post("/api/v1/evidence", errorRate(bad, "failed"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fired = h.app.context.db.prepare("SELECT count(*) AS n FROM rollback_triggers").get();
    expect(fired).toEqual({ n: 1 });
  });

  it("ignores a matching report outside `within`", async () => {
    h = await startPromotionHarness();
    await deployedToProd(h, 1);
    const bad = await deployedToProd(h, 2);
    h.clock.advance(3 * 60 * MINUTE);
    expect(await h.post("/api/v1/evidence", errorRate(bad, "failed"))).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.app.context.db.prepare("SELECT count(*) AS n FROM rollback_triggers").get()).toEqual({ n: 0 });
  });

  it("rolls back and locks at once with action: auto", async () => {
    h = await startPromotionHarness({ rollbackAction: "auto" });
    const good = await deployedToProd(h, 1);
    const bad = await deployedToProd(h, 2);
    h.clock.advance(5 * MINUTE);
    expect(await h.post("/api/v1/evidence", errorRate(bad, "failed"))).toBe(202);
    await h.until(
      () => [...h.deployer.acted.values()].filter((c) => c.body.artifact.digest === good).length === 2,
    );
    const repo = h.promotions.runtime().deps.promotions;
    // The deployer acts before its 2xx reaches Tollgate; wait for the recorded hand-off too.
    await h.until(() => repo.inEnvironment("prod", ["deploying"]).length === 1);
    const rollback = repo.inEnvironment("prod", ["deploying"])[0]!;
    expect(rollback).toMatchObject({ kind: "rollback", digest: good, requestedBy: "tollgate" });
    // The rolled-back build's own thread says so, not only the target's.
    const card = h.card(bad)!;
    await h.until(() =>
      h.emulator
        .thread(CHANNELS.prod.id, card.ts)
        .some((m) => m.text.includes("Rolling back") && m.text.includes(good.slice(0, 11))),
    );
    expect(await h.promote(USERS.requester, `svc@${bad} to prod`)).toContain("environment_locked");
    const history = await h.promote(USERS.requester, "history svc in prod");
    expect(history).toContain("(rollback)");
    // The rolled-back promotion is marked, so its "deployed" does not read as what runs now.
    expect(history.split("\\n").find((line) => line.includes(bad.slice(7, 11)))).toContain("rolled back");
    expect(await h.promote(USERS.requester, "history svc in prdo")).toContain("environment_not_found");
  });

  it("hands off a rollback requested while the environment is locked: it is the remedy", async () => {
    h = await startPromotionHarness();
    const good = await deployedToProd(h, 1);
    h.clock.advance(MINUTE);
    await deployedToProd(h, 2);
    expect(await h.promote(USERS.alice, "lock prod bad release")).toContain("prod locked");
    expect(await h.promote(USERS.requester, "rollback svc in prod")).toContain("Rollback requested");
    await rollbackHandedOff(h, good);
  });

  it("judges a digest promoted again after a rollback by its new run, not by what its last run reported", async () => {
    h = await startPromotionHarness();
    const { deps } = h.promotions.runtime();
    const triggers = () =>
      (h.app.context.db.prepare("SELECT count(*) AS n FROM rollback_triggers").get() as { n: number }).n;
    await deployedToProd(h, 1);
    h.clock.advance(MINUTE);
    const bad = await deployedToProd(h, 2);
    h.clock.advance(MINUTE);
    expect(await h.post("/api/v1/evidence", errorRate(bad, "failed"))).toBe(202);
    await h.until(() => triggers() === 1);
    h.clock.advance(MINUTE);
    await deployedToProd(h, 1);
    h.clock.advance(MINUTE);
    // The same digest again: approved and on its way, its new deployment not reported yet.
    await h.readyArtifact(2, "svc");
    await h.promote(USERS.requester, `svc@${bad} to prod`);
    await h.click(USERS.alice, bad, ACTION_IDS.promotionApprove);
    await h.click(USERS.bob, bad, ACTION_IDS.promotionApprove);
    await h.until(() => deps.promotions.forDigest(bad, "prod")[0]?.state === "deploying");
    expect(checkRollbackConditions(deps, [bad])).toEqual([]);
    expect(triggers()).toBe(1);
    await h.post("/api/v1/deployments", {
      environment: "prod",
      artifact: { name: "svc", digest: bad },
      status: "succeeded",
    });
    await h.until(() => deps.promotions.forDigest(bad, "prod")[0]?.state === "deployed");
    expect(checkRollbackConditions(deps, [bad])).toEqual([]);
    expect(triggers()).toBe(1);
    // What the new run reports counts.
    h.clock.advance(MINUTE);
    expect(await h.post("/api/v1/evidence", errorRate(bad, "failed"))).toBe(202);
    await h.until(() => triggers() === 2);
  });

  it("never rolls back to a digest a rollback already left, even one promoted again since", async () => {
    h = await startPromotionHarness();
    const repo = h.promotions.runtime().deps.promotions;
    const first = await deployedToProd(h, 1);
    h.clock.advance(MINUTE);
    const second = await deployedToProd(h, 2);
    h.clock.advance(MINUTE);
    // Roll back from the second to the first.
    expect(await h.promote(USERS.requester, "rollback svc in prod")).toContain("Rollback requested");
    await h.click(USERS.alice, first, ACTION_IDS.promotionApprove);
    await h.click(USERS.bob, first, ACTION_IDS.promotionApprove);
    await h.until(() => repo.forDigest(first, "prod")[0]?.state === "deploying");
    await h.post("/api/v1/deployments", {
      environment: "prod",
      artifact: { name: "svc", digest: first },
      status: "succeeded",
    });
    await h.until(() => repo.forDigest(first, "prod")[0]?.state === "deployed");
    h.clock.advance(MINUTE);
    // `lock: true` locked prod after the rollback; the second is promoted again, then a third.
    expect(await h.promote(USERS.alice, "unlock prod")).toContain("unlocked");
    await deployedToProd(h, 2);
    h.clock.advance(MINUTE);
    await deployedToProd(h, 3);
    h.clock.advance(MINUTE);
    const reply = await h.promote(USERS.requester, "rollback svc in prod");
    expect(reply).toContain("Rollback requested");
    expect(reply).toContain(`${first.slice(0, 11)}…`);
    expect(reply).not.toContain(`${second.slice(0, 11)}…${second.slice(-3)}`);
  });

  it("`/promote rollback` proposes the previous deployed artifact, or says there is none", async () => {
    h = await startPromotionHarness();
    expect(await h.promote(USERS.requester, "rollback svc in prod")).toContain("rollback_target_not_found");
    const good = await deployedToProd(h, 1);
    await deployedToProd(h, 2);
    const reply = await h.promote(USERS.requester, "rollback svc in prod");
    expect(reply).toContain("Rollback requested");
    expect(h.promotions.runtime().deps.promotions.inEnvironment("prod", ["requested"])[0]).toMatchObject({
      kind: "rollback",
      digest: good,
    });
  });

  it("rolling back twice never returns to the artifact the first rollback left", async () => {
    h = await startPromotionHarness();
    const repo = h.promotions.runtime().deps.promotions;
    const v = await deployedToProd(h, 1);
    h.clock.advance(MINUTE);
    const w = await deployedToProd(h, 2);
    h.clock.advance(MINUTE);
    const x = await deployedToProd(h, 3);
    h.clock.advance(MINUTE);
    expect(await h.promote(USERS.requester, "rollback svc in prod")).toContain("Rollback requested");
    const first = repo.inEnvironment("prod", ["requested"])[0]!;
    expect(first).toMatchObject({ kind: "rollback", digest: w });
    await h.click(USERS.alice, w, ACTION_IDS.promotionApprove);
    await h.click(USERS.bob, w, ACTION_IDS.promotionApprove);
    await h.until(() => repo.get(first.id)?.state === "deploying");
    h.clock.advance(MINUTE);
    await h.post("/api/v1/deployments", {
      environment: "prod",
      artifact: { name: "svc", digest: w },
      status: "succeeded",
    });
    await h.until(() => repo.get(first.id)?.state === "deployed");
    h.clock.advance(MINUTE);
    // W runs again; rolling back again goes to what ran before W (V), never back to X.
    expect(await h.promote(USERS.requester, "rollback svc in prod")).toContain("Rollback requested");
    const second = repo.inEnvironment("prod", ["requested"])[0]!;
    expect(second.digest).not.toBe(x);
    expect(second).toMatchObject({ kind: "rollback", digest: v });
  });

  it("says there is nothing to roll back to when only the rolled-back artifact came before", async () => {
    h = await startPromotionHarness();
    const repo = h.promotions.runtime().deps.promotions;
    const w = await deployedToProd(h, 1);
    h.clock.advance(MINUTE);
    await deployedToProd(h, 2);
    h.clock.advance(MINUTE);
    await h.promote(USERS.requester, "rollback svc in prod");
    const first = repo.inEnvironment("prod", ["requested"])[0]!;
    await h.click(USERS.alice, w, ACTION_IDS.promotionApprove);
    await h.click(USERS.bob, w, ACTION_IDS.promotionApprove);
    await h.until(() => repo.get(first.id)?.state === "deploying");
    h.clock.advance(MINUTE);
    await h.post("/api/v1/deployments", {
      environment: "prod",
      artifact: { name: "svc", digest: w },
      status: "succeeded",
    });
    await h.until(() => repo.get(first.id)?.state === "deployed");
    expect(await h.promote(USERS.requester, "rollback svc in prod")).toContain("rollback_target_not_found");
    expect(repo.inEnvironment("prod", ["requested"])).toEqual([]);
  });

  it("an automatic rollback that throws half-way records nothing and happens on the next report", async () => {
    h = await startPromotionHarness({ rollbackAction: "auto" });
    const good = await deployedToProd(h, 1);
    h.clock.advance(MINUTE);
    const bad = await deployedToProd(h, 2);
    h.clock.advance(5 * MINUTE);
    const deps = h.promotions.runtime().deps;
    const db = h.app.context.db;
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    // The lock store fails once, after the trigger was recorded and before the rollback opened.
    const realLocks = deps.locks;
    let thrown = 0;
    deps.locks = {
      ...realLocks,
      lock: () => {
        thrown++;
        throw new Error("disk I/O error");
      },
    };
    expect(await h.post("/api/v1/evidence", errorRate(bad, "failed"))).toBe(202);
    await h.until(() => thrown === 1);
    deps.locks = realLocks;
    expect(count("SELECT count(*) AS n FROM rollback_triggers")).toBe(0);
    expect(count("SELECT count(*) AS n FROM audit_log WHERE action = 'rollback.triggered'")).toBe(0);
    expect(count("SELECT count(*) AS n FROM promotions WHERE kind = 'rollback'")).toBe(0);
    expect(deps.locks.activeLocks("prod", h.clock.now())).toEqual([]);
    expect(await h.post("/api/v1/evidence", errorRate(bad, "failed"))).toBe(202);
    await h.until(() => deps.promotions.inEnvironment("prod", ["approved", "deploying"]).length === 1);
    expect(deps.promotions.inEnvironment("prod", ["approved", "deploying"])[0]).toMatchObject({
      kind: "rollback",
      digest: good,
    });
    expect(count("SELECT count(*) AS n FROM rollback_triggers")).toBe(1);
    expect(deps.locks.activeLocks("prod", h.clock.now())).toHaveLength(1);
  });
});
