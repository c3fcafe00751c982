import { describe, expect, it } from "vitest";
import { importFlagd } from "../../../src/adapters/importers/flagd.js";
import { codeOf, flagFixture } from "./fixtures.js";

const BALLMER = '{"==":["ballmer@macrosoft.com",{"var":["email"]}]}';
const FAAS = '{"in":["@faas.com",{"var":["email"]}]}';

describe("importFlagd", () => {
  it("takes each flag's defaultVariant value and resolves $refs in targeting (flagd sample)", () => {
    expect(importFlagd(flagFixture("flagd.example_flags.flagd.json"))).toEqual({
      feature_flags: {
        myBoolFlag: true,
        myStringFlag: "val1",
        myFloatFlag: 1.23,
        myIntFlag: 1,
        myObjectFlag: { key: "val" },
        isColorYellow: false,
        fibAlgo: "recursive",
        headerColor: "#FF0000",
      },
      flag_rules: {
        isColorYellow: '{"if":[{"==":[{"var":["color"]},"yellow"]},"on","off"]}',
        fibAlgo: `{"if":[${FAAS},"binet",null]}`,
        headerColor:
          `{"if":[${FAAS},{"fractional":[{"cat":[{"var":"$flagd.flagKey"},{"var":"email"}]},` +
          '["red",25],["blue",25],["green",25],["yellow",25]]},null]}',
      },
    });
  });

  it("resolves shared $evaluators however the $ref is spaced, and keeps a dangling $ref visible", () => {
    expect(importFlagd(flagFixture("flagd-testbed.evaluator-refs.json"))).toEqual({
      feature_flags: {
        "some-email-targeted-flag": "none",
        "some-other-email-targeted-flag": "none",
        "ref-whitespace-compact-flag": "fallback",
        "ref-whitespace-space-after-colon-flag": "fallback",
        "ref-whitespace-space-around-colon-flag": "fallback",
        "ref-to-nonexistent-evaluator-flag": "fallback",
      },
      flag_rules: {
        "some-email-targeted-flag": `{"if":[${BALLMER},"hi","bye"]}`,
        "some-other-email-targeted-flag": `{"if":[${BALLMER},"yes","no"]}`,
        "ref-whitespace-compact-flag": `{"if":[${BALLMER},"hi","bye"]}`,
        "ref-whitespace-space-after-colon-flag": `{"if":[${BALLMER},"hi","bye"]}`,
        "ref-whitespace-space-around-colon-flag": `{"if":[${BALLMER},"hi","bye"]}`,
        "ref-to-nonexistent-evaluator-flag": '{"if":[{"$ref":"nonexistent_evaluator"},"hit","miss"]}',
      },
    });
  });

  it("compares equal to the same targeting written inline instead of through $evaluators", () => {
    const inline = flagFixture("flagd-testbed.evaluator-refs.json");
    const flags = inline.flags as Record<string, { targeting: { if: unknown[] } }>;
    for (const flag of Object.values(flags)) {
      const first = flag.targeting.if[0] as Record<string, unknown>;
      if (first.$ref === "is_ballmer")
        flag.targeting.if[0] = { "==": ["ballmer@macrosoft.com", { var: ["email"] }] };
    }
    delete inline.$evaluators;
    const viaRefs = importFlagd(flagFixture("flagd-testbed.evaluator-refs.json"));
    const written = importFlagd(inline);
    expect(written.flag_rules?.["some-email-targeted-flag"]).toBe(
      viaRefs.flag_rules?.["some-email-targeted-flag"],
    );
    expect(written.feature_flags).toEqual(viaRefs.feature_flags);
  });

  it("records DISABLED flags as null (flagd serves no value), with no rules", () => {
    expect(importFlagd(flagFixture("flagd-testbed.disabled-flags.json"))).toEqual({
      feature_flags: {
        "disabled-boolean-flag": null,
        "disabled-string-flag": null,
        "disabled-integer-flag": null,
        "disabled-float-flag": null,
        "disabled-object-flag": null,
        "cross-flagset-flag": null,
      },
    });
  });

  it("ignores metadata and empty targeting", () => {
    expect(importFlagd(flagFixture("flagd-testbed.metadata-flags.json"))).toEqual({
      feature_flags: { "flagd-context-aware": "EXTERNAL", "metadata-flag": false },
      flag_rules: {
        "flagd-context-aware": '{"if":[{"==":[{"var":["injectedmetadata"]},"set"]},"internal","external"]}',
      },
    });
  });

  it("reads every flag of the schema's full example", () => {
    const config = importFlagd(flagFixture("flagd-schemas.examples.full.json"));
    expect(config.feature_flags).toEqual({
      myBoolFlag: true,
      myStringFlag: "val1",
      myNumberFlag: 2,
      myObjectFlag: { key: "val" },
      "fractional-flag": "wild",
      "shorthand-fractional-flag": "wild",
      "starts-ends-flag": "none",
      "equal-greater-lesser-version-flag": "none",
      "major-minor-version-flag": "none",
      "test-cat": "none",
      "context-aware": "EXTERNAL",
      "timestamp-flag": 0,
      "wrong-flag": "uno",
    });
    expect(Object.keys(config.flag_rules ?? {}).sort()).toEqual([
      "context-aware",
      "equal-greater-lesser-version-flag",
      "fractional-flag",
      "major-minor-version-flag",
      "shorthand-fractional-flag",
      "starts-ends-flag",
      "test-cat",
      "timestamp-flag",
    ]);
    expect(config.flag_rules?.["test-cat"]).toBe('{"cat":["1","@"]}');
  });

  it("leaves rules out when asked", () => {
    expect(importFlagd(flagFixture("flagd.example_flags.flagd.json"), { rules: false })).not.toHaveProperty(
      "flag_rules",
    );
  });

  it("refuses what is not a flag file, and a defaultVariant that names no variant", () => {
    expect(codeOf(() => importFlagd({ flagValues: {} }))).toMatch(/^invalid_payload: flagd: /);
    expect(codeOf(() => importFlagd([]))).toMatch(/^invalid_payload: flagd: /);
    const bad = { flags: { f: { state: "ENABLED", variants: { on: true }, defaultVariant: "of" } } };
    expect(codeOf(() => importFlagd(bad))).toBe(
      'invalid_payload: flagd: flags.f.defaultVariant "of" is not one of its variants',
    );
  });

  it("refuses $evaluators that refer to each other in a cycle", () => {
    const cyclic = {
      flags: { f: { state: "ENABLED", variants: { a: 1 }, defaultVariant: "a", targeting: { $ref: "x" } } },
      $evaluators: { x: { $ref: "y" }, y: { $ref: "x" } },
    };
    expect(codeOf(() => importFlagd(cyclic))).toMatch(/^invalid_payload: flagd: \$ref chain too deep/);
  });
});
