import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderAppHome } from "../../../src/adapters/slack/views/app-home.js";
import type { CardModel } from "../../../src/adapters/slack/views/card-model.js";
import { detailsPages, renderDetailsModal } from "../../../src/adapters/slack/views/details-modal.js";
import { renderReadinessCard } from "../../../src/adapters/slack/views/readiness-card.js";
import { renderHelp, renderStatus, renderUnknown } from "../../../src/adapters/slack/views/replies.js";
import type { DriftResult } from "../../../src/domain/drift.js";
import { parsePromoteCommand } from "../../../src/domain/promote-command.js";
import type { Check } from "../../../src/domain/readiness.js";
import { checkMessage, checkView, validateMessageBlocks, validateView } from "../../helpers/slack.js";

const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
const text = (max: number) => fc.string({ unit: "grapheme", maxLength: max });
const status = fc.constantFrom("passed", "failed", "pending", "stale", "waiting" as const);
const check: fc.Arbitrary<Check> = fc.record({
  id: fc.string({ minLength: 1, maxLength: 300 }),
  status,
  reason: text(4000),
});
const value = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 500 }), fc.integer(), fc.boolean());
const drift: fc.Arbitrary<DriftResult> = fc
  .array(
    fc.record({
      category: fc.string({ minLength: 1, maxLength: 80 }),
      allowed: fc.nat(10),
      keys: fc.array(fc.record({ key: fc.string({ maxLength: 200 }), here: value, there: value }), {
        maxLength: 600,
      }),
    }),
    { maxLength: 12 },
  )
  .map((cats) => {
    const categories = cats.map((c) => ({
      category: c.category,
      allowed: c.allowed,
      overBudget: c.keys.length > c.allowed,
      differences: c.keys.map((k) => ({
        category: c.category,
        key: k.key,
        kind: "changed" as const,
        here: k.here,
        there: k.there,
      })),
    }));
    return {
      categories,
      totalDifferences: categories.reduce((n, c) => n + c.differences.length, 0),
      overBudget: categories.some((c) => c.overBudget),
    };
  });

const cardModel: fc.Arbitrary<CardModel> = fc.record({
  artifact: fc.record({
    name: fc.stringMatching(/^[a-z0-9][a-z0-9._/-]{0,127}$/),
    digest: hex.map((h) => `sha256:${h}`),
    version: fc.option(text(300), { nil: undefined }),
    commit: fc.option(fc.stringMatching(/^[0-9a-f]{7,40}$/), { nil: undefined }),
    firstSeenAt: fc.constant(new Date("2026-01-01T00:00:00Z")),
  }),
  environment: fc.stringMatching(/^[a-z][a-z0-9-]{0,63}$/),
  readiness: fc.record({
    environment: fc.constant("prod"),
    digest: fc.constant("sha256:x"),
    verdict: fc.constantFrom("ready", "waiting", "blocked" as const),
    checks: fc.array(check, { maxLength: 120 }),
    contractRevision: hex.map((h) => `sha256:${h}`),
    evaluatedAt: fc.constant(new Date("2026-01-01T00:00:00Z")),
  }),
  driftAgainst: fc.option(fc.string({ minLength: 1, maxLength: 64 }), { nil: undefined }),
  drift: fc.option(drift, { nil: undefined }),
  promotion: fc.option(
    fc.record({
      id: fc.uuid(),
      kind: fc.constantFrom("promotion", "rollback" as const),
      state: fc.constantFrom("requested", "approved", "deploying", "deployed", "rejected"),
      requestedBy: fc.constant("U0ALICE"),
      reason: fc.option(text(3000), { nil: undefined }),
      approvedBy: fc.array(fc.stringMatching(/^U[A-Z0-9]{8}$/), { maxLength: 40 }),
      required: fc.nat(10),
    }),
    { nil: undefined },
  ),
  running: fc.option(
    fc.record({
      name: fc.string({ maxLength: 128 }),
      digest: hex.map((h) => `sha256:${h}`),
      since: fc.constant(new Date(0)),
    }),
    { nil: undefined },
  ),
  deployment: fc.option(
    fc.record({
      state: fc.constantFrom("deployed", "replaced" as const),
      at: fc.constant(new Date(0)),
      promotionId: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
      replacedBy: fc.option(
        fc.record({ digest: hex.map((h) => `sha256:${h}`), at: fc.constant(new Date(1000)) }),
        { nil: undefined },
      ),
    }),
    { nil: undefined },
  ),
  rollbackProposed: fc.boolean(),
});

describe("every rendered surface stays within Slack's limits", () => {
  it("readiness cards", () => {
    fc.assert(
      fc.property(cardModel, (model) => {
        const card = renderReadinessCard(model);
        expect(validateMessageBlocks(card.blocks)).toEqual([]);
        expect(checkMessage(card).error).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  it("details modals, every page", () => {
    fc.assert(
      fc.property(cardModel, (model) => {
        const pages = detailsPages(model).length;
        for (let page = 0; page < pages; page++) {
          const view = renderDetailsModal(model, page);
          expect(validateView(view)).toEqual([]);
          expect(checkView(view).error).toBeUndefined();
        }
      }),
      { numRuns: 80 },
    );
  });

  it("status replies, App Home, help and unknown", () => {
    fc.assert(
      fc.property(
        cardModel,
        fc.array(cardModel, { maxLength: 120 }),
        fc.string({ maxLength: 3000 }),
        (model, many, typed) => {
          const statusReply = renderStatus({
            artifact: model.artifact,
            environments: many.map((m) => ({
              environment: m.environment,
              readiness: m.readiness,
              running: false,
            })),
          });
          expect(checkMessage(statusReply).error).toBeUndefined();
          const home = renderAppHome({
            environments: many.map((m) => m.environment),
            rows: many.map((m) => ({
              artifact: m.artifact,
              verdicts: [{ environment: m.environment, verdict: m.readiness.verdict }],
            })),
            more: true,
            generatedAt: new Date(0),
          });
          expect(checkView(home).error).toBeUndefined();
          const parsed = parsePromoteCommand(typed);
          if (parsed.type === "unknown") expect(checkMessage(renderUnknown(parsed)).error).toBeUndefined();
          expect(checkMessage(renderHelp()).error).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });
});
