/**
 * docs/sandbox.md: "a restart keeps the cards, the history and the secrets". The emulator's
 * channels are saved next to sandbox.json and loaded at start; when they cannot be (a damaged or
 * missing file), the channels start empty with a warning and each card is posted again when it
 * next changes. The real app in sandbox mode, stopped and started again on the same data folder.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SANDBOX_PEOPLE } from "../../src/sandbox/sandbox-people.js";
import { type SandboxApp, startSandboxApp } from "./sandbox-harness.js";

const RILEY = SANDBOX_PEOPLE[0]!.id;
const DEV = "C0TGDEV001";

interface Message {
  ts: string;
  text: string;
  blocks?: unknown[];
  reply_count?: number;
}

let apps: SandboxApp[] = [];

afterEach(async () => {
  for (const app of apps.reverse()) await app.close();
  apps = [];
});

async function start(options: Parameters<typeof startSandboxApp>[0] = {}): Promise<SandboxApp> {
  const app = await startSandboxApp(options);
  apps.push(app);
  return app;
}

async function post(s: SandboxApp, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${s.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** What the page reads: GET /sandbox/api/messages (or /thread) over HTTP. */
async function get<T>(s: SandboxApp, path: string, query: Record<string, string>): Promise<T> {
  const response = await fetch(`${s.baseUrl}/sandbox/api/${path}?${new URLSearchParams(query)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function cardsOf(s: SandboxApp, digest: string): Promise<Message[]> {
  const messages = await get<Message[]>(s, "messages", { channel: DEV });
  return messages.filter((m) => JSON.stringify(m.blocks ?? []).includes(digest));
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A new sample build: its card in #deploys-dev. */
async function built(
  s: SandboxApp,
): Promise<{ digest: string; name: string; version: string; card: Message }> {
  const answer = await post(s, "/sandbox/api/sample", { action: "build" });
  const artifact = answer.artifact as { digest: string; name: string; version: string };
  const [card] = await until(async () => {
    const cards = await cardsOf(s, artifact.digest);
    return cards.length === 1 ? cards : undefined;
  }, "the dev card");
  return { ...artifact, card: card! };
}

function postsTo(s: SandboxApp, channel: string) {
  return s.sandbox.emulator
    .callsTo("chat.postMessage")
    .filter((c) => c.args.channel === channel && c.args.thread_ts === undefined);
}

describe("the sandbox after a restart", () => {
  it("keeps the cards and their threads, and a later change updates the same message", async () => {
    const first = await start();
    const { digest, name, version, card } = await built(first);
    await post(first, "/sandbox/api/act", {
      user: RILEY,
      type: "command",
      channel: DEV,
      text: `${name}@${version} to dev`,
    });
    const replies = await until(async () => {
      const thread = await get<Message[]>(first, "thread", { channel: DEV, ts: card.ts });
      return thread.length > 1 ? thread.slice(1).map((m) => m.text) : undefined;
    }, "the promotion's thread");
    await first.stop();
    expect(existsSync(join(first.dataDir, "sandbox-slack.json"))).toBe(true);

    const second = await start({ dataDir: first.dataDir });
    const [kept] = await cardsOf(second, digest);
    expect(kept?.ts).toBe(card.ts);
    const thread = await get<Message[]>(second, "thread", { channel: DEV, ts: card.ts });
    expect(thread.slice(1).map((m) => m.text)).toEqual(replies);

    await post(second, "/sandbox/api/sample", { action: "deployment", environment: "dev" });
    const deployed = await until(async () => {
      const [now] = await cardsOf(second, digest);
      return JSON.stringify(now?.blocks).includes("deployed") ? now : undefined;
    }, "the dev card deployed");
    expect(deployed.ts).toBe(card.ts);
    expect(await cardsOf(second, digest)).toHaveLength(1);
    expect(postsTo(second, DEV)).toEqual([]);
    // A new build's ts comes after every kept one: the channel stays in order.
    const next = await built(second);
    expect(Number(next.card.ts)).toBeGreaterThan(Number(card.ts));
  }, 30_000);

  it("starts with empty channels and a warning when the saved file is damaged, and posts cards again as they change", async () => {
    const first = await start();
    const { digest, card } = await built(first);
    await first.stop();
    const file = join(first.dataDir, "sandbox-slack.json");
    writeFileSync(file, '{"version":1,"messages":[{"type":"message"');

    const second = await start({ dataDir: first.dataDir, captureLogs: true });
    const warning = second.logs.find((l) => String(l.msg).includes("saved Slack messages could not be read"));
    expect(warning).toMatchObject({ level: "warn", file, keptAs: `${file}.unreadable` });
    expect(readFileSync(`${file}.unreadable`, "utf8")).toContain('"messages"');
    expect(await get<Message[]>(second, "messages", { channel: DEV })).toEqual([]);

    await post(second, "/sandbox/api/sample", { action: "evidence", sample: "unit-fail" });
    const [again] = await until(async () => {
      const cards = await cardsOf(second, digest);
      return cards.length === 1 ? cards : undefined;
    }, "the dev card posted again");
    expect(again!.ts).not.toBe(card.ts);
    expect(JSON.stringify(again!.blocks)).toContain("❌");
    expect(second.logs.filter((l) => String(l.msg).includes("message is gone from Slack"))).toHaveLength(1);
  }, 30_000);

  it("warns that the channels start empty when the last stop was not clean (no saved file)", async () => {
    const first = await start();
    const { digest } = await built(first);
    await first.stop();
    // What a kill before the first save leaves behind.
    rmSync(join(first.dataDir, "sandbox-slack.json"));

    const second = await start({ dataDir: first.dataDir, captureLogs: true });
    expect(second.logs.some((l) => String(l.msg).includes("no saved Slack messages for this sandbox"))).toBe(
      true,
    );
    await post(second, "/sandbox/api/sample", { action: "evidence", sample: "unit-fail" });
    await until(
      async () => ((await cardsOf(second, digest)).length === 1 ? true : undefined),
      "the card again",
    );

    // A first start in a fresh folder has nothing to warn about.
    const fresh = await start({ captureLogs: true });
    expect(fresh.logs.some((l) => String(l.msg).includes("Slack messages"))).toBe(false);
  }, 30_000);
});
