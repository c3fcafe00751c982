/** SIGHUP reloads: a valid set replaces the running one; an invalid set is refused and logged. */
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createContractRegistry } from "../../../src/adapters/contracts/index.js";
import { createLogger } from "../../../src/adapters/log.js";
import type { ContractSet } from "../../../src/domain/contract.js";
import { isCodedError } from "../../../src/errors.js";
import { createTempContracts, type TempContracts } from "../../helpers/temp-contracts.js";

let temp: TempContracts | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: createLogger({ level: "info", secrets: [], destination }), lines };
}

function setup() {
  temp = createTempContracts({ "dev.yml": "channel: C0TGDEV001\n", "prod.yml": "after: dev\n" });
  const { logger, lines } = capturingLogger();
  const registry = createContractRegistry("contracts", logger, { cwd: temp.root });
  return { temp, registry, lines };
}

describe("contract registry", () => {
  it("refuses to start with invalid contracts, listing every error", () => {
    temp = createTempContracts({ "dev.yml": "after: dev\n", "prod.yml": "afterr: dev\n" });
    const { logger } = capturingLogger();
    let thrown: unknown;
    try {
      createContractRegistry("contracts", logger, { cwd: temp.root });
    } catch (error) {
      thrown = error;
    }
    expect(isCodedError(thrown, "contract_invalid")).toBe(true);
    expect((thrown as { details: unknown }).details).toEqual([
      "contracts/dev.yml:1:8 after: cycle in the after chain: dev → dev",
      'contracts/prod.yml:1:1 afterr: unknown key "afterr" (did you mean "after"?)',
    ]);
  });

  it("keeps the running set when a reload is invalid, and logs why", () => {
    const { temp, registry, lines } = setup();
    const before = registry.current();
    temp.write("prod.yml", "after: dev\nsoak: 1h\n");
    const result = registry.reload();
    expect(result).toEqual({
      ok: false,
      changed: false,
      errors: ['contracts/prod.yml:2:1 soak: unknown key "soak"'],
    });
    expect(registry.current()).toBe(before);
    expect(registry.current().contracts.get("prod")?.after).toBe("dev");
    const logged = lines.find((line) => line.code === "contract_invalid");
    expect(logged).toMatchObject({ level: "error", errors: result.errors });
  });

  it("swaps in a valid set and tells listeners once per change", () => {
    const { temp, registry } = setup();
    const seen: ContractSet[] = [];
    const unsubscribe = registry.onReload((set) => seen.push(set));
    const oldRevision = registry.current().contracts.get("prod")?.revision;

    expect(registry.reload()).toEqual({ ok: true, errors: [], changed: false });
    expect(seen).toHaveLength(0);

    temp.write("prod.yml", "after: dev\nartifact: {soak: 1h}\n");
    expect(registry.reload()).toEqual({ ok: true, errors: [], changed: true });
    expect(seen).toHaveLength(1);
    expect(registry.current().contracts.get("prod")?.artifact.soakMs).toBe(3_600_000);
    expect(registry.current().contracts.get("prod")?.revision).not.toBe(oldRevision);

    unsubscribe();
    temp.write("staging.yml", "after: dev\n");
    temp.write("prod.yml", "after: staging\n");
    expect(registry.reload().changed).toBe(true);
    expect(seen).toHaveLength(1);
    expect(registry.current().order).toEqual(["dev", "staging", "prod"]);
  });

  it("survives a throwing listener and still notifies the others", () => {
    const { temp, registry, lines } = setup();
    const seen: string[] = [];
    registry.onReload(() => {
      throw new Error("view broke");
    });
    registry.onReload((set) => seen.push(set.order.join(",")));
    temp.write("dev.yml", "channel: C0TGDEV002\n");
    expect(registry.reload().ok).toBe(true);
    expect(seen).toEqual(["dev,prod"]);
    expect(lines.some((line) => line.msg === "contract reload listener failed")).toBe(true);
  });
});
