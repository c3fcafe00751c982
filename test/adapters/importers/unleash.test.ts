import { describe, expect, it } from "vitest";
import { importUnleash } from "../../../src/adapters/importers/unleash.js";
import { codeOf, flagFixture } from "./fixtures.js";

const rollout = (name: string, percent: string, stickiness: string): string =>
  `{"strategies":[{"name":"flexibleRollout","parameters":{"groupId":"${name}","rollout":"${percent}",` +
  `"stickiness":"${stickiness}"}}],"variants":[]}`;

describe("importUnleash", () => {
  it("reads the client API shape: enabled per toggle and its strategies", () => {
    expect(importUnleash(flagFixture("unleash.client-spec.01-simple-examples.json"))).toEqual({
      feature_flags: { "Feature.A": true, "Feature.B": false, "Feature.C": true },
      flag_rules: { "Feature.A": '{"strategies":[{"name":"default"}],"variants":[]}' },
    });
  });

  it("keeps rollout percentages and stickiness, which are behaviour", () => {
    expect(importUnleash(flagFixture("unleash.client-spec.10-flexible-rollout-strategy.json"))).toEqual({
      feature_flags: {
        "Feature.flexibleRollout.100": true,
        "Feature.flexibleRollout.10": true,
        "Feature.flexibleRollout.0": true,
        "Feature.flexibleRollout.userId.55": true,
        "Feature.flexibleRollout.sessionId.42": true,
      },
      flag_rules: {
        "Feature.flexibleRollout.100": rollout("Feature.flexibleRollout.100", "100", "default"),
        "Feature.flexibleRollout.10": rollout("Feature.flexibleRollout.10", "10", "default"),
        "Feature.flexibleRollout.0": rollout("Feature.flexibleRollout.0", "0", "default"),
        "Feature.flexibleRollout.userId.55": rollout("Feature.flexibleRollout.userId.55", "55", "userId"),
        "Feature.flexibleRollout.sessionId.42": rollout(
          "Feature.flexibleRollout.sessionId.42",
          "42",
          "sessionId",
        ),
      },
    });
  });

  it("reads an environment export, dropping strategy ids and titles", () => {
    const expected = {
      feature_flags: { "my-feature": true },
      flag_rules: {
        "my-feature":
          '{"strategies":[{"name":"flexibleRollout","parameters":{"groupId":"default","rollout":"50",' +
          '"stickiness":"random"},"segments":[1]}],"variants":[' +
          '{"name":"a","stickiness":"random","weight":500,"weightType":"variable"},' +
          '{"name":"b","stickiness":"random","weight":500,"weightType":"variable"}]}',
      },
    };
    const file = "unleash.export-result.assembled-from-openapi-examples.json";
    expect(importUnleash(flagFixture(file), { environment: "staging" })).toEqual(expected);
    const renamed = flagFixture(file);
    const strategies = renamed.featureStrategies as Record<string, unknown>[];
    Object.assign(strategies[0] ?? {}, { id: "another-uuid", title: "Half of everyone" });
    expect(importUnleash(renamed)).toEqual(expected);
  });

  it("treats a toggle missing from the chosen environment as not enabled", () => {
    const doc = flagFixture("unleash.export-result.assembled-from-openapi-examples.json");
    (doc.features as unknown[]).push({ name: "dark-launch", project: "default" });
    expect(importUnleash(doc, { flagEnvironment: "development" }).feature_flags).toEqual({
      "my-feature": true,
      "dark-launch": false,
    });
    expect(codeOf(() => importUnleash(doc, { flagEnvironment: "production" }))).toBe(
      'invalid_payload: unleash: environment "production" is not in the export (found: development)',
    );
  });

  it("refuses other JSON", () => {
    expect(codeOf(() => importUnleash({ flags: {} }))).toMatch(/^invalid_payload: unleash: /);
  });
});
