import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../src/adapters/slack/ids.js";
import { createAuditStore } from "../../src/adapters/sqlite/audit-store.js";
import { WEEKDAYS } from "../../src/domain/freeze-window.js";
import { COMMIT, type PromotionHarness, startPromotionHarness, USERS } from "../helpers/promotion-harness.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const day = (offset: number) => new Date(Date.now() + offset * 24 * HOUR).toISOString().slice(0, 10);

/** `Tue 10:00` for a moment, in UTC (the harness's prod timezone). */
function weekly(at: Date): string {
  const hh = String(at.getUTCHours()).padStart(2, "0");
  const mm = String(at.getUTCMinutes()).padStart(2, "0");
  return `${WEEKDAYS[at.getUTCDay()]} ${hh}:${mm}`;
}

function ledger(h: PromotionHarness): { action: string; actor: string; data: Record<string, unknown> }[] {
  const out: string[] = [];
  createAuditStore(h.app.context.db).export({ format: "jsonl" }, (line) => out.push(line));
  return out.map((line) => JSON.parse(line));
}

describe("the contract is checked again at every click", () => {
  let h: PromotionHarness;
  afterEach(async () => h?.close());

  it("refuses an approval when evidence failed since the request, naming the check", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    h.clock.advance(MINUTE);
    const failed = {
      artifact: { name: "svc-1", digest, commit: COMMIT },
      kind: "test",
      name: "unit",
      status: "failed",
      url: "https://ci.example/run/8812",
    };
    expect(await h.post("/api/v1/evidence", failed)).toBe(202);
    const reply = await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove);
    expect(reply).toContain("contract_not_satisfied");
    expect(reply).toMatch(/`evidence:unit` failed/);
    const [open] = h.promotions.runtime().deps.promotions.inEnvironment("prod", ["requested"]);
    expect(h.promotions.runtime().deps.promotions.decisions(open!.id)).toEqual([]);
  });

  it("after a contract edit (new revision) earlier approvals no longer count", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    expect(await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove)).toContain("(1/2)");
    const file = join(h.contracts.dir, "prod.yml");
    writeFileSync(file, `${readFileSync(file, "utf8")}\n# reviewed again\n`);
    expect(h.app.reloadContracts()).toMatchObject({ ok: true, changed: true });
    const reply = await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove);
    expect(reply).toContain("(1/2)");
    expect(reply).toContain("earlier approvals no longer count");
    expect(await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove)).toContain("(2/2)");
    await h.until(() => h.deployer.acted.size === 1);
    const revision = h.app.context.contracts.current().contracts.get("prod")!.revision;
    expect([...h.deployer.acted.values()][0]!.body).toMatchObject({ contract_revision: revision });
  });

  it("keeps who approved a promotion on its card after the contract is edited", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove);
    expect(await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove)).toContain("(2/2)");
    await h.until(() => h.deployer.acted.size === 1);
    await h.slack.worker.idle();
    expect(h.card(digest)?.text).toContain("approvals 2 of 2: <@U0ALICE>, <@W0ENTBOB>");
    const updates = h.emulator.callsTo("chat.update").length;
    const file = join(h.contracts.dir, "prod.yml");
    writeFileSync(file, `${readFileSync(file, "utf8")}\n# reviewed again\n`);
    expect(h.app.reloadContracts()).toMatchObject({ ok: true, changed: true });
    // The card is rendered again for the new revision, and still names both approvers.
    await h.until(() => h.emulator.callsTo("chat.update").length > updates);
    await h.slack.worker.idle();
    expect(h.card(digest)?.text).toContain("approvals 2 of 2: <@U0ALICE>, <@W0ENTBOB>");
  });

  it("expires a request by the contract's expire_after at the click, also one shortened since", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    const file = join(h.contracts.dir, "prod.yml");
    writeFileSync(file, readFileSync(file, "utf8").replace("expire_after: 8h", "expire_after: 30s"));
    expect(h.app.reloadContracts()).toMatchObject({ ok: true, changed: true });
    h.clock.advance(60_000);
    expect(await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove)).toContain("promotion_expired");
    expect(h.promotions.runtime().deps.promotions.forDigest(digest, "prod")[0]?.state).toBe("expired");
    expect(h.deployer.calls).toHaveLength(0);
  });

  it("refuses requests inside a freeze with its end; an approver overrides with a reason, loudly", async () => {
    h = await startPromotionHarness({
      prodExtra: `freeze:\n  - {from: ${day(-1)}, to: ${day(1)}, reason: Holiday freeze}\n`,
    });
    const digest = await h.readyArtifact(1);
    const refused = await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    expect(refused).toContain("freeze_active");
    expect(refused).toContain(`${day(2)}T00:00:00.000Z`);
    expect(refused).toContain("(Holiday freeze)");
    expect(await h.promote(USERS.requester, `svc-1@${digest} to prod because urgent`)).toContain(
      "Only an approver may override",
    );
    const override = await h.promote(USERS.alice, `svc-1@${digest} to prod because payment outage INC-7`);
    expect(override).toContain("FREEZE OVERRIDDEN");
    expect(override.match(/payment outage INC-7/g)).toHaveLength(1);
    expect(await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove)).toContain("(1/2)");
    expect(await h.click(USERS.erin, digest, ACTION_IDS.promotionApprove)).toContain("(2/2)");
    await h.until(() => h.deployer.acted.size === 1);
    expect(ledger(h).find((e) => e.action === "freeze.override")).toMatchObject({
      actor: "U0ALICE",
      data: { reason: "payment outage INC-7" },
    });
    await h.until(() => h.card(digest)?.text.includes("FREEZE OVERRIDDEN") ?? false);
    // Who overrode is a mention, not escaped text; the typed reason is shown as written.
    expect(h.card(digest)!.text).toContain("FREEZE OVERRIDDEN by <@U0ALICE>: payment outage INC-7");
    // The promotion line gives the reason once, as the override's, not also as the request's.
    expect(h.card(digest)!.text).not.toContain("because payment outage INC-7");
    // Approved and handed off under the override, the card still says so rather than "Blocked".
    const repo = h.promotions.runtime().deps.promotions;
    await h.until(() => repo.forDigest(digest, "prod")[0]?.state === "deploying");
    await h.until(() => h.card(digest)?.text.includes("Freeze overridden by") ?? false);
    const card = h.card(digest)!.text;
    expect(card).not.toContain("Blocked");
    expect(card).not.toContain("Frozen until");
  });

  it("refuses an approval once a freeze has begun since the request", async () => {
    const start = new Date(Date.now() + HOUR);
    const end = new Date(Date.now() + 3 * HOUR);
    h = await startPromotionHarness({
      prodExtra: `freeze:\n  - {weekly: "${weekly(start)} - ${weekly(end)}"}\n`,
    });
    const digest = await h.readyArtifact(1);
    expect(await h.promote(USERS.requester, `svc-1@${digest} to prod`)).toContain("Promotion requested");
    h.clock.advance(90 * MINUTE);
    const reply = await h.click(USERS.alice, digest, ACTION_IDS.promotionApprove);
    expect(reply).toContain("contract_not_satisfied");
    expect(reply).toContain("Frozen until");
  });

  it("refuses approvals and requests while locked; a lock with a duration expires", async () => {
    h = await startPromotionHarness();
    const digest = await h.readyArtifact(1);
    await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    expect(await h.promote(USERS.alice, "lock prod for 30m db migration")).toContain("locked");
    const clicked = await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove);
    expect(clicked).toContain("contract_not_satisfied");
    expect(clicked).toContain("db migration");
    const locked = await h.promote(USERS.requester, `svc-1@${digest} to prod`);
    expect(locked).toContain("environment_locked");
    // The end in prod's own time zone (as the card shows it), with the instant.
    expect(locked).toMatch(/until \w{3} \d{2}:\d{2} UTC \(\d{4}-\d{2}-\d{2}T[\d:.]+Z\): db migration/);
    h.clock.advance(31 * MINUTE);
    // The request from before the lock is still open: asking again points to it, and it can be approved now.
    expect(await h.promote(USERS.requester, `svc-1@${digest} to prod`)).toContain("promotion_already_open");
    expect(await h.click(USERS.bob, digest, ACTION_IDS.promotionApprove)).toContain("(1/2)");
    expect(await h.promote(USERS.alice, "lock all stop the line")).toContain("All environments locked");
    expect(await h.promote(USERS.requester, `svc-1@${digest} to prod`)).toContain("The line is stopped");
    const { sweepExpired } = await import("../../src/flows/expire-promotions.js");
    expect(sweepExpired(h.promotions.runtime().deps).locks).toBe(1);
    expect(ledger(h).map((e) => e.action)).toContain("lock.expired");
    // prod has no lock of its own left, but the line is stopped: the reply says what still holds it.
    expect(await h.promote(USERS.alice, "unlock prod")).toContain("the whole line is stopped");
  });

  it("one rejection ends the request; a newer request of the same artifact supersedes; old requests expire", async () => {
    h = await startPromotionHarness();
    const one = await h.readyArtifact(1);
    const two = await h.readyArtifact(2, "svc-1");
    await h.promote(USERS.requester, `svc-1@${one} to prod`);
    expect(await h.click(USERS.alice, one, ACTION_IDS.promotionApprove)).toContain("(1/2)");
    expect(await h.click(USERS.bob, one, ACTION_IDS.promotionReject)).toContain("Rejected by <@W0ENTBOB>");
    expect(await h.click(USERS.erin, one, ACTION_IDS.promotionApprove).catch(() => "no button")).toMatch(
      /promotion_not_open|no button/,
    );
    await h.promote(USERS.requester, `svc-1@${one} to prod`);
    await h.promote(USERS.requester, `svc-1@${two} to prod`);
    const repo = h.promotions.runtime().deps.promotions;
    expect(repo.forDigest(one, "prod").map((p) => p.state)).toEqual(["superseded", "rejected"]);
    h.clock.advance(8 * HOUR + 1);
    expect(await h.click(USERS.alice, two, ACTION_IDS.promotionApprove)).toContain("promotion_expired");
    expect(repo.forDigest(two, "prod")[0]?.state).toBe("expired");
    const history = await h.promote(USERS.requester, "history svc-1 in prod");
    expect(history).toContain("*superseded*");
    expect(history).toContain("*rejected*");
    expect(ledger(h).map((e) => e.action)).toEqual(
      expect.arrayContaining([
        "promotion.requested",
        "approval.granted",
        "approval.rejected",
        "promotion.rejected",
        "promotion.superseded",
        "promotion.expired",
      ]),
    );
  });
});
