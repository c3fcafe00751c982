import { afterEach, describe, expect, it } from "vitest";
import { createSlackStore } from "../../../../src/adapters/slack/outbox/slack-store.js";
import { createTestDb, type TestDb } from "../../../helpers/test-db.js";
import { hasFastProperties } from "../../../helpers/v8-shape.js";

describe("outbox rows read back from SQLite", () => {
  let t: TestDb | undefined;
  afterEach(() => {
    t?.cleanup();
    t = undefined;
  });

  it("parse their payload once, on first read, and stay fast-mode objects", async () => {
    t = createTestDb();
    const store = createSlackStore(t.db);
    const message = {
      text: "api 1.4.2 → staging",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "ready" } }],
    };
    const now = Date.now();
    await store.write(() =>
      store.enqueueRender(
        { digest: "sha256:abc", environment: "staging", channel: "C0STAGING", hash: "h1", message },
        now,
      ),
    );
    const [row] = store.dueRows(now, 10);
    if (row === undefined) throw new Error("no due row");
    expect(row).toMatchObject({ kind: "post_card", cardKey: "sha256:abc|staging", rev: 0, attempts: 0 });
    expect(row.payload).toEqual(message);
    expect(row.payload).toBe(row.payload);
    // Workers read dozens of rows per turn while cards render under ingest: an accessor literal
    // would be a dictionary-mode object, which kept what it reached alive through minor GCs.
    expect(hasFastProperties(row)).toBe(true);
  });
});
