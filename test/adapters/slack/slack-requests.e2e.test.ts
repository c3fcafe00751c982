import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../../src/adapters/slack/ids.js";
import { DEFAULT_BOT_TOKEN } from "../../../src/sandbox/slack-emulator/index.js";
import { validateView } from "../../helpers/slack.js";
import {
  ALICE,
  blockText,
  digestOf,
  evidenceFor,
  type Harness,
  STAGING,
  startHarness,
} from "./slack-harness.js";

describe("Slack requests to /slack/events", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.evidence(evidenceFor(11, "unit"));
    await h.until(() => h.emulator.messages(STAGING.id).length === 1 && h.slack.health().pending === 0);
  });
  afterAll(async () => {
    await h.close();
  });

  const promote = (text: string, send = {}) =>
    h.signer.slashCommand({ user: ALICE, channel: STAGING, command: "/promote", text }, send);

  const reply = async (responseUrl: string | undefined) => {
    await h.until(() => h.emulator.responseUrlPosts.some((p) => responseUrl?.endsWith(p.url)));
    return JSON.stringify(h.emulator.responseUrlPosts.find((p) => responseUrl?.endsWith(p.url))?.body);
  };

  it("answers 401 to a forged signature and to a stale timestamp, and runs nothing", async () => {
    const before = h.emulator.responseUrlPosts.length;
    expect((await promote("help", { signingSecret: "not-the-secret" })).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await promote("help", { timestamp: sixMinutesAgo })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.emulator.responseUrlPosts.length).toBe(before);
  });

  it("acks /promote status within 3 s while every Slack call takes 5 s, then replies", async () => {
    h.emulator.delay(5000);
    try {
      const started = Date.now();
      const delivery = await promote("status svc-11");
      expect(delivery.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3000);
      const body = await reply(delivery.responseUrl);
      expect(body).toContain("ephemeral");
      expect(body).toContain("svc-11");
      expect(body).toContain("staging");
    } finally {
      h.emulator.delay(0);
    }
  }, 20_000);

  it("answers help with usage and a typo with the closest command", async () => {
    const help = await promote("help");
    expect(await reply(help.responseUrl)).toContain("/promote status <artifact>");
    const typo = await promote("stauts svc-11");
    expect(await reply(typo.responseUrl)).toContain("Did you mean `/promote status svc-11`");
    const missing = await promote("status no-such-thing");
    expect(await reply(missing.responseUrl)).toContain("artifact_not_found");
  });

  it("lists the candidates when a status reference matches several artifacts", async () => {
    // Two builds of svc-amb labelled with the same version.
    for (const n of [21, 22]) {
      const same = evidenceFor(n, "unit");
      expect(
        await h.evidence({ ...same, artifact: { ...same.artifact, name: "svc-amb", version: "2.0.0" } }),
      ).toBe(202);
    }
    const ambiguous = await promote("status svc-amb@2.0.0");
    const text = await reply(ambiguous.responseUrl);
    expect(text).toContain("artifact_ambiguous");
    expect(text).toContain("name one by digest");
    expect(text).toContain(`svc-amb@${digestOf(21)} (v2.0.0)`);
    expect(text).toContain(`svc-amb@${digestOf(22)} (v2.0.0)`);
  });

  it("hands the other command types to their handlers", async () => {
    const lock = await promote("lock staging for 1h db migration");
    expect(await reply(lock.responseUrl)).toContain("lock handled elsewhere");
  });

  it("opens the Details modal right after the click", async () => {
    const card = h.emulator.messages(STAGING.id)[0]!;
    const click = await h.signer.clickInMessage({
      user: ALICE,
      channel: STAGING,
      messageTs: card.ts,
      actionId: ACTION_IDS.readinessDetails,
    });
    expect(click.status).toBe(200);
    await h.until(() => h.emulator.openModals(ALICE.id).length === 1);
    const modal = h.emulator.openModals(ALICE.id)[0]!;
    expect(validateView(modal)).toEqual([]);
    expect(blockText(modal.blocks)).toContain("✅ *unit*");
  });

  it("acks a button it does not handle at once and tells the clicker why nothing happened", async () => {
    // A message from an older card layout, with a button id no listener handles any more.
    const posted = await fetch(`${h.emulator.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${DEFAULT_BOT_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        channel: STAGING.id,
        text: "old card",
        blocks: [
          {
            type: "actions",
            block_id: "old",
            elements: [
              {
                type: "button",
                action_id: "promotion.retired_<b>",
                text: { type: "plain_text", text: "Old" },
                value: "x",
              },
            ],
          },
        ],
      }),
    }).then((r) => r.json() as Promise<{ ok: boolean; ts: string }>);
    expect(posted.ok).toBe(true);
    const started = Date.now();
    const click = await h.signer.clickInMessage({
      user: ALICE,
      channel: STAGING,
      messageTs: posted.ts,
      actionId: "promotion.retired_<b>",
    });
    expect(click.status).toBe(200);
    // Bolt's own answer to an unhandled action is a 404 after its 3-second timeout.
    expect(Date.now() - started).toBeLessThan(2000);
    const text = await reply(click.responseUrl);
    expect(text).toContain("ephemeral");
    expect(text).toContain("does not handle this button");
    expect(text).toContain("promotion.retired_&lt;b&gt;");
  });

  it("still runs the real listener, once, for a handled button", async () => {
    const card = h.emulator.messages(STAGING.id)[0]!;
    const before = h.emulator.responseUrlPosts.length;
    const click = await h.signer.clickInMessage({
      user: ALICE,
      channel: STAGING,
      messageTs: card.ts,
      actionId: ACTION_IDS.readinessDetails,
    });
    expect(click.status).toBe(200);
    await h.until(() => h.emulator.openModals(ALICE.id).length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The fallback did not also answer: no "does not handle" reply for a known id.
    expect(h.emulator.responseUrlPosts.slice(before).map((p) => JSON.stringify(p.body))).toEqual([]);
  });

  it("publishes App Home with the artifacts' verdicts", async () => {
    const opened = await h.signer.appHomeOpened({ user: ALICE });
    expect(opened.status).toBe(200);
    await h.until(() => h.emulator.homeView(ALICE.id) !== undefined);
    const home = h.emulator.homeView(ALICE.id)!;
    expect(validateView(home)).toEqual([]);
    expect(blockText(home.blocks)).toContain("svc-11");
    expect(blockText(home.blocks)).toContain("staging");
  });
});
