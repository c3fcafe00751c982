import { describe, expect, it } from "vitest";
import { importLaunchDarkly } from "../../../src/adapters/importers/launchdarkly.js";
import { codeOf, flagFixture } from "./fixtures.js";

const REST = "launchdarkly.rest-api.flag.docs-example.json";

/** The docs example with the flag switched on in `my-environment`. */
function restFlagOn(): Record<string, unknown> {
  const flag = flagFixture(REST);
  const env = (flag.environments as Record<string, Record<string, unknown>>)["my-environment"];
  if (env === undefined) throw new Error("fixture changed: no my-environment");
  env.on = true;
  return flag;
}

function env(flag: Record<string, unknown>): Record<string, unknown> {
  return (flag.environments as Record<string, Record<string, unknown>>)["my-environment"] ?? {};
}

describe("importLaunchDarkly", () => {
  it("reads the SDK file data source: fallthrough value of full flags, and flagValues as they are", () => {
    expect(importLaunchDarkly(flagFixture("launchdarkly.file-data-source.all-properties.json"))).toEqual({
      feature_flags: { flag1: "on", flag2: "value2" },
    });
  });

  it("serves the off variation of a REST API flag that is off in the environment", () => {
    expect(importLaunchDarkly(flagFixture(REST), { environment: "prod" })).toEqual({
      feature_flags: { "flag-key-123abc": false },
    });
  });

  it("serves the fallthrough and keeps targets of a flag that is on, without volatile fields", () => {
    expect(importLaunchDarkly(restFlagOn())).toEqual({
      feature_flags: { "flag-key-123abc": true },
      flag_rules: {
        "flag-key-123abc":
          '{"contextTargets":[{"contextKind":"device","values":["device-key-123abc"],"variation":0}],' +
          '"targets":[{"contextKind":"user","values":["user-key-123abc"],"variation":0}]}',
      },
    });
  });

  it("gives the same config when only salt, sel, version, lastModified, _links or _summary change", () => {
    for (const make of [flagFixture.bind(null, REST), restFlagOn]) {
      const before = importLaunchDarkly(make());
      const changed = make();
      Object.assign(env(changed), {
        salt: "00000000000000000000000000000000",
        sel: "ffff",
        version: 99,
        lastModified: 1_900_000_000_000,
        _summary: { prerequisites: 7 },
      });
      Object.assign(changed, { _version: 42, _links: { self: { href: "/elsewhere" } } });
      const targets = env(changed).targets as Record<string, unknown>[];
      if (targets[0]) targets[0]._id = "a-generated-id";
      expect(importLaunchDarkly(changed)).toEqual(before);
    }
  });

  it("does change when behaviour changes: another fallthrough or another target", () => {
    const before = importLaunchDarkly(restFlagOn());
    const otherFallthrough = restFlagOn();
    env(otherFallthrough).fallthrough = { variation: 1 };
    expect(importLaunchDarkly(otherFallthrough).feature_flags).toEqual({ "flag-key-123abc": false });
    const otherTarget = restFlagOn();
    (env(otherTarget).targets as Array<{ values: string[] }>)[0]?.values.push("user-2");
    expect(importLaunchDarkly(otherTarget).flag_rules).not.toEqual(before.flag_rules);
  });

  it("picks the environment of a multi-environment export and refuses an unknown one", () => {
    const flag = restFlagOn();
    const environments = flag.environments as Record<string, unknown>;
    environments.production = { ...env(flag), on: false };
    expect(importLaunchDarkly(flag, { environment: "production" }).feature_flags).toEqual({
      "flag-key-123abc": false,
    });
    expect(
      importLaunchDarkly(flag, { flagEnvironment: "my-environment", environment: "prod" }).feature_flags,
    ).toEqual({
      "flag-key-123abc": true,
    });
    expect(codeOf(() => importLaunchDarkly(flag, { environment: "prod" }))).toBe(
      "invalid_payload: launchdarkly: choose one of the export's environments (found: my-environment, production)",
    );
    expect(codeOf(() => importLaunchDarkly(flag, { flagEnvironment: "qa" }))).toBe(
      'invalid_payload: launchdarkly: environment "qa" is not in the export (found: my-environment, production)',
    );
  });

  it("reads a REST flag list and turns a percentage rollout into weights per value", () => {
    const flag = restFlagOn();
    env(flag).fallthrough = {
      rollout: {
        variations: [
          { variation: 0, weight: 60000 },
          { variation: 1, weight: 40000 },
        ],
      },
    };
    expect(importLaunchDarkly({ items: [flag] }).feature_flags).toEqual({
      "flag-key-123abc": {
        rollout: [
          { value: true, weight: 60000 },
          { value: false, weight: 40000 },
        ],
      },
    });
  });

  it("refuses other JSON", () => {
    expect(codeOf(() => importLaunchDarkly({ features: [] }))).toMatch(/^invalid_payload: launchdarkly: /);
    expect(codeOf(() => importLaunchDarkly("flags"))).toMatch(/^invalid_payload: launchdarkly: /);
  });
});
