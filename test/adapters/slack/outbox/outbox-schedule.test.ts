/**
 * The outbox worker's timer: a row that falls due while a tick is running (after the tick looked
 * for due rows) still gets sent, without any other traffic to wake the worker.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../../src/adapters/log.js";
import { createOutboxWorker } from "../../../../src/adapters/slack/outbox/outbox-worker.js";
import { createSlackStore } from "../../../../src/adapters/slack/outbox/slack-store.js";
import { createTestDb, type TestDb } from "../../../helpers/test-db.js";
import { recordingClient } from "./recording-client.js";

describe("outbox scheduling", () => {
  let t: TestDb | undefined;
  afterEach(() => t?.cleanup());

  it("sends a row that came due between the tick's query and its timer", async () => {
    t = createTestDb();
    const store = createSlackStore(t.db);
    const { client, calls } = recordingClient();
    const start = Date.now();
    // The message is due 1 ms after the tick's own clock reading; by the time the tick decides
    // on a timer, 2 ms have passed. (A slow machine widens this window; here it is forced.)
    store.enqueueMessage({ channel: "C0STAGING", text: "hello" }, start + 1);
    let readings = 0;
    const now = () => (readings++ === 0 ? start : Date.now() + 2);
    const worker = createOutboxWorker({
      store,
      client,
      logger: createLogger({ level: "silent", secrets: [] }),
      now,
    });
    worker.start();
    const deadline = Date.now() + 2_000;
    while (calls.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.stop();
    expect(calls.map((c) => c.args.text)).toEqual(["hello"]);
  });
});
