/** The example contracts in /contracts load, use every key of SPEC §4, and carry byte revisions. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { contractSchema } from "../../../src/adapters/contracts/contract-schema.js";
import { loadContractSet } from "../../../src/adapters/contracts/index.js";
import { knownKeysAt } from "../../../src/adapters/contracts/validate-contract.js";
import { firstEnvironments, nextEnvironments } from "../../../src/domain/contract.js";
import { createTempContracts, type TempContracts } from "../../helpers/temp-contracts.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const sha = (file: string) => `sha256:${createHash("sha256").update(readFileSync(file)).digest("hex")}`;

let temp: TempContracts | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

function loadExamples() {
  const result = loadContractSet("contracts", { cwd: ROOT });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result;
}

/** Every dotted key path the schema accepts, with `[]` for list items: `evidence[].max`. */
function schemaKeyPaths(prefix: Array<string | number> = []): string[] {
  return knownKeysAt(contractSchema, prefix).flatMap((key) => {
    const here = [...prefix, key];
    const label = here
      .map((p) => (typeof p === "number" ? "[]" : p))
      .join(".")
      .replaceAll(".[]", "[]");
    const nested = knownKeysAt(contractSchema, here).length > 0 ? schemaKeyPaths(here) : [];
    const items = knownKeysAt(contractSchema, [...here, 0]).length > 0 ? schemaKeyPaths([...here, 0]) : [];
    return [label, ...nested, ...items];
  });
}

function dataKeyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => dataKeyPaths(item, `${prefix}[]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const label = prefix === "" ? key : `${prefix}.${key}`;
    // Records (max, allow, normalize) hold data, not keys.
    return ["max", "allow", "normalize"].includes(key) ? [label] : [label, ...dataKeyPaths(child, label)];
  });
}

describe("example contracts", () => {
  it("load in promotion order", () => {
    const { set } = loadExamples();
    expect(set.order).toEqual(["dev", "staging", "prod"]);
    expect(firstEnvironments(set)).toEqual(["dev"]);
    expect(nextEnvironments(set, "staging")).toEqual(["prod"]);
  });

  it("use every key of the contract schema between them", () => {
    const used = new Set(
      ["dev", "staging", "prod"].flatMap((env) =>
        dataKeyPaths(parse(readFileSync(path.join(ROOT, "contracts", `${env}.yml`), "utf8"))),
      ),
    );
    const all = schemaKeyPaths();
    expect(all).toContain("freeze[].weekly");
    expect(all.filter((key) => !used.has(key))).toEqual([]);
  });

  it("parse prod into the domain contract, durations in ms", () => {
    const { set } = loadExamples();
    const prod = set.contracts.get("prod");
    expect(prod).toMatchObject({
      environment: "prod",
      revision: sha(path.join(ROOT, "contracts/prod.yml")),
      after: "staging",
      channel: "C0TGPROD01",
      timezone: "Europe/Berlin",
      artifact: { sameAs: "staging", soakMs: 2 * 60_000, maxAgeMs: 30 * 86_400_000 },
      evidence: [
        { kind: "test", name: "unit" },
        { kind: "test", name: "e2e", environment: "staging", maxAgeMs: 72 * 3_600_000, minTotal: 1 },
        { kind: "scan", name: "trivy", max: { critical: 0, high: 3 } },
        { kind: "sbom" },
        { kind: "signature", name: "cosign" },
      ],
      drift: {
        compareTo: "staging",
        allow: { feature_flags: 2, endpoints: 0, data: 0, security: 0 },
        ignore: ["feature_flags.experiment-*"],
        normalize: { staging: "{env}", prod: "{env}" },
        maxSnapshotAgeMs: 24 * 3_600_000,
        digest: { schedule: "0 9 * * 1-5", channel: "C0TGDRIFT01" },
      },
      approvals: {
        required: 2,
        approvers: ["S0TGRELEASE"],
        selfApproval: false,
        expireAfterMs: 8 * 3_600_000,
      },
      requesters: ["S0TGENG"],
      freeze: [
        { kind: "weekly", spec: "Sun 02:00 - Sun 04:00", reason: "Database maintenance" },
        { kind: "dated", from: "2026-12-24", to: "2027-01-02", reason: "Holiday freeze" },
      ],
      rollback: {
        when: [{ kind: "health", name: "error-rate", status: "failed" }],
        withinMs: 2 * 3_600_000,
        action: "propose",
        lock: true,
      },
      deploy: {
        webhook: {
          url: "http://localhost:3000/sandbox/deployer/prod",
          secretEnv: "TOLLGATE_SANDBOX_DEPLOY_SECRET",
        },
      },
    });
  });

  it("apply defaults for omitted keys", () => {
    const dev = loadExamples().set.contracts.get("dev");
    expect(dev).toMatchObject({
      timezone: "Europe/Berlin",
      after: undefined,
      freeze: [],
      evidence: [{ kind: "test" }],
    });
    expect(dev?.drift).toBeUndefined();
    expect(dev?.approvals).toBeUndefined();
  });
});

describe("revision", () => {
  it("is the sha256 of the file bytes and changes when one byte does", () => {
    temp = createTempContracts({ "dev.yml": "{}\n", "prod.yml": "after: dev\n# a\n" });
    const first = loadContractSet("contracts", { cwd: temp.root });
    const again = loadContractSet("contracts", { cwd: temp.root });
    temp.write("prod.yml", "after: dev\n# b\n");
    const changed = loadContractSet("contracts", { cwd: temp.root });
    if (!first.ok || !again.ok || !changed.ok) throw new Error("expected valid sets");
    const revision = (r: typeof first, env: string) => r.set.contracts.get(env)?.revision;
    expect(revision(first, "prod")).toBe(
      `sha256:${createHash("sha256").update("after: dev\n# a\n").digest("hex")}`,
    );
    expect(revision(again, "prod")).toBe(revision(first, "prod"));
    expect(revision(changed, "prod")).not.toBe(revision(first, "prod"));
    expect(revision(changed, "dev")).toBe(revision(first, "dev"));
  });
});

describe("defaults", () => {
  it("fill in timezone UTC, no freeze, self_approval false, rollback action propose", () => {
    temp = createTempContracts({
      "dev.yml": "{}\n",
      "prod.yml": [
        "after: dev",
        "approvals: {required: 1, approvers: [U0TGAPP01]}",
        "rollback: {when: [{kind: health}], within: 1h}",
        "",
      ].join("\n"),
    });
    const result = loadContractSet("contracts", { cwd: temp.root });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const prod = result.set.contracts.get("prod");
    expect(prod).toMatchObject({ timezone: "UTC", freeze: [], evidence: [], artifact: {} });
    expect(prod?.approvals).toEqual({
      required: 1,
      approvers: ["U0TGAPP01"],
      selfApproval: false,
      expireAfterMs: undefined,
    });
    expect(prod?.rollback).toEqual({
      when: [{ kind: "health" }],
      withinMs: 3_600_000,
      action: "propose",
      lock: false,
    });
  });
});

describe("dates and windows", () => {
  it("normalise spelling of weekly windows and accept quoted and local date-times", () => {
    temp = createTempContracts({
      "dev.yml": [
        "timezone: America/New_York",
        "freeze:",
        '  - {weekly: "fri 16:00-mon 09:00"}',
        '  - {from: "2026-11-26T18:00", to: 2026-11-26}',
        "  - {from: 2026-12-24 08:00, to: 2026-12-24T12:30}",
        "",
      ].join("\n"),
    });
    const result = loadContractSet("contracts", { cwd: temp.root });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.set.contracts.get("dev")?.freeze).toEqual([
      { kind: "weekly", spec: "Fri 16:00 - Mon 09:00", reason: undefined },
      { kind: "dated", from: "2026-11-26T18:00", to: "2026-11-26", reason: undefined },
      { kind: "dated", from: "2026-12-24T08:00", to: "2026-12-24T12:30", reason: undefined },
    ]);
  });
});

describe("problems across files", () => {
  const problems = (result: ReturnType<typeof loadContractSet>) =>
    result.ok
      ? []
      : result.errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.path ? `${e.path}: ` : ""}${e.message}`);

  it("reports both spellings of an environment, each file's own problems included", () => {
    temp = createTempContracts({
      "dev.yml": "channel: C0DEV\nfoo: 2\n",
      "dev.yaml": "channel: C0DEV\nbogus: 1\n",
    });
    expect(problems(loadContractSet(temp.dir, { cwd: temp.dir }))).toEqual([
      'dev.yaml:2:1 bogus: unknown key "bogus"',
      'dev.yml:1:1 environment "dev" is defined twice (.yml and .yaml)',
      'dev.yml:2:1 foo: unknown key "foo"',
    ]);
  });

  it("spells every file alike, relative to the working folder, even when that is the contracts folder", () => {
    temp = createTempContracts({ "Prod.yml": "channel: C0PROD\n", "dev.yml": "channel: 1\n" });
    const files = loadContractSet(".", { cwd: temp.dir });
    expect(files.ok ? [] : files.errors.map((e) => e.file)).toEqual(["Prod.yml", "dev.yml"]);
  });

  it("names a key that is not a plain word by quoting it, and says why an empty one is refused", () => {
    temp = createTempContracts({
      "dev.yml": "channel: C0DEV\n",
      "staging.yml": 'after: dev\nchannel: C0STG\ndrift:\n  compare_to: dev\n  normalize: {"": "{env}"}\n',
    });
    expect(problems(loadContractSet(temp.dir, { cwd: temp.dir }))).toEqual([
      'staging.yml:5:15 drift.normalize[""]: an empty key would replace nothing; remove it',
    ]);
  });
});
