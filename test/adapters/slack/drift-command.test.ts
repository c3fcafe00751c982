import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handleDriftCommand, handleDriftDetails } from "../../../src/adapters/slack/drift-command.js";
import { parsePromoteCommand } from "../../../src/domain/promote-command.js";
import { checkMessage, checkView } from "../../../src/sandbox/slack-emulator/index.js";
import { contractSource, type DriftWorld, driftContract, driftWorld } from "../../helpers/drift-fixtures.js";

const now = new Date("2026-11-27T09:00:00Z");
let world: DriftWorld;
let deps: Parameters<typeof handleDriftCommand>[0];

beforeEach(() => {
  world = driftWorld();
  const contracts = contractSource(
    driftContract("staging"),
    driftContract("prod", { allow: { feature_flags: 0 }, maxSnapshotAgeMs: 3_600_000 }),
  );
  deps = { contracts, snapshots: world.snapshots, runs: world.runs, clock: { now: () => now } };
  world.addSnapshot("prod", now, { feature_flags: { a: true } });
  world.addSnapshot("staging", new Date(now.getTime() - 7_200_000), { feature_flags: { a: false } });
});
afterEach(() => world.cleanup());

function command(text: string) {
  const parsed = parsePromoteCommand(text);
  if (parsed.type !== "drift") throw new Error(`not a drift command: ${parsed.type}`);
  return parsed;
}

describe("/promote drift", () => {
  it("replies ephemerally with the report now, within Slack's limits", () => {
    const reply = handleDriftCommand(deps, command("drift prod"));
    expect(reply.response_type).toBe("ephemeral");
    expect(checkMessage(reply).error).toBeUndefined();
    const text = JSON.stringify(reply.blocks);
    expect(text).toContain("Drift report: prod vs staging");
    expect(text).toContain("❌ *feature_flags* 1/0");
    expect(text).toContain("*stale*");
    expect(reply.text).toBe("Drift prod vs staging: over budget (1 difference)");
  });

  it("compares with the environment named after vs", () => {
    world.addSnapshot("staging", now, { feature_flags: { a: true } });
    const reply = handleDriftCommand(deps, command("drift staging vs prod"));
    expect(reply.text).toBe("Drift staging vs prod: within budget (0 differences)");
    const bare = handleDriftCommand(deps, command("drift staging"));
    expect(bare.text).toMatch(/^`drift_not_configured` contracts\/staging.yml has no drift section\n/);
    const vs = handleDriftCommand(deps, command("drift prod vs staging"));
    expect(vs.text).toBe("Drift prod vs staging: within budget (0 differences)");
    expect(handleDriftCommand(deps, command("drift prod vs prod")).text).toContain("`invalid_request`");
  });

  it("answers an unknown environment with its code, the likely one and the known ones", () => {
    expect(handleDriftCommand(deps, command("drift qa")).text).toBe(
      '`environment_not_found` No contract for environment "qa" (known: staging, prod)',
    );
    expect(handleDriftCommand(deps, command("drift prdo")).text).toBe(
      '`environment_not_found` No contract for environment "prdo"; did you mean "prod"? (known: staging, prod)',
    );
  });

  it("opens the Details modal from the digest button's value", () => {
    const opened = handleDriftDetails(deps, JSON.stringify({ environment: "prod", compareTo: "staging" }));
    if (!("view" in opened)) throw new Error(opened.text);
    expect(checkView(opened.view).error).toBeUndefined();
    expect(JSON.stringify(opened.view)).toContain("`feature_flags.a` prod `true` · staging `false`");
    const bad = handleDriftDetails(deps, "{");
    expect("view" in bad).toBe(false);
  });
});
