/**
 * What a card says about where its digest runs, end to end through the emulator: "what runs
 * there now" is per artifact name (an environment runs many services), a deployed digest says so
 * and stops offering "Request promotion", a replaced one says by what, and cards move with time
 * (soak, max_age) without any new traffic.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../../src/adapters/slack/ids.js";
import { shortDigest } from "../../../src/domain/artifact.js";
import { validateMessageBlocks } from "../../helpers/slack.js";
import {
  ALICE,
  blockText,
  digestOf,
  evidenceFor,
  type Harness,
  type HarnessOptions,
  PROD,
  STAGING,
  startHarness,
} from "./slack-harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

function cardOf(channel: string, digest: string) {
  return h!.emulator.messages(channel).find((m) => blockText(m.blocks).includes(digest));
}

function cardText(channel: string, digest: string): string {
  return blockText(cardOf(channel, digest)?.blocks);
}

async function deploy(n: number, environment: string, name = `svc-${n}`): Promise<void> {
  const status = await h!.deployment({
    environment,
    artifact: { name, digest: digestOf(n) },
    status: "succeeded",
  });
  expect(status).toBe(202);
}

async function passAll(n: number, name = `svc-${n}`): Promise<void> {
  for (const check of ["unit", "e2e"]) {
    const body = { ...evidenceFor(n, check), artifact: { ...evidenceFor(n, check).artifact, name } };
    expect(await h!.evidence(body)).toBe(202);
  }
}

describe("what runs there now is per artifact name", () => {
  it("a card, /promote status and App Home ignore other services deployed to the same environment", async () => {
    await start();
    await passAll(40);
    await h!.until(() => cardText(STAGING.id, digestOf(40)).includes("✅ *e2e*"));
    await deploy(40, "staging");
    await h!.until(() => cardOf(PROD.id, digestOf(40)) !== undefined);
    // Another service lands in staging (and prod) after svc-40.
    await deploy(41, "staging");
    await deploy(41, "prod");
    await h!.until(() => cardText(STAGING.id, digestOf(41)).includes("Running in staging: svc-41"));
    await h!.until(() => h!.slack.cards.dirtyCount() === 0 && h!.slack.health().pending === 0);

    const staging = cardText(STAGING.id, digestOf(40));
    expect(staging).toContain(`Running in staging: svc-40 \`${shortDigest(digestOf(40))}\``);
    expect(staging).not.toContain("svc-41");
    const prod = cardText(PROD.id, digestOf(40));
    expect(prod).toContain("Running in prod: nothing reported yet");
    expect(prod).not.toContain(shortDigest(digestOf(41)));

    const status = await h!.signer.slashCommand({
      user: ALICE,
      channel: STAGING,
      command: "/promote",
      text: `status svc-40@${digestOf(40)}`,
    });
    await h!.until(() => h!.emulator.responseUrlPosts.some((p) => status.responseUrl?.endsWith(p.url)));
    const reply = JSON.stringify(
      h!.emulator.responseUrlPosts.find((p) => status.responseUrl?.endsWith(p.url))?.body,
    );
    expect(reply).toMatch(/\*staging\*[^"]*running there/);

    await h!.signer.appHomeOpened({ user: ALICE });
    await h!.until(() => h!.emulator.homeView(ALICE.id) !== undefined);
    const rows = (h!.emulator.homeView(ALICE.id)?.blocks ?? []).map((b) => blockText(b));
    const row = rows.find((r) => r.includes("*svc-40*")) ?? "";
    expect(row).toContain("staging 🚀 Running");
    expect(row).not.toContain("prod 🚀 Running");
  });
});

describe("deployed and replaced cards", () => {
  it("says Deployed once the digest runs there, drops Request promotion, then says what replaced it", async () => {
    await start();
    await passAll(30);
    await h!.until(() => cardText(STAGING.id, digestOf(30)).includes(ACTION_IDS.promotionRequest));

    await deploy(30, "staging");
    await h!.until(() => cardText(STAGING.id, digestOf(30)).includes("🎉 svc-30 → staging · deployed"));
    const deployed = cardOf(STAGING.id, digestOf(30));
    expect(blockText(deployed?.blocks)).toContain("Deployed to staging at <!date^");
    expect(blockText(deployed?.blocks)).not.toContain(ACTION_IDS.promotionRequest);
    expect(deployed?.text).toContain("deployed");
    expect(validateMessageBlocks(deployed?.blocks)).toEqual([]);

    // A newer build of the same service replaces it in staging.
    await passAll(31, "svc-30");
    await deploy(31, "staging", "svc-30");
    const replacedBy = `Replaced by \`${shortDigest(digestOf(31))}\` at <!date^`;
    await h!.until(() => cardText(STAGING.id, digestOf(30)).includes(replacedBy));
    const replaced = cardText(STAGING.id, digestOf(30));
    expect(replaced).not.toContain("🎉");
    expect(replaced).not.toContain(ACTION_IDS.promotionRequest);
    expect(replaced).toContain(`Running in staging: svc-30 \`${shortDigest(digestOf(31))}\``);
    // Card 31 is new: its post waits for its row to be synced, so it may trail card 30's update.
    await h!.until(() => cardText(STAGING.id, digestOf(31)).includes("🎉 svc-30 → staging · deployed"));
    expect(
      h!.emulator.messages(STAGING.id).filter((m) => blockText(m.blocks).includes(digestOf(30))),
    ).toHaveLength(1);
  });
});

describe("cards move with time, without new traffic", () => {
  const SOAK = {
    "staging.yml": "channel: C0STAGING\nevidence:\n  - {kind: test, name: unit}\n",
    "prod.yml": `after: staging
channel: C0PROD
artifact:
  same_as: staging
  soak: 1s
evidence:
  - {kind: test, name: unit}
`,
  };

  it("flips a soaking card to ready when the soak ends", async () => {
    // Default re-evaluation settings: the soak's end is a known boundary, scheduled precisely.
    await start({ contracts: SOAK });
    expect(await h!.evidence(evidenceFor(50, "unit"))).toBe(202);
    await deploy(50, "staging");
    await h!.until(() => cardText(PROD.id, digestOf(50)).includes("⏳ *artifact:soak*"));
    expect(cardText(PROD.id, digestOf(50))).toContain("⏳ Waiting");
    const traffic = h!.emulator.calls.length;
    await h!.until(() => cardText(PROD.id, digestOf(50)).includes("✅ *artifact:soak*"), 5000);
    const card = cardText(PROD.id, digestOf(50));
    expect(card).toContain("✅ Ready");
    expect(card).toContain(ACTION_IDS.promotionRequest);
    // Only the card's own update went out: nothing else happened in between.
    const since = h!.emulator.calls.slice(traffic).map((c) => c.method);
    expect(since.every((m) => m === "chat.update")).toBe(true);
  });

  it("marks evidence stale once it passes max_age, found by the periodic sweep", async () => {
    await start({
      contracts: {
        "staging.yml": "channel: C0STAGING\nevidence:\n  - {kind: test, name: unit, max_age: 1s}\n",
      },
      reevaluate: { intervalMs: 200 },
    });
    expect(await h!.evidence(evidenceFor(60, "unit"))).toBe(202);
    await h!.until(() => cardText(STAGING.id, digestOf(60)).includes("✅ *unit*"));
    await h!.until(() => cardText(STAGING.id, digestOf(60)).includes("⚠️ *unit*"), 5000);
    expect(cardText(STAGING.id, digestOf(60))).toContain("❌ Blocked");
    const updates = h!.emulator.callsTo("chat.update").length;
    // Unchanged state is not re-sent on every sweep, even though reason texts mention ages.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(h!.emulator.callsTo("chat.update").length).toBe(updates);
  });
});
