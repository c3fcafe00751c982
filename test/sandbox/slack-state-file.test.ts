/**
 * The sandbox's saved Slack channels (src/sandbox/slack-state-file.ts) with the real emulator and
 * the real Web API client: saved shortly after a change and at stop, restored into a new emulator
 * with threads and ts order intact, and refused whole (with a warning) when the file is damaged.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/adapters/log.js";
import { createSlackStateSaver, loadSlackState } from "../../src/sandbox/slack-state-file.js";
import { type SlackEmulator, startSlackEmulator, webClientFor } from "../helpers/slack.js";

const CHANNEL = { id: "C0DEPLOYS1", name: "deploys" };
const USER = { id: "U0ALICE001", name: "alice" };

let dir: string;
let file: string;
let emulators: SlackEmulator[];
let logs: Record<string, unknown>[];

const logger = () =>
  createLogger({
    level: "info",
    secrets: [],
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n")) if (line) logs.push(JSON.parse(line));
        done();
      },
    }),
  });

async function emulator(): Promise<SlackEmulator> {
  const started = await startSlackEmulator({ channels: [CHANNEL], users: [USER] });
  emulators.push(started);
  return started;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tollgate-slack-state-"));
  file = join(dir, "sandbox-slack.json");
  emulators = [];
  logs = [];
});

afterEach(async () => {
  for (const e of emulators) await e.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the sandbox's saved Slack channels", () => {
  it("are saved soon after a change and at stop, and restored with threads and ts order", async () => {
    const before = await emulator();
    const saver = createSlackStateSaver(file, before, { logger: logger(), delayMs: 20 });
    saver.start();
    const client = webClientFor(before);
    const card = await client.chat.postMessage({ channel: CHANNEL.id, text: "card", blocks: [] });
    await client.chat.postMessage({ channel: CHANNEL.id, text: "requested", thread_ts: card.ts as string });
    await client.chat.postEphemeral({ channel: CHANNEL.id, user: USER.id, text: "only you" });
    // Saved without a stop: what a kill a little later would leave.
    const deadline = Date.now() + 5000;
    while (!(existsSync(file) && readFileSync(file, "utf8").includes("only you"))) {
      if (Date.now() > deadline) throw new Error("not saved after the change");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await client.chat.update({ channel: CHANNEL.id, ts: card.ts as string, text: "card v2" });
    await saver.stop();

    const after = await emulator();
    expect(loadSlackState(file, after, { logger: logger(), previousRun: true })).toBe("restored");
    expect(after.messages(CHANNEL.id)).toEqual(before.messages(CHANNEL.id));
    expect(after.messages(CHANNEL.id).map((m) => m.text)).toEqual(["card v2"]);
    expect(after.thread(CHANNEL.id, card.ts as string).map((m) => m.text)).toEqual(["card v2", "requested"]);
    expect(after.ephemerals({ userId: USER.id }).map((e) => e.text)).toEqual(["only you"]);
    const next = await webClientFor(after).chat.postMessage({ channel: CHANNEL.id, text: "later" });
    const edited = after.message(CHANNEL.id, card.ts as string)?.edited?.ts as string;
    expect(Number(next.ts)).toBeGreaterThan(Number(edited));
  });

  it.each([
    ["not JSON", '{"version":1,'],
    ["another version", '{"version":2,"messages":[],"ephemerals":[]}'],
    [
      "a message without a ts",
      '{"version":1,"ephemerals":[],"messages":[{"type":"message","channel":"C1"}]}',
    ],
    ["a list, not an object", "[]"],
  ])("start empty, with a warning, from a file holding %s (kept aside)", async (_what, content) => {
    writeFileSync(file, content);
    const after = await emulator();
    expect(loadSlackState(file, after, { logger: logger(), previousRun: true })).toBe("unreadable");
    expect(after.messages(CHANNEL.id)).toEqual([]);
    expect(logs).toEqual([
      expect.objectContaining({
        level: "warn",
        file,
        keptAs: `${file}.unreadable`,
        reason: expect.any(String),
      }),
    ]);
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(`${file}.unreadable`, "utf8")).toBe(content);
  });

  it("warn about a missing file only when the data folder ran a sandbox before", async () => {
    expect(loadSlackState(file, await emulator(), { logger: logger(), previousRun: false })).toBe("missing");
    expect(logs).toEqual([]);
    expect(loadSlackState(file, await emulator(), { logger: logger(), previousRun: true })).toBe("missing");
    expect(logs).toEqual([expect.objectContaining({ level: "warn", file })]);
  });
});
