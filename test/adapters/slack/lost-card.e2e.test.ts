/**
 * A card whose message is gone from Slack (deleted in the channel, or a Slack that forgot it) is
 * posted again on its next change instead of going silent for good, and every later call goes to
 * the new message. Real Bolt app over HTTP, real SQLite, the emulator as Slack.
 */
import { afterEach, describe, expect, it } from "vitest";
import { blockText, digestOf, evidenceFor, type Harness, STAGING, startHarness } from "./slack-harness.js";

function cardsFor(h: Harness, name: string) {
  return h.emulator.messages(STAGING.id).filter((m) => blockText(m.blocks).includes(`${name} → staging`));
}

function later(seconds: number) {
  return { observed_at: new Date(Date.now() + seconds * 1000).toISOString() };
}

function deadRows(h: Harness): { kind: string; last_error: string }[] {
  return h.app.context.db.prepare("SELECT kind, last_error FROM slack_outbox WHERE state = 'dead'").all() as {
    kind: string;
    last_error: string;
  }[];
}

/** A card posted and settled; answers its ts. */
async function postedCard(h: Harness, n: number): Promise<string> {
  expect(await h.evidence(evidenceFor(n, "unit", "failed"))).toBe(202);
  await h.until(() => cardsFor(h, `svc-${n}`).length === 1 && h.slack.health().pending === 0);
  return cardsFor(h, `svc-${n}`)[0]!.ts;
}

async function settled(h: Harness): Promise<void> {
  await h.until(() => h.slack.health().pending === 0 && h.slack.cards.dirtyCount() === 0);
}

describe("a card whose Slack message is gone", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("is posted again on its next change, and later updates edit the new message", async () => {
    h = await startHarness({ captureLogs: true });
    const lost = await postedCard(h, 21);
    expect(h.emulator.deleteMessage(STAGING.id, lost)).toBe(true);

    expect(await h.evidence(evidenceFor(21, "unit", "passed", later(1)))).toBe(202);
    await h.until(() => blockText(cardsFor(h!, "svc-21")[0]?.blocks).includes("✅ *unit*"));
    await settled(h);
    const [reposted] = cardsFor(h, "svc-21");
    expect(cardsFor(h, "svc-21")).toHaveLength(1);
    expect(reposted!.ts).not.toBe(lost);
    expect(h.slack.store.getCard(digestOf(21), "staging")?.ts).toBe(reposted!.ts);
    const refused = h.emulator.callsTo("chat.update").filter((c) => c.args.ts === lost);
    expect(refused.map((c) => (c.response as { error?: string }).error)).toEqual(["message_not_found"]);
    expect(deadRows(h)).toEqual([]);
    expect(h.slack.health().problems).toEqual([]);
    const warnings = h.logs.filter((l) => String(l.msg).includes("message is gone from Slack"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: "warn", ts: lost, error: "message_not_found" });

    expect(await h.evidence(evidenceFor(21, "e2e", "passed", later(2)))).toBe(202);
    await h.until(() => blockText(cardsFor(h!, "svc-21")[0]?.blocks).includes("✅ *e2e*"));
    await settled(h);
    expect(cardsFor(h, "svc-21").map((m) => m.ts)).toEqual([reposted!.ts]);
    expect(cardsFor(h, "svc-21")[0]?.edited).toBeDefined();
    const updates = h.emulator.callsTo("chat.update").filter((c) => c.args.ts === reposted!.ts);
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((c) => (c.response as { ok?: boolean }).ok)).toBe(true);
    const posts = h.emulator
      .callsTo("chat.postMessage")
      .filter((c) => blockText(c.args.blocks).includes("svc-21 → staging"));
    expect(posts).toHaveLength(2);
    expect(deadRows(h)).toEqual([]);
  }, 20_000);

  it("takes the replies queued behind its update into the new message's thread", async () => {
    h = await startHarness();
    const lost = await postedCard(h, 22);
    h.emulator.deleteMessage(STAGING.id, lost);

    // As a promotion does: the card is rendered, then the event is queued for its thread.
    expect(await h.evidence(evidenceFor(22, "unit", "passed", later(1)))).toBe(202);
    h.slack.cards.flush(digestOf(22), "staging");
    h.slack.threadPoster.postEvent({
      digest: digestOf(22),
      environment: "staging",
      text: "approved by alice",
    });
    await h.until(() => cardsFor(h!, "svc-22").length === 1);
    await settled(h);

    const [reposted] = cardsFor(h, "svc-22");
    expect(reposted!.ts).not.toBe(lost);
    expect(h.emulator.thread(STAGING.id, reposted!.ts).map((m) => m.text)).toContain("approved by alice");
    expect(h.emulator.callsTo("chat.postMessage").filter((c) => c.args.thread_ts === lost)).toEqual([]);
    expect(deadRows(h)).toEqual([]);
  }, 20_000);

  it("is posted again when a reply finds its thread gone, and the reply follows it", async () => {
    h = await startHarness({ captureLogs: true });
    const lost = await postedCard(h, 23);
    h.emulator.deleteMessage(STAGING.id, lost);
    // What Slack answers a reply to a deleted message (the emulator keeps such a reply, unthreaded).
    h.emulator.fail("chat.postMessage", "thread_not_found");

    h.slack.threadPoster.postEvent({
      digest: digestOf(23),
      environment: "staging",
      text: "deploy handed off",
    });
    await h.until(() => cardsFor(h!, "svc-23").length === 1);
    await settled(h);

    const [reposted] = cardsFor(h, "svc-23");
    expect(reposted!.ts).not.toBe(lost);
    expect(blockText(reposted!.blocks)).toContain("❌ *unit*");
    expect(h.emulator.thread(STAGING.id, reposted!.ts).map((m) => m.text)).toEqual([
      reposted!.text,
      "deploy handed off",
    ]);
    expect(deadRows(h)).toEqual([]);
    expect(h.slack.health().problems).toEqual([]);
    expect(h.logs.filter((l) => String(l.msg).includes("thread is gone from Slack"))).toHaveLength(1);
  }, 20_000);

  it("is not posted twice when Slack only refuses the edit, and /readyz keeps saying so", async () => {
    h = await startHarness();
    await postedCard(h, 24);
    await postedCard(h, 25);
    h.emulator.fail("chat.update", "cant_update_message");

    expect(await h.evidence(evidenceFor(24, "unit", "passed", later(1)))).toBe(202);
    await h.until(() => deadRows(h!).length === 1);
    // Another card of the same channel updating fine does not hide the stuck one.
    expect(await h.evidence(evidenceFor(25, "unit", "passed", later(1)))).toBe(202);
    await h.until(() => blockText(cardsFor(h!, "svc-25")[0]?.blocks).includes("✅ *unit*"));
    await settled(h);

    expect(cardsFor(h, "svc-24")).toHaveLength(1);
    expect(deadRows(h)).toEqual([{ kind: "update_card", last_error: "cant_update_message" }]);
    const [problem] = h.slack.health().problems;
    expect(problem).toMatchObject({
      error: "cant_update_message",
      scope: "message",
      channel: STAGING.id,
      cards: 1,
    });
    expect(problem?.hint).toContain(`staging card of ${digestOf(24)}`);
    expect(await (await fetch(`${h.baseUrl}/readyz`)).text()).toContain("cant_update_message");

    // The next change of that card goes through: the problem is over.
    expect(await h.evidence(evidenceFor(24, "e2e", "passed", later(2)))).toBe(202);
    await h.until(() => blockText(cardsFor(h!, "svc-24")[0]?.blocks).includes("✅ *e2e*"));
    await settled(h);
    expect(h.slack.health().problems).toEqual([]);
  }, 20_000);
});
