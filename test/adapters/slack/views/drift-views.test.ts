import { describe, expect, it } from "vitest";
import { renderDriftDigest, renderDriftMessage } from "../../../../src/adapters/slack/views/drift-digest.js";
import {
  DRIFT_DETAILS_ACTION_ID,
  parseDriftDetailsValue,
} from "../../../../src/adapters/slack/views/drift-lines.js";
import { driftDetailsView } from "../../../../src/adapters/slack/views/drift-report.js";
import { buildDriftReport, type DriftReportInput } from "../../../../src/domain/drift-report.js";
import type { ConfigValue } from "../../../../src/domain/evidence.js";
import {
  checkMessage,
  checkView,
  validateMessageBlocks,
  validateView,
} from "../../../../src/sandbox/slack-emulator/block-kit-limits.js";

const HOUR = 3_600_000;
const now = new Date("2026-11-27T09:00:00Z");
const policy = {
  allow: { feature_flags: 5 },
  ignore: ["feature_flags.exp-*"],
  normalize: { staging: "{env}", prod: "{env}" },
  maxSnapshotAgeMs: 24 * HOUR,
};

function input(
  here: Record<string, ConfigValue>,
  there: Record<string, ConfigValue>,
  hoursOld = 1,
): DriftReportInput {
  return {
    environment: "prod",
    compareTo: "staging",
    policy,
    here: {
      id: "a",
      environment: "prod",
      takenAt: new Date(now.getTime() - HOUR),
      source: "flagd",
      config: here,
    },
    there: {
      id: "b",
      environment: "staging",
      takenAt: new Date(now.getTime() - hoursOld * HOUR),
      config: there,
    },
    now,
  };
}

/** `n` differing keys with long, hostile values (mrkdwn control characters, backticks, emoji). */
function bigDrift(n: number) {
  const here: Record<string, ConfigValue> = {};
  const there: Record<string, ConfigValue> = {};
  for (let i = 0; i < n; i++) {
    const key = `service-${i}-${"x".repeat(40)}`;
    here[key] = `https://svc-${i}.prod.internal/<path>&\`q\`=${"🚀".repeat(30)}`;
    there[key] = { nested: [i, `v${i}`], deep: "y".repeat(200) };
  }
  return input({ endpoints: here, data: { rows: 1 } }, { endpoints: there, data: { rows: "1" } });
}

const allText = (value: unknown) => JSON.stringify(value);

describe("drift digest message", () => {
  it("keeps a 2,000-key difference (6,001 differing paths) within Slack's message limits, with 'and N more'", () => {
    const report = buildDriftReport(bigDrift(2000));
    const { blocks, text } = renderDriftDigest(report);
    expect(validateMessageBlocks(blocks)).toEqual([]);
    expect(checkMessage({ blocks, text }).error).toBeUndefined();
    const shown = blocks
      .flatMap((b) => (b.type === "section" ? String((b.text as { text: string }).text).split("\n") : []))
      .filter((line) => line.startsWith("• ")).length;
    const more = /…and (\d+) more — see Details/.exec(allText(blocks));
    expect(shown).toBeGreaterThan(0);
    expect(shown + Number(more?.[1])).toBe(report.differences.length);
    expect(allText(blocks)).toContain(`"action_id":"${DRIFT_DETAILS_ACTION_ID}"`);
    // A string here and an object there is 3 differences per key: the value, and two one-sided paths.
    expect(report.differences.length).toBe(6001);
    expect(text).toBe("Drift prod vs staging: over budget (6001 differences)");
  });

  it("shows categories against allowance, stale snapshots, rules and what is new", () => {
    const first = buildDriftReport(input({ feature_flags: { a: 1 } }, { feature_flags: { a: 2 } }, 30));
    const report = buildDriftReport({
      ...input(
        { feature_flags: { a: 1, b: 1 }, endpoints: { e: "https://e.prod" } },
        { feature_flags: { a: 2, b: 2 }, endpoints: { e: "https://e.staging" } },
        30,
      ),
      previous: { postedAt: new Date(now.getTime() - 24 * HOUR), differences: first.differences },
    });
    const text = allText(renderDriftMessage(report, { kind: "report" }).blocks);
    expect(text).toContain("Drift report: prod vs staging");
    expect(text).toContain("✅ *feature_flags* 2/5");
    expect(text).toContain("✅ *endpoints* 0/0");
    expect(text).toContain("⚠️ *staging* snapshot 30h old — *stale* (max_snapshot_age 1d)");
    expect(text).toContain("*prod* snapshot 1h old from flagd");
    expect(text).toContain("1 new · 0 changed · 0 resolved · 1 unchanged");
    expect(text).toContain("🆕 `feature_flags.b`");
    expect(text).toContain("ignoring `feature_flags.exp-*`");
  });

  it("says a missing snapshot makes the report incomplete", () => {
    const report = buildDriftReport({ ...input({}, {}), there: undefined });
    const { blocks } = renderDriftDigest(report);
    expect(allText(blocks)).toContain("*staging*: no snapshot yet");
    expect(allText(blocks)).toContain("*Incomplete*");
    expect(validateMessageBlocks(blocks)).toEqual([]);
  });
});

describe("drift details modal", () => {
  it("holds as much of a 2,000-key difference as a modal can, and counts the rest", () => {
    const report = buildDriftReport(bigDrift(2000));
    const view = driftDetailsView(report);
    expect(validateView(view)).toEqual([]);
    expect(checkView(view).error).toBeUndefined();
    expect(allText(view)).toMatch(/…and \d+ more — the list is longer than a Slack modal holds/);
  });

  it("lists every difference when they fit, escaping mrkdwn and backticks", () => {
    const report = buildDriftReport(input({ endpoints: { "a<b>": "x`y&z" } }, {}));
    const view = driftDetailsView(report);
    expect(validateView(view)).toEqual([]);
    const text = allText(view);
    expect(text).toContain("`endpoints.a&lt;b&gt;` only in prod: `xˋy&amp;z`");
    expect(text).not.toContain("more —");
    expect(
      parseDriftDetailsValue(
        JSON.parse((view as { private_metadata: string }).private_metadata) &&
          '{"environment":"prod","compareTo":"staging"}',
      ),
    ).toEqual({
      environment: "prod",
      compareTo: "staging",
    });
    expect(parseDriftDetailsValue("not json")).toBeUndefined();
  });
});

describe("what an over-budget drift report says it blocks", () => {
  const over = input(
    { feature_flags: Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`f${i}`, true])) },
    {},
  );

  it("blocks promotions when the pair is the contract's compare_to", () => {
    const text = allText(
      renderDriftMessage(buildDriftReport({ ...over, policy: { ...policy, compareTo: "staging" } })).blocks,
    );
    expect(text).toContain("promotions into prod are blocked");
  });

  it("says an ad-hoc pair (`drift prod vs dev`) blocks nothing", () => {
    const adHoc = buildDriftReport({
      ...over,
      compareTo: "dev",
      policy: { ...policy, compareTo: "staging" },
    });
    expect(adHoc.gatesPromotions).toBe(false);
    const text = allText(renderDriftMessage(adHoc, { kind: "report" }).blocks);
    expect(text).toContain("Over budget");
    expect(text).not.toContain("are blocked");
    expect(text).toContain("promotions are gated against its `compare_to` only");
  });
});
