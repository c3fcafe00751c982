/**
 * A card whose post reached Slack just before the process died (its ts never stored) is found by
 * its message metadata at the next start and kept, not posted a second time — through the real
 * WebClient against the Slack emulator, with a real SQLite database.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../../src/adapters/log.js";
import {
  createOutboxWorker,
  type OutboxClient,
} from "../../../../src/adapters/slack/outbox/outbox-worker.js";
import { createSlackStore } from "../../../../src/adapters/slack/outbox/slack-store.js";
import { outboxClientOf } from "../../../../src/adapters/slack/slack-module.js";
import { type SlackEmulator, startSlackEmulator, webClientFor } from "../../../helpers/slack.js";
import { createTestDb, type TestDb } from "../../../helpers/test-db.js";
import { waitFor } from "../../../helpers/wait-for.js";

const logger = createLogger({ level: "silent", secrets: [] });
const DIGEST = `sha256:${"ab".repeat(32)}`;

function render(text: string) {
  return {
    digest: DIGEST,
    environment: "prod",
    channel: "C0PROD",
    hash: text,
    message: { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] },
  };
}

describe("cards posted just before a crash", () => {
  let t: TestDb;
  let emulator: SlackEmulator;
  let slack: OutboxClient;
  beforeEach(async () => {
    t = createTestDb();
    emulator = await startSlackEmulator({ channels: [{ id: "C0PROD", name: "prod" }] });
    slack = outboxClientOf(webClientFor(emulator));
  });
  afterEach(async () => {
    await emulator.close();
    t.cleanup();
  });

  const cardMessages = () => emulator.messages("C0PROD").filter((m) => m.metadata !== undefined);

  it("are found in the channel's history at the next start and kept, not posted again", async () => {
    // The first process: Slack accepts the post, then the process dies before storing the ts.
    const dying: OutboxClient = {
      ...slack,
      chat: {
        ...slack.chat,
        postMessage: async (args) => {
          await slack.chat.postMessage(args);
          return new Promise(() => undefined);
        },
      },
    };
    const first = createSlackStore(t.db);
    const crashed = createOutboxWorker({ store: first, client: dying, logger });
    crashed.start();
    await first.write(() => first.enqueueRender(render("v1"), Date.now()));
    crashed.kick();
    await waitFor(() => cardMessages().length === 1);
    void crashed.stop();
    // A change arrived meanwhile (or the restart's reconcile re-rendered it): the row now says v2.
    await first.write(() => first.enqueueRender(render("v2"), Date.now()));

    const restarted = createSlackStore(t.db);
    const worker = createOutboxWorker({ store: restarted, client: slack, logger });
    worker.start();
    await waitFor(() => restarted.pendingCount() === 0);
    await worker.stop();

    expect(cardMessages()).toHaveLength(1);
    const [card] = cardMessages();
    expect(card?.metadata).toEqual({
      event_type: "tollgate_card",
      event_payload: { card: `${DIGEST}|prod` },
    });
    expect(card?.text).toBe("v2");
    expect(restarted.getCard(DIGEST, "prod")?.ts).toBe(card?.ts);
    // One post in all; the queued renders reached the kept message as updates.
    expect(emulator.callsTo("chat.postMessage")).toHaveLength(1);
    expect(emulator.callsTo("chat.update").length).toBeGreaterThan(0);
  });

  /** A start-up with one card's post queued by an earlier process: runs the outbox until it is sent. */
  async function startWithQueuedPost(): Promise<void> {
    const store = createSlackStore(t.db);
    await store.write(() => store.enqueueRender(render("v1"), Date.now()));
    const worker = createOutboxWorker({ store, client: slack, logger });
    worker.start();
    await waitFor(() => store.pendingCount() === 0);
    await worker.stop();
  }

  it("posts a queued card that never reached Slack, once", async () => {
    await startWithQueuedPost();
    expect(emulator.callsTo("conversations.history")).toHaveLength(1);
    expect(cardMessages().map((m) => m.text)).toEqual(["v1"]);
  });

  it("still posts when Slack will not show the history (no history scope)", async () => {
    emulator.fail("conversations.history", "missing_scope");
    await startWithQueuedPost();
    expect(cardMessages().map((m) => m.text)).toEqual(["v1"]);
  });

  it("asks Slack nothing at start when every card's post is confirmed", async () => {
    const store = createSlackStore(t.db);
    const worker = createOutboxWorker({ store, client: slack, logger });
    worker.start();
    await store.write(() => store.enqueueRender(render("v1"), Date.now()));
    worker.kick();
    await waitFor(() => store.pendingCount() === 0);
    await worker.stop();
    const again = createOutboxWorker({ store, client: slack, logger });
    again.start();
    await again.stop();
    expect(emulator.callsTo("conversations.history")).toHaveLength(0);
  });
});
