import { describe, expect, it } from "vitest";
import {
  canTransition,
  isExpired,
  PROMOTION_STATES,
  type PromotionEvent,
  TERMINAL_STATES,
  transition,
} from "../../src/domain/promotion.js";
import { isCodedError } from "../../src/errors.js";

const EVENTS: PromotionEvent[] = ["approve", "reject", "expire", "supersede", "hand_off", "deployed", "fail"];

describe("promotion lifecycle", () => {
  it("follows the happy path requested → approved → deploying → deployed", () => {
    expect(transition("requested", "approve")).toBe("approved");
    expect(transition("approved", "hand_off")).toBe("deploying");
    expect(transition("deploying", "deployed")).toBe("deployed");
  });

  it("lets pull-based CD complete an approved promotion without a hand-off", () => {
    expect(transition("approved", "deployed")).toBe("deployed");
  });

  it("ends open requests by rejection, expiry or a newer request", () => {
    expect(transition("requested", "reject")).toBe("rejected");
    expect(transition("requested", "expire")).toBe("expired");
    expect(transition("requested", "supersede")).toBe("superseded");
  });

  it("refuses every move out of a terminal state with a coded error", () => {
    for (const state of TERMINAL_STATES) {
      for (const event of EVENTS) {
        expect(canTransition(state, event)).toBe(false);
        try {
          transition(state, event);
          expect.unreachable();
        } catch (error) {
          expect(isCodedError(error, "promotion_transition_invalid")).toBe(true);
        }
      }
    }
  });

  it("never approves twice or hands off before approval", () => {
    expect(canTransition("approved", "approve")).toBe(false);
    expect(canTransition("requested", "hand_off")).toBe(false);
    expect(canTransition("deploying", "hand_off")).toBe(false);
    expect(canTransition("deploying", "supersede")).toBe(false);
  });

  it("every state is reachable from requested", () => {
    const seen = new Set(["requested"]);
    let frontier = ["requested"] as (typeof PROMOTION_STATES)[number][];
    while (frontier.length) {
      const next = frontier.flatMap((s) =>
        EVENTS.filter((e) => canTransition(s, e)).map((e) => transition(s, e)),
      );
      frontier = next.filter((s) => !seen.has(s));
      for (const s of next) seen.add(s);
    }
    expect([...seen].sort()).toEqual([...PROMOTION_STATES].sort());
  });

  it("expires strictly after expire_after (the contract's now) and only while requested", () => {
    const requestedAt = new Date("2026-11-27T12:00:00Z");
    const hour = 3_600_000;
    const at = (ms: number) => new Date(requestedAt.getTime() + ms);
    expect(isExpired({ state: "requested", requestedAt }, hour, at(hour))).toBe(false);
    expect(isExpired({ state: "requested", requestedAt }, hour, at(hour + 1))).toBe(true);
    expect(isExpired({ state: "approved", requestedAt }, hour, at(hour + 1))).toBe(false);
    expect(isExpired({ state: "requested", requestedAt }, undefined, new Date(8e15))).toBe(false);
  });
});
