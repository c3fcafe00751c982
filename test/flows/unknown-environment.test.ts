/**
 * The "did you mean" of an environment no contract has (readiness, /promote, drift, and the
 * `environment_unknown` warning of a write): a typo, an alias, or an abbreviation of a known one.
 */
import { describe, expect, it } from "vitest";
import { noContractFor, unknownEnvironment } from "../../src/flows/resolve-artifact.js";

const KNOWN = ["dev", "staging", "prod"];
const meant = (name: string, known = KNOWN) =>
  /did you mean "([^"]+)"\?/.exec(unknownEnvironment(name, known))?.[1];

describe("unknownEnvironment", () => {
  it("keeps its message: the name, the guess, every known environment", () => {
    expect(unknownEnvironment("production", KNOWN)).toBe(
      'no contract for environment "production"; did you mean "prod"? (known: dev, staging, prod)',
    );
    expect(noContractFor("qa", KNOWN)).toBe('No contract for environment "qa" (known: dev, staging, prod)');
    expect(unknownEnvironment("qa", [])).toBe('no contract for environment "qa" (known: none)');
  });

  it.each([
    ["prdo", "prod"],
    ["stagign", "staging"],
    ["PROD", "prod"],
  ])("suggests the nearest for a typo: %s → %s", (typed, env) => {
    expect(meant(typed)).toBe(env);
  });

  it.each([
    ["production", "prod"],
    ["stage", "staging"],
    ["stg", "staging"],
    ["development", "dev"],
  ])("suggests the environment of a common alias: %s → %s", (typed, env) => {
    expect(meant(typed)).toBe(env);
  });

  it.each([
    ["prod", ["production", "staging"], "production"],
    ["stg", ["dev", "stage", "production"], "stage"],
    ["dev", ["development", "production"], "development"],
  ])("and the other way round: %s among %j → %s", (typed, known, env) => {
    expect(meant(typed, known)).toBe(env);
  });

  it.each([
    ["stag", "staging"],
    ["staging-eu", "staging"],
    ["production-eu", "prod"],
  ])("suggests a known environment one name abbreviates: %s → %s", (typed, env) => {
    expect(meant(typed)).toBe(env);
  });

  it("prefers the alias to a longer abbreviation, and a typo to both", () => {
    expect(meant("production", ["prod", "production-eu"])).toBe("prod");
    expect(meant("prodution", ["prod", "production"])).toBe("production");
  });

  it.each([["qa"], ["sandbox"], ["pr"], ["st"]])("suggests nothing far from every name: %s", (typed) => {
    expect(meant(typed, ["dev", "staging", "production"])).toBeUndefined();
  });
});
