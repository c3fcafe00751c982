/**
 * A deploy hook's secret is read from the environment when a promotion is sent (contracts check
 * runs in CI without secrets), so the running bot is the one to say that it is missing.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { promotionAppModule } from "../../src/modules/promotions.js";
import { createTempContracts, type TempContracts } from "../helpers/temp-contracts.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

describe("a deploy hook whose secret_env is not set", () => {
  let running: TestApp | undefined;
  let contracts: TempContracts | undefined;
  afterEach(async () => {
    await running?.stop();
    contracts?.cleanup();
    running = contracts = undefined;
  });

  const warnings = (app: TestApp) =>
    app.logs
      .flatMap((chunk) => chunk.split("\n").filter(Boolean))
      .map((line) => JSON.parse(line) as { level: string; msg: string; environment?: string })
      .filter((line) => line.level === "warn" && line.msg.includes("deploy hook"));

  it("is named in a warning at start, with the environment whose promotions it blocks", async () => {
    // The example prod contract signs its hook with TOLLGATE_SANDBOX_DEPLOY_SECRET.
    running = await startTestApp({ modules: [promotionAppModule({ env: {} })] });
    const [warning, ...more] = warnings(running);
    expect(more).toEqual([]);
    expect(warning).toMatchObject({ environment: "prod" });
    expect(warning?.msg).toContain("TOLLGATE_SANDBOX_DEPLOY_SECRET is not set");
  });

  it("is not warned about when the variable is set", async () => {
    running = await startTestApp({
      modules: [promotionAppModule({ env: { TOLLGATE_SANDBOX_DEPLOY_SECRET: "a-secret-of-enough-length" } })],
    });
    expect(warnings(running)).toEqual([]);
  });

  it("is named again after a reload that brings in such a hook", async () => {
    const hook = (secretEnv: string) =>
      `channel: C0PROD\ndeploy:\n  webhook: {url: "https://deployer.internal/hook", secret_env: ${secretEnv}}\n`;
    contracts = createTempContracts({ "prod.yml": hook("SET_SECRET") });
    running = await startTestApp({
      env: { CONTRACTS_DIR: contracts.dir },
      modules: [promotionAppModule({ env: { SET_SECRET: "a-secret-of-enough-length" } })],
    });
    expect(warnings(running)).toEqual([]);
    writeFileSync(join(contracts.dir, "prod.yml"), hook("NEW_SECRET"));
    expect(running.app.context.contracts.reload().ok).toBe(true);
    expect(warnings(running).map((w) => w.msg)).toEqual([expect.stringContaining("NEW_SECRET is not set")]);
  });
});
