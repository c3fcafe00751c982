import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDeployHookSender } from "../../src/adapters/deploy-hook/send-deploy-hook.js";
import { ACTION_IDS } from "../../src/adapters/slack/ids.js";
import { createDeployHookOutboxStore } from "../../src/adapters/sqlite/deploy-hook-outbox-store.js";
import { openDatabase } from "../../src/adapters/sqlite/open-database.js";
import {
  API_TOKEN,
  CHANNELS,
  COMMIT,
  DEPLOY_SECRET,
  type PromotionHarness,
  startPromotionHarness,
  USERS,
} from "../helpers/promotion-harness.js";

const SECOND = 1_000;
const approvers = Array.from({ length: 20 }, (_, i) => ({
  id: `U0APPR${String(i).padStart(2, "0")}`,
  name: `approver${i}`,
}));

async function approved(h: PromotionHarness, n: number): Promise<{ digest: string; id: string }> {
  const digest = await h.readyArtifact(n);
  await h.promote(USERS.requester, `svc-${n}@${digest} to prod`);
  await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove);
  await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove);
  const id = h.promotions.runtime().deps.promotions.forDigest(digest, "prod")[0]!.id;
  return { digest, id };
}

describe("executing approved promotions", () => {
  let h: PromotionHarness;
  afterEach(async () => h?.close());

  it("twenty approvals clicked at the same instant make one promotion and one deploy hook call", async () => {
    h = await startPromotionHarness({ groups: { S0RELEASE: approvers.map((a) => a.id), S0ENGINEERS: [] } });
    const digest = await h.readyArtifact(1);
    await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    await h.until(() => h.card(digest)?.text.includes(ACTION_IDS.promotionApprove) ?? false);
    const replies = await Promise.all(
      approvers.map((user) => h.click(user, digest, ACTION_IDS.promotionApprove)),
    );
    expect(replies.filter((r) => r.includes("(2/2)"))).toHaveLength(1);
    expect(replies.filter((r) => r.includes("(1/2)"))).toHaveLength(1);
    expect(replies.filter((r) => r.includes("promotion_not_open"))).toHaveLength(18);
    await h.until(() => h.deployer.calls.length >= 1);
    await h.promotions.runtime().executor.tick();
    expect(h.deployer.calls).toHaveLength(1);
    const audit = h.app.context.db
      .prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'promotion.approved'")
      .get() as { n: number };
    expect(audit.n).toBe(1);
    expect(h.app.context.db.prepare("SELECT count(*) AS n FROM deploy_hook_outbox").get()).toEqual({ n: 1 });
  });

  it("polls for due hand-offs without taking the write lock when nothing is due", async () => {
    h = await startPromotionHarness();
    // Another writer (the intake thread, a CLI) holds SQLite's write lock for as long as this poll runs.
    const other = openDatabase(h.dbPath);
    other.exec("BEGIN IMMEDIATE");
    try {
      // Taking the lock it would wait out busy_timeout and fail with SQLITE_BUSY.
      await expect(h.promotions.runtime().executor.tick()).resolves.toBe(0);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
  });

  it("hands off exactly once when the deploy hook is down for a minute, then back", async () => {
    h = await startPromotionHarness();
    h.deployer.status = 503;
    const { id } = await approved(h, 1);
    const executor = h.promotions.runtime().executor;
    await h.until(() => h.deployer.calls.length === 1);
    for (let elapsed = 0; elapsed < 60 * SECOND; elapsed += 5 * SECOND) {
      h.clock.advance(5 * SECOND);
      await executor.tick();
    }
    const failures = h.deployer.calls.length;
    expect(failures).toBeGreaterThanOrEqual(5);
    expect(h.promotions.runtime().deps.promotions.get(id)?.state).toBe("approved");
    const digest = h.promotions.runtime().deps.promotions.get(id)!.digest;
    // The card says so at every attempt, not only the thread at the first and every tenth.
    await h.until(
      () => h.card(digest)?.text.includes(`Deploy hook failing (${failures} attempts): HTTP 503`) ?? false,
    );
    h.deployer.status = 202;
    for (let i = 0; i < 20 && h.deployer.acted.size === 0; i++) {
      h.clock.advance(10 * SECOND);
      await executor.tick();
    }
    h.clock.advance(10 * 60 * SECOND);
    await executor.tick();
    expect(h.deployer.acted.size).toBe(1);
    expect(h.deployer.calls).toHaveLength(failures + 1);
    expect(new Set(h.deployer.calls.map((c) => c.delivery))).toEqual(new Set([id]));
    expect(h.deployer.calls.every((c) => c.signatureValid)).toBe(true);
    expect(h.promotions.runtime().deps.promotions.get(id)?.state).toBe("deploying");
    expect(h.promotions.runtime().deps.outbox.get(id)).toMatchObject({ state: "handed_off" });
    await h.until(() => !(h.card(digest)?.text.includes("Deploy hook failing") ?? true));
    const card = h.card(digest)!;
    // Replies may trail the card's updates: wait for them, then make sure no more come.
    const failedReplies = () =>
      h.emulator.thread(CHANNELS.prod.id, card.ts).filter((m) => m.text.includes("Deploy hook failed"))
        .length;
    await h.until(() => failedReplies() === 1 + Math.floor(failures / 10));
    await h.slack.worker.idle();
    expect(failedReplies()).toBe(1 + Math.floor(failures / 10));
  });

  it("stops a hand-off still retrying when the environment is locked after the approval", async () => {
    h = await startPromotionHarness();
    h.deployer.status = 503;
    const { id, digest } = await approved(h, 1);
    const executor = h.promotions.runtime().executor;
    await h.until(() => h.deployer.calls.length === 1);
    expect(await h.promote(USERS.alice, "lock prod incident 42")).toContain("prod locked");
    h.deployer.status = 202;
    for (let i = 0; i < 10; i++) {
      h.clock.advance(10 * SECOND);
      await executor.tick();
    }
    expect(h.deployer.calls).toHaveLength(1);
    expect(h.deployer.acted.size).toBe(0);
    const promotion = h.promotions.runtime().deps.promotions.get(id);
    expect(promotion?.state).toBe("failed");
    expect(promotion?.detail).toMatch(
      /^not handed off: the contract for prod no longer holds:.*`lock` failed: Locked by <@U0ALICE>/s,
    );
    expect(h.promotions.runtime().deps.outbox.get(id)).toMatchObject({ state: "dead" });
    const card = h.card(digest)!;
    await h.until(() =>
      h.emulator.thread(CHANNELS.prod.id, card.ts).some((m) => m.text.includes("Not handed off")),
    );
  });

  it("stops a hand-off when the contract changes after the approval: the approvals no longer count", async () => {
    h = await startPromotionHarness();
    h.deployer.status = 500;
    const { id } = await approved(h, 1);
    await h.until(() => h.deployer.calls.length === 1);
    const file = join(h.contracts.dir, "prod.yml");
    writeFileSync(file, `${readFileSync(file, "utf8")}\n# reviewed again\n`);
    expect(h.app.reloadContracts()).toMatchObject({ ok: true, changed: true });
    h.deployer.status = 202;
    const repo = h.promotions.runtime().deps.promotions;
    // A tick may join one already running (that saw nothing due yet): tick until it is decided.
    for (let i = 0; i < 20 && repo.get(id)?.state === "approved"; i++) {
      h.clock.advance(60 * SECOND);
      await h.promotions.runtime().executor.tick();
    }
    expect(h.deployer.calls).toHaveLength(1);
    const promotion = repo.get(id);
    expect(promotion?.state).toBe("failed");
    expect(promotion?.detail).toContain("changed after the approval");
    expect(promotion?.detail).toContain("earlier approvals no longer count");
  });

  it("a crash between send and record re-sends with the same delivery id after restart; the report completes it", async () => {
    h = await startPromotionHarness();
    h.deployer.status = 503;
    const { digest, id } = await approved(h, 1);
    await h.until(() => h.deployer.calls.length === 1);
    await h.app.stop();
    // What the crashed process did: claimed the row and sent it; the receiver acted; no record.
    h.deployer.status = 202;
    const db = openDatabase(h.dbPath);
    const [item] = createDeployHookOutboxStore(db).claimDue(
      new Date(h.clock.now().getTime() + 5 * SECOND),
      10,
      30 * SECOND,
    );
    db.close();
    const sender = createDeployHookSender({ env: { PROD_DEPLOY_SECRET: DEPLOY_SECRET } });
    expect(await sender.send({ ...item!, deliveryId: item!.promotionId })).toMatchObject({ ok: true });
    expect(h.deployer.acted.size).toBe(1);
    await h.restart();
    await h.promotions.runtime().executor.tick();
    expect(h.deployer.calls).toHaveLength(2);
    h.clock.advance(40 * SECOND);
    await h.promotions.runtime().executor.tick();
    expect(h.deployer.calls).toHaveLength(3);
    expect(h.deployer.calls.at(-1)?.delivery).toBe(id);
    expect(h.deployer.acted.size).toBe(1);
    expect(h.promotions.runtime().deps.promotions.get(id)?.state).toBe("deploying");
    await h.restart();
    expect(
      await h.post("/api/v1/deployments", {
        environment: "prod",
        artifact: { name: "svc-1", digest },
        status: "succeeded",
      }),
    ).toBe(202);
    await h.until(() => h.promotions.runtime().deps.promotions.get(id)?.state === "deployed");
  });

  it("a request whose digest is deployed there anyway, before approval, is closed as superseded and says so", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    const repo = h.promotions.runtime().deps.promotions;
    const id = repo.forDigest(digest, "prod")[0]!.id;
    h.clock.advance(60 * SECOND);
    const manual = { environment: "prod", artifact: { name: "svc-1", digest }, status: "succeeded" };
    expect(await h.post("/api/v1/deployments", manual)).toBe(202);
    await h.until(() => repo.get(id)?.state === "superseded");
    expect(repo.get(id)?.detail).toMatch(
      /^deployed to prod outside Tollgate \(deployment dep_\w+\) before it was approved$/,
    );
    // Nothing is left to approve: no approved promotion waits forever for a report.
    expect(await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove)).toContain("promotion_not_open");
    const card = h.card(digest)!;
    await h.until(() =>
      h.emulator.thread(CHANNELS.prod.id, card.ts).some((m) => m.text.includes("outside Tollgate")),
    );
    expect(h.deployer.calls).toHaveLength(0);
  });

  it.each(["failed"])(
    "a %s deployment of the digest between request and approval does not complete the promotion",
    async (status) => {
      h = await startPromotionHarness();
      const digest = await h.readyArtifact(1);
      await h.promote(USERS.requester, `svc-1@${digest} to prod`);
      h.clock.advance(60 * SECOND);
      // Someone deploys (or tries to) by hand while approvers are still deciding.
      const manual = { environment: "prod", artifact: { name: "svc-1", digest }, status };
      expect(await h.post("/api/v1/deployments", manual)).toBe(202);
      h.clock.advance(60 * SECOND);
      await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove);
      await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove);
      const runtime = h.promotions.runtime();
      const id = runtime.deps.promotions.forDigest(digest, "prod")[0]!.id;
      await h.until(() => h.deployer.acted.size === 1);
      await h.until(() => runtime.deps.promotions.get(id)?.state === "deploying");
      runtime.watchers.flush();
      expect(runtime.deps.promotions.get(id)).toMatchObject({ state: "deploying" });
      h.clock.advance(60 * SECOND);
      await h.post("/api/v1/deployments", { ...manual, status: "succeeded" });
      await h.until(() => runtime.deps.promotions.get(id)?.state === "deployed");
    },
  );

  it("a failed deployment report fails the promotion", async () => {
    h = await startPromotionHarness();
    const { digest, id } = await approved(h, 1);
    await h.until(() => h.promotions.runtime().deps.promotions.get(id)?.state === "deploying");
    await h.post("/api/v1/deployments", {
      environment: "prod",
      artifact: { name: "svc-1", digest },
      status: "failed",
    });
    await h.until(() => h.promotions.runtime().deps.promotions.get(id)?.state === "failed");
    // The card says so, not only the promotion line: nothing may read as "Ready, nothing reported".
    await h.until(() => h.card(digest)?.text.includes("Deploying this build to prod failed at") ?? false);
  });

  it("without a webhook, an approved promotion the contract no longer allows drops off the approved list", async () => {
    h = await startPromotionHarness();
    const artifact = { name: "svc-8", digest: `sha256:${"8".repeat(64)}`, commit: COMMIT };
    await h.post("/api/v1/evidence", { artifact, kind: "test", name: "unit", status: "passed" });
    expect(await h.promote(USERS.mallory, `svc-8@${artifact.digest} to staging`)).toContain("approved");
    const url = `${h.baseUrl}/api/v1/promotions?environment=staging&state=approved`;
    const approvedNow = async () =>
      (
        (await (await fetch(url, { headers: { authorization: `Bearer ${API_TOKEN}` } })).json()) as {
          promotions: { id: string }[];
        }
      ).promotions;
    const [listed] = await approvedNow();
    expect(listed).toBeDefined();
    // The unit tests fail after the approval, before CD has deployed it.
    await h.post("/api/v1/evidence", { artifact, kind: "test", name: "unit", status: "failed" });
    const repo = h.promotions.runtime().deps.promotions;
    await h.until(() => repo.get(listed!.id)?.state === "failed");
    expect(repo.get(listed!.id)?.detail).toMatch(
      /^no longer may enter: the contract for staging no longer holds:.*`evidence:unit` failed/s,
    );
    expect(await approvedNow()).toEqual([]);
  });

  it("fails a promotion approved without a webhook when an edit adds one: no hand-off was queued for it", async () => {
    h = await startPromotionHarness();
    const artifact = { name: "svc-7", digest: `sha256:${"7".repeat(64)}`, commit: COMMIT };
    await h.post("/api/v1/evidence", { artifact, kind: "test", name: "unit", status: "passed" });
    expect(await h.promote(USERS.mallory, `svc-7@${artifact.digest} to staging`)).toContain("approved");
    const repo = h.promotions.runtime().deps.promotions;
    const id = repo.forDigest(artifact.digest, "staging")[0]!.id;
    const file = join(h.contracts.dir, "staging.yml");
    const hook = `deploy:\n  webhook: {url: "${h.deployer.url}", secret_env: PROD_DEPLOY_SECRET}\n`;
    writeFileSync(file, `${readFileSync(file, "utf8")}${hook}`);
    expect(h.app.reloadContracts()).toMatchObject({ ok: true, changed: true });
    await h.until(() => repo.get(id)?.state === "failed");
    expect(repo.get(id)?.detail).toContain("changed after the approval");
    expect(h.deployer.calls).toHaveLength(0);
  });

  it("without a webhook, CD pulls approved promotions with a bearer token and reports back", async () => {
    h = await startPromotionHarness();
    const artifact = { name: "svc-9", digest: `sha256:${"9".repeat(64)}`, commit: COMMIT };
    await h.post("/api/v1/evidence", { artifact, kind: "test", name: "unit", status: "passed" });
    const reply = await h.promote(USERS.mallory, `svc-9@${artifact.digest} to staging`);
    expect(reply).toContain("No approvals required: approved");
    const url = `${h.baseUrl}/api/v1/promotions?environment=staging&state=approved`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const bad = await fetch(`${h.baseUrl}/api/v1/promotions?state=sideways`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(bad.status).toBe(400);
    const listed = (await (
      await fetch(url, { headers: { authorization: `Bearer ${API_TOKEN}` } })
    ).json()) as { promotions: { id: string; artifact: { digest: string }; to: string }[] };
    expect(listed.promotions).toHaveLength(1);
    expect(listed.promotions[0]).toMatchObject({ artifact: { digest: artifact.digest }, to: "staging" });
    expect(h.deployer.calls).toHaveLength(0);
    await h.post("/api/v1/deployments", { environment: "staging", artifact, status: "succeeded" });
    const id = listed.promotions[0]!.id;
    await h.until(() => h.promotions.runtime().deps.promotions.get(id)?.state === "deployed");
  });
});
