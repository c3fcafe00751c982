/**
 * Card and outbox writes commit at synchronous=NORMAL and are synced by a barrier off the event
 * loop. The outbox acts on a row only once the barrier covering it has returned: a pending row is
 * on disk before its Slack call, and a posted card's ts is on disk before the card's next update.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../../src/adapters/log.js";
import { createOutboxWorker } from "../../../../src/adapters/slack/outbox/outbox-worker.js";
import { createSlackStore } from "../../../../src/adapters/slack/outbox/slack-store.js";
import { createTestDb, type TestDb } from "../../../helpers/test-db.js";
import { waitFor } from "../../../helpers/wait-for.js";
import { recordingClient } from "./recording-client.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A barrier the test releases by hand: everything committed so far is "synced" on release. */
function heldBarrier() {
  let waiting: (() => void)[] = [];
  return {
    barrier: () => new Promise<void>((resolve) => waiting.push(resolve)),
    held: () => waiting.length,
    release() {
      const all = waiting;
      waiting = [];
      for (const resolve of all) resolve();
    },
  };
}

const render = (hash: string) => ({
  digest: "sha256:abc",
  environment: "staging",
  channel: "C0STAGING",
  hash,
  message: { text: hash, blocks: [] },
});

describe("outbox durability with an asynchronous WAL barrier", () => {
  let t: TestDb | undefined;
  afterEach(() => {
    t?.cleanup();
    t = undefined;
  });

  it("sends a row only after it is durable, and an update only after the post's ts is", async () => {
    t = createTestDb();
    const gate = heldBarrier();
    const store = createSlackStore(t.db, { barrier: gate.barrier });
    const { client, calls } = recordingClient();
    const logger = createLogger({ level: "silent", secrets: [] });
    const worker = createOutboxWorker({ store, client, logger });
    worker.start();

    const queued = store.write(() => store.enqueueRender(render("v1"), Date.now()));
    await sleep(20);
    expect(store.pendingCount()).toBe(1);
    expect(gate.held()).toBe(1);
    worker.kick();
    await sleep(50);
    // Committed and visible, but not yet synced: no Slack call may depend on it.
    expect(calls).toHaveLength(0);

    gate.release();
    expect(await queued).toBe("post");
    worker.kick();
    await waitFor(() => calls.length === 1 && gate.held() === 1);
    expect(calls[0]?.method).toBe("chat.postMessage");
    // The post's ts is committed, its barrier held: a new render queues but must wait.
    expect(store.getCard("sha256:abc", "staging")?.ts).toBe("1700000000.000100");
    const update = store.write(() => store.enqueueRender(render("v2"), Date.now()));
    await sleep(50);
    worker.kick();
    await sleep(50);
    expect(calls).toHaveLength(1);

    gate.release();
    expect(await update).toBe("update");
    await waitFor(() => calls.length === 2 || gate.held() > 0);
    gate.release();
    await waitFor(() => calls.length === 2);
    expect(calls[1]).toMatchObject({ method: "chat.update", args: { ts: "1700000000.000100", text: "v2" } });
    await waitFor(() => {
      gate.release();
      return store.pendingCount() === 0 && store.pendingWrites() === 0;
    });
    await worker.stop();
    await store.settled();
  });

  it("batches the writes of one turn into one transaction and one barrier", async () => {
    t = createTestDb();
    const gate = heldBarrier();
    const store = createSlackStore(t.db, { barrier: gate.barrier });
    const writes = ["a", "b", "c"].map((n) =>
      store.write(() => store.enqueueRender({ ...render(n), digest: `sha256:${n}` }, Date.now())),
    );
    await sleep(20);
    expect(gate.held()).toBe(1);
    expect(store.pendingWrites()).toBe(3);
    // Committed with synchronous relaxed for that transaction only; the connection stays FULL.
    expect(t.db.pragma("synchronous", { simple: true })).toBe(2);
    gate.release();
    expect(await Promise.all(writes)).toEqual(["post", "post", "post"]);
    expect(store.pendingWrites()).toBe(0);
    expect(store.pendingCount()).toBe(3);
  });
});
