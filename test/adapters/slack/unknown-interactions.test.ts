import { describe, expect, it } from "vitest";
import { ALL_ACTION_IDS } from "../../../src/adapters/slack/ids.js";
import {
  anyIdExcept,
  HANDLED_ACTION_IDS,
} from "../../../src/adapters/slack/listeners/unknown-interactions.js";
import { DRIFT_DETAILS_ACTION_ID } from "../../../src/adapters/slack/views/drift-lines.js";

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
