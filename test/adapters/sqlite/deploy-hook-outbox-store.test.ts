import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDeployHookOutboxStore } from "../../../src/adapters/sqlite/deploy-hook-outbox-store.js";
import { createPromotionStore } from "../../../src/adapters/sqlite/promotion-store.js";
import { createStores } from "../../../src/adapters/sqlite/stores.js";
import type { Promotion, PromotionState } from "../../../src/domain/promotion.js";
import type { DeployHookOutbox, PromotionRepository } from "../../../src/flows/promotion-ports.js";
import { digestOf } from "../../helpers/test-app.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";

const T0 = new Date("2026-11-27T10:00:00Z");
const later = (ms: number) => new Date(T0.getTime() + ms);

describe("deploy-hook outbox store", () => {
  let t: TestDb;
  let promotions: PromotionRepository;
  let outbox: DeployHookOutbox;

  beforeEach(() => {
    t = createTestDb();
    promotions = createPromotionStore(t.db);
    outbox = createDeployHookOutboxStore(t.db);
  });
  afterEach(() => t.cleanup());

  function approvedWithHook(n: string): Promotion {
    const digest = digestOf(n);
    createStores(t.db).artifacts.register({ name: "svc", digest }, T0);
    const promotion: Promotion = {
      id: `p-${n}`,
      kind: "promotion",
      artifactName: "svc",
      digest,
      environment: "prod",
      state: "requested",
      requestedBy: "U0REQ",
      requestedAt: T0,
      contractRevision: "sha256:rev",
      stateChangedAt: T0,
    };
    promotions.insert(promotion);
    expect(promotions.setState(promotion.id, "requested", "approved", T0)).toBe(true);
    outbox.enqueue(
      { promotionId: promotion.id, url: "http://127.0.0.1:9/hook", secretEnv: "S", body: "{}" },
      T0,
    );
    return promotion;
  }

  it("records when a promotion was approved", () => {
    const p = approvedWithHook("a");
    expect(promotions.get(p.id)?.approvedAt).toEqual(T0);
  });

  it.each<[PromotionState, PromotionState]>([
    ["approved", "deployed"],
    ["approved", "failed"],
  ])("cancels a pending hand-off whose promotion moved %s → %s instead of sending it", (from, to) => {
    const stays = approvedWithHook("a");
    const moved = approvedWithHook("b");
    expect(promotions.setState(moved.id, from, to, later(1))).toBe(true);
    const claimed = outbox.claimDue(later(2), 10, 30_000);
    expect(claimed.map((item) => item.promotionId)).toEqual([stays.id]);
    expect(outbox.get(moved.id)).toMatchObject({ state: "cancelled", lastError: `promotion is ${to}` });
    // A cancelled row is never claimed again, nor revived by a late outcome.
    expect(outbox.markHandedOff(moved.id, later(3))).toBe(false);
    expect(outbox.claimDue(later(60_000), 10, 30_000).map((i) => i.promotionId)).toEqual([stays.id]);
    expect(outbox.get(moved.id)?.state).toBe("cancelled");
  });

  it("says whether a claim would find anything: a pending row once due, an in-flight one once its lease ends", () => {
    expect(outbox.hasDue(later(1))).toBe(false);
    approvedWithHook("a");
    expect(outbox.hasDue(T0)).toBe(true);
    expect(outbox.claimDue(later(1), 10, 30_000)).toHaveLength(1);
    expect(outbox.hasDue(later(2))).toBe(false);
    expect(outbox.hasDue(later(30_001))).toBe(true);
  });

  it("cancels an in-flight row left by a crash once its promotion was completed by a report", () => {
    const p = approvedWithHook("a");
    expect(outbox.claimDue(later(1), 10, 30_000)).toHaveLength(1);
    expect(promotions.setState(p.id, "approved", "deployed", later(2))).toBe(true);
    expect(outbox.claimDue(later(40_000), 10, 30_000)).toEqual([]);
    expect(outbox.get(p.id)).toMatchObject({ state: "cancelled", attempts: 1 });
  });
});
