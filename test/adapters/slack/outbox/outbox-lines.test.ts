/**
 * Which outbox row goes next. A card has two lines — its message (post, updates) and its thread
 * (replies) — so a queued reply never holds up the card people are looking at, while a reply still
 * never overtakes the post it needs. Updates of posted cards take free slots first. Only a new
 * card's post waits for its row to be synced; a reply does not (nothing would send it again).
 */
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../../src/adapters/log.js";
import {
  createOutboxWorker,
  type OutboxClient,
  type OutboxWorker,
} from "../../../../src/adapters/slack/outbox/outbox-worker.js";
import { createSlackStore, type SlackStore } from "../../../../src/adapters/slack/outbox/slack-store.js";
import { createSlackWriter } from "../../../../src/adapters/slack/outbox/slack-writer.js";
import { createTestDb, type TestDb } from "../../../helpers/test-db.js";
import { waitFor } from "../../../helpers/wait-for.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const logger = createLogger({ level: "silent", secrets: [] });

interface HeldCall {
  method: "chat.postMessage" | "chat.update";
  args: Record<string, unknown>;
  release(): void;
}

/** A Slack whose answers the test releases one by one, so it can see what is in flight. */
function heldSlack() {
  const calls: HeldCall[] = [];
  let nextTs = 1;
  const hold = (method: HeldCall["method"], args: Record<string, unknown>) =>
    new Promise<void>((resolve) => calls.push({ method, args, release: resolve }));
  const client: OutboxClient = {
    chat: {
      postMessage: async (args) => {
        await hold("chat.postMessage", args);
        return { ts: `1700000000.00000${nextTs++}`, channel: String(args.channel) };
      },
      update: async (args) => {
        await hold("chat.update", args);
        return {};
      },
    },
    // No earlier process left unconfirmed posts in these tests' Slack.
    conversations: { history: async () => ({ messages: [] }) },
  };
  const texts = () => calls.map((c) => `${c.args.thread_ts ? "reply" : c.method}:${String(c.args.text)}`);
  return { client, calls, texts };
}

function render(digest: string, text: string) {
  return { digest, environment: "prod", channel: "C0PROD", hash: text, message: { text, blocks: [] } };
}

/** A card already in Slack: posted, its ts stored, nothing pending. */
async function postedCard(
  store: SlackStore,
  worker: OutboxWorker,
  slack: ReturnType<typeof heldSlack>,
  digest: string,
) {
  await store.write(() => store.enqueueRender(render(digest, `${digest} v1`), Date.now()));
  worker.kick();
  await waitFor(() => slack.calls.some((c) => c.args.text === `${digest} v1`));
  slack.calls.find((c) => c.args.text === `${digest} v1`)?.release();
  await waitFor(() => store.getCard(digest, "prod")?.ts !== undefined && store.pendingCount() === 0);
}

describe("outbox lines and slots", () => {
  let t: TestDb | undefined;
  afterEach(() => {
    t?.cleanup();
    t = undefined;
  });

  it("sends a card's update while its earlier thread reply is still waiting for Slack", async () => {
    t = createTestDb();
    const store = createSlackStore(t.db);
    const slack = heldSlack();
    const worker = createOutboxWorker({ store, client: slack.client, logger });
    worker.start();
    await postedCard(store, worker, slack, "sha256:a");

    await store.write(() =>
      store.enqueueThreadReply({ digest: "sha256:a", environment: "prod", text: "approved 1/2" }, Date.now()),
    );
    worker.kick();
    await waitFor(() => slack.texts().includes("reply:approved 1/2"));
    await store.write(() => store.enqueueRender(render("sha256:a", "sha256:a v2"), Date.now()));
    worker.kick();
    // The reply is still held by Slack; the card's own line is free.
    await waitFor(() => slack.texts().includes("chat.update:sha256:a v2"));
    for (const call of slack.calls) call.release();
    await waitFor(() => store.pendingCount() === 0);
    await worker.stop();
  });

  it("keeps a reply behind the post queued before it, and threads it under the posted ts", async () => {
    t = createTestDb();
    const store = createSlackStore(t.db);
    const slack = heldSlack();
    const worker = createOutboxWorker({ store, client: slack.client, logger });
    worker.start();
    await store.write(() => {
      store.enqueueRender(render("sha256:b", "new card"), Date.now());
      store.enqueueThreadReply({ digest: "sha256:b", environment: "prod", text: "requested" }, Date.now());
    });
    worker.kick();
    await waitFor(() => slack.calls.length === 1);
    await sleep(50);
    expect(slack.texts()).toEqual(["chat.postMessage:new card"]);
    slack.calls[0]?.release();
    await waitFor(() => slack.calls.length === 2);
    const ts = store.getCard("sha256:b", "prod")?.ts;
    expect(slack.calls[1]?.args).toMatchObject({ thread_ts: ts, text: "requested" });
    slack.calls[1]?.release();
    await waitFor(() => store.pendingCount() === 0);
    await worker.stop();
  });

  it("gives free slots to card updates before messages that were due earlier", async () => {
    t = createTestDb();
    const store = createSlackStore(t.db);
    const slack = heldSlack();
    const worker = createOutboxWorker({ store, client: slack.client, logger, concurrency: 2 });
    worker.start();
    await postedCard(store, worker, slack, "sha256:c");
    await postedCard(store, worker, slack, "sha256:d");
    await worker.stop();

    const earlier = Date.now() - 1000;
    await store.write(() => {
      for (const n of [1, 2, 3]) store.enqueueMessage({ channel: "C0PROD", text: `digest ${n}` }, earlier);
      store.enqueueRender(render("sha256:c", "sha256:c v2"), Date.now());
      store.enqueueRender(render("sha256:d", "sha256:d v2"), Date.now());
    });
    const before = slack.calls.length;
    worker.start();
    await waitFor(() => slack.calls.length === before + 2);
    await sleep(30);
    expect(slack.texts().slice(before)).toEqual(["chat.update:sha256:c v2", "chat.update:sha256:d v2"]);
    // The messages follow as slots free up.
    for (const call of slack.calls) call.release();
    await waitFor(() => slack.calls.length === before + 4);
    for (const call of slack.calls) call.release();
    await waitFor(() => slack.calls.length === before + 5);
    for (const call of slack.calls) call.release();
    await waitFor(() => store.pendingCount() === 0);
    expect(slack.texts().slice(before + 2)).toEqual([
      "chat.postMessage:digest 1",
      "chat.postMessage:digest 2",
      "chat.postMessage:digest 3",
    ]);
    await worker.stop();
  });

  it("sends a reply before its row is synced, but posts a new card only once it is", async () => {
    t = createTestDb();
    let held: (() => void)[] = [];
    let holding = false;
    const barrier = () => (holding ? new Promise<void>((resolve) => held.push(resolve)) : Promise.resolve());
    const store = createSlackStore(t.db, { barrier });
    const slack = heldSlack();
    const worker = createOutboxWorker({ store, client: slack.client, logger });
    worker.start();
    await postedCard(store, worker, slack, "sha256:e");

    holding = true;
    void store.write(() => {
      store.enqueueThreadReply({ digest: "sha256:e", environment: "prod", text: "approved" }, Date.now());
      store.enqueueRender(render("sha256:f", "brand new"), Date.now());
    });
    await sleep(10);
    worker.kick();
    await waitFor(() => slack.texts().includes("reply:approved"));
    await sleep(50);
    expect(slack.texts()).not.toContain("chat.postMessage:brand new");
    expect(held.length).toBeGreaterThan(0);

    holding = false;
    const release = held;
    held = [];
    for (const resolve of release) resolve();
    worker.kick();
    await waitFor(() => slack.texts().includes("chat.postMessage:brand new"));
    for (const call of slack.calls) call.release();
    await waitFor(() => store.pendingCount() === 0 && store.pendingWrites() === 0);
    await worker.stop();
  });
});

describe("the slack writer's durability marks", () => {
  let t: TestDb | undefined;
  afterEach(() => {
    t?.cleanup();
    t = undefined;
  });

  it("answers at once for a commit already synced, and waits only for the barrier covering a newer one", async () => {
    t = createTestDb();
    t.db.exec("CREATE TABLE notes (text TEXT)");
    const pending: (() => void)[] = [];
    const writer = createSlackWriter(t.db, () => new Promise<void>((resolve) => pending.push(resolve)));
    const insert = (text: string) => t?.db.prepare("INSERT INTO notes VALUES (?)").run(text);

    const first = writer.write(() => insert("one"));
    writer.commitNow();
    const afterFirst = writer.commitMark();
    pending.shift()?.();
    await first;
    void writer.write(() => insert("two"));
    writer.commitNow();
    const afterSecond = writer.commitMark();
    expect(afterSecond).toBe(afterFirst + 1);

    let firstDurable = false;
    let secondDurable = false;
    void writer.durableThrough(afterFirst).then(() => {
      firstDurable = true;
    });
    void writer.durableThrough(afterSecond).then(() => {
      secondDurable = true;
    });
    await sleep(10);
    expect(firstDurable).toBe(true);
    expect(secondDurable).toBe(false);
    pending.shift()?.();
    await waitFor(() => secondDurable);
  });

  it("asks for another sync when the one covering a commit failed", async () => {
    t = createTestDb();
    t.db.exec("CREATE TABLE notes (text TEXT)");
    let syncs = 0;
    const writer = createSlackWriter(t.db, async () => {
      syncs++;
      if (syncs === 1) throw new Error("EIO");
    });
    const write = writer.write(() => t?.db.prepare("INSERT INTO notes VALUES ('x')").run());
    writer.commitNow();
    await expect(write).rejects.toThrow("EIO");
    await writer.durableThrough(writer.commitMark());
    expect(syncs).toBe(2);
  });
});
