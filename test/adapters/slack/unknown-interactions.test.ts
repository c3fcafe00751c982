import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BoltApp } from "../../../src/adapters/slack/bolt-app.js";
import { registerDriftDetailsAction } from "../../../src/adapters/slack/drift-command.js";
import { ALL_ACTION_IDS } from "../../../src/adapters/slack/ids.js";
import { registerDetailsAction } from "../../../src/adapters/slack/listeners/details-action.js";
import { registerPromotionActions } from "../../../src/adapters/slack/listeners/promotion-actions.js";
import {
  anyIdExcept,
  HANDLED_ACTION_IDS,
} from "../../../src/adapters/slack/listeners/unknown-interactions.js";
import { DRIFT_DETAILS_ACTION_ID } from "../../../src/adapters/slack/views/drift-lines.js";
import { REPO_ROOT } from "../../helpers/test-app.js";

describe("the fallback for interactions no listener handles", () => {
  const fallback = anyIdExcept(HANDLED_ACTION_IDS);

  it("leaves every handled action id to its own listener", () => {
    for (const id of [...ALL_ACTION_IDS, DRIFT_DETAILS_ACTION_ID]) expect(fallback.test(id)).toBe(false);
  });

  it("takes ids that only look like handled ones", () => {
    for (const id of ["promotion.approve2", "xpromotion.approve", "promotionXapprove", "readiness", ""]) {
      expect(fallback.test(id)).toBe(true);
    }
  });

  it("takes everything when nothing is handled", () => {
    expect(anyIdExcept([]).test("anything")).toBe(true);
  });
});

describe("the handled action ids", () => {
  it("are exactly the ids the product's listeners register", () => {
    const registered: string[] = [];
    const recorder = { action: (id: unknown) => registered.push(String(id)) } as unknown as BoltApp;
    registerDetailsAction(recorder, {} as never);
    registerPromotionActions(recorder, {} as never);
    registerDriftDetailsAction(recorder, {} as never);
    expect([...registered].sort()).toEqual([...HANDLED_ACTION_IDS].sort());
  });

  it("cover every file that registers Slack interaction listeners", () => {
    const root = join(REPO_ROOT, "src");
    const registering = readdirSync(root, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .filter((file) =>
        /\bapp\.(action|view|shortcut|options)\(/.test(readFileSync(join(root, file), "utf8")),
      )
      .map((file) => file.split("/").at(-1))
      .sort();
    // A new file here registers a listener the fallback must leave alone: add its ids to the list
    // in unknown-interactions.ts and its register function to the test above.
    expect(registering).toEqual([
      "details-action.ts",
      "drift-command.ts",
      "promotion-actions.ts",
      "unknown-interactions.ts",
    ]);
  });
});
