/**
 * Hostile and malformed files are refused with one clear error each: never a crash, never a hang,
 * never a half-loaded set.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  formatContractError,
  loadContractSet,
  MAX_CONTRACT_BYTES,
} from "../../../src/adapters/contracts/index.js";
import { createTempContracts, type TempContracts } from "../../helpers/temp-contracts.js";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/contracts");

function errorsIn(dir: string, cwd = FIXTURES): string[] {
  const result = loadContractSet(dir, { cwd });
  if (result.ok) throw new Error(`${dir} unexpectedly valid`);
  return result.errors.map(formatContractError);
}

let temp: TempContracts | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

describe("hostile YAML fixtures", () => {
  it("refuses an alias bomb without expanding it, with one error", () => {
    const started = performance.now();
    expect(errorsIn("alias-bomb")).toEqual([
      "alias-bomb/prod.yml:3:8 aliases (*a) are not allowed in contracts; repeat the value instead (72 aliases in this file)",
    ]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("refuses custom and language tags at the tag", () => {
    expect(errorsIn("custom-tags")).toEqual([
      "custom-tags/prod.yml:1:14 YAML tags (!!js/function) are not allowed in contracts",
      "custom-tags/prod.yml:2:10 YAML tags (!secret) are not allowed in contracts",
    ]);
  });

  it("refuses duplicate keys, naming the key", () => {
    expect(errorsIn("duplicate-keys")).toEqual([
      'duplicate-keys/prod.yml:3:1 duplicate key "channel"; each key may appear only once in a mapping',
    ]);
  });

  it("refuses empty and comment-only files", () => {
    const message = "file is empty; a contract is a mapping of keys (see docs/contracts.md)";
    expect(errorsIn("empty")).toEqual([`empty/prod.yml:1:1 ${message}`, `empty/staging.yml:1:1 ${message}`]);
  });

  it("refuses a list or a scalar at the top level", () => {
    expect(errorsIn("list")).toEqual([
      "list/prod.yml:1:1 expected a mapping of contract keys at the top level, found a list",
    ]);
    expect(errorsIn("scalar")).toEqual([
      "scalar/prod.yml:1:1 expected a mapping of contract keys at the top level, found a single value",
    ]);
  });

  it("refuses several documents in one file", () => {
    expect(errorsIn("multi-doc")).toEqual([
      "multi-doc/prod.yml:2:1 several YAML documents (---) in one file; a contract file holds exactly one",
    ]);
  });

  it("refuses invalid UTF-8 at the first bad byte", () => {
    expect(errorsIn("invalid-utf8")).toEqual(["invalid-utf8/prod.yml:1:17 file is not valid UTF-8"]);
  });

  it("refuses a folder without contracts", () => {
    expect(errorsIn("no-contracts")).toEqual([
      "no-contracts no contracts: add <environment>.yml files (see docs/contracts.md)",
    ]);
  });
});

describe("generated hostile files", () => {
  it("refuses a 10 MB file by its size, before parsing", () => {
    temp = createTempContracts({ "dev.yml": "channel: C0TGDEV001\n" });
    const content = `description: "${"x".repeat(10 * 1024 * 1024)}"\n`;
    temp.write("prod.yml", content);
    const started = performance.now();
    expect(errorsIn("contracts", temp.root)).toEqual([
      `contracts/prod.yml:1:1 file is ${content.length} bytes; contracts are limited to 1 MiB`,
    ]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("accepts a file of exactly the limit's size", () => {
    temp = createTempContracts();
    const head = "description: ok\n";
    temp.write("dev.yml", `${head}${"#".repeat(MAX_CONTRACT_BYTES - head.length - 1)}\n`);
    expect(loadContractSet("contracts", { cwd: temp.root }).ok).toBe(true);
  });

  it("refuses deep nesting quickly, while brackets inside strings do not count", () => {
    temp = createTempContracts();
    const half = (MAX_CONTRACT_BYTES - 20) / 2;
    temp.write("dev.yml", `description: ${"[".repeat(half)}${"]".repeat(half)}\n`);
    const started = performance.now();
    expect(errorsIn("contracts", temp.root)).toEqual([
      "contracts/dev.yml:1:1 [ ] / { } nested deeper than 32 levels; contracts are shallow",
    ]);
    expect(performance.now() - started).toBeLessThan(5_000);
    temp.write("dev.yml", `description: "${"[".repeat(100)}"\nfreeze: [{weekly: "Sun 02:00 - Sun 04:00"}]\n`);
    expect(loadContractSet("contracts", { cwd: temp.root }).ok).toBe(true);
  });

  it("refuses an empty folder and a missing one", () => {
    temp = createTempContracts();
    expect(errorsIn("contracts", temp.root)).toEqual([
      "contracts no contracts: add <environment>.yml files (see docs/contracts.md)",
    ]);
    expect(errorsIn("missing", temp.root)[0]).toMatch(/^missing no such folder/);
  });

  it("ignores other extensions and dotfiles, and reads .yaml as well as .yml", () => {
    temp = createTempContracts({
      "dev.yml": "channel: C0TGDEV001\n",
      "staging.yaml": "after: dev\n",
      "README.md": "# notes\n",
      ".prod.yml.swp": "\u0000\u0001 garbage",
      "prod.yml.bak": "after: nowhere\n",
    });
    const result = loadContractSet("contracts", { cwd: temp.root });
    expect(result.ok && result.set.order).toEqual(["dev", "staging"]);
  });

  it("refuses collection keys and control characters", () => {
    temp = createTempContracts({
      "dev.yml": "? [a, b]\n: value\n",
      "prod.yml": 'after: dev\ndescription: "bell\\a"\n',
    });
    expect(errorsIn("contracts", temp.root)).toEqual([
      "contracts/dev.yml:1:3 keys must be plain text, not lists or mappings",
      "contracts/prod.yml:2:14 description: must not contain control characters",
    ]);
  });

  it("keeps checking the other files when one is hostile", () => {
    temp = createTempContracts({
      "dev.yml": "a: &x [1]\nb: *x\n",
      "prod.yml": "after: stagign\n",
      "staging.yml": "after: dev\ntimezone: Mars/Olympus\n",
    });
    expect(errorsIn("contracts", temp.root)).toEqual([
      "contracts/dev.yml:2:4 aliases (*x) are not allowed in contracts; repeat the value instead",
      'contracts/prod.yml:1:8 after: unknown environment "stagign" (did you mean "staging"?); known: dev, prod, staging',
      'contracts/staging.yml:2:11 timezone: unknown time zone "Mars/Olympus"; use an IANA name such as Europe/Berlin',
    ]);
  });
});
