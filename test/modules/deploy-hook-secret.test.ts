/**
 * A deploy hook's secret is read from the environment when a promotion is sent (contracts check
 * runs in CI without secrets), so the running bot is the one to say that it is missing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { promotionAppModule } from "../../src/modules/promotions.js";
import { startTestApp, type TestApp } from "../helpers/test-app.js";

describe("a deploy hook whose secret_env is not set", () => {
  let running: TestApp | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
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
});
