/**
 * The example prod contract's deploy hook is `http://localhost:3000/sandbox/deployer/prod`; a
 * sandbox on any other port (here PORT=0) must still hand off to its own deployer, and nothing
 * but that loopback deployer URL may be re-pointed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeployHookSender } from "../../src/adapters/deploy-hook/send-deploy-hook.js";
import { sandboxDeployUrl } from "../../src/sandbox/sandbox-deploy-url.js";
import { SANDBOX_DEPLOY_SECRET_ENV } from "../../src/sandbox/sandbox-mode.js";
import { type SandboxApp, startSandboxApp } from "./sandbox-harness.js";

const SELF = "http://127.0.0.1:43117";

describe("sandboxDeployUrl", () => {
  it("re-points the sandbox deployer on loopback at this process, keeping path and query", () => {
    expect(sandboxDeployUrl("http://localhost:3000/sandbox/deployer/prod", SELF)).toBe(
      `${SELF}/sandbox/deployer/prod`,
    );
    expect(sandboxDeployUrl("http://127.0.0.1:3000/sandbox/deployer/staging?x=1", SELF)).toBe(
      `${SELF}/sandbox/deployer/staging?x=1`,
    );
    expect(sandboxDeployUrl("http://[::1]:8080/sandbox/deployer/prod", SELF)).toBe(
      `${SELF}/sandbox/deployer/prod`,
    );
  });

  it("leaves every other URL exactly as the contract says", () => {
    for (const url of [
      "https://cd.example.com/sandbox/deployer/prod",
      "http://deployer.internal:3000/sandbox/deployer/prod",
      "http://localhost:3000/hooks/prod",
      "http://localhost:3000/sandbox/deployerx/prod",
      "https://localhost:3000/sandbox/deployer/prod",
      "not a url",
    ]) {
      expect(sandboxDeployUrl(url, SELF)).toBe(url);
    }
    expect(sandboxDeployUrl("http://localhost:3000/sandbox/deployer/prod", undefined)).toBe(
      "http://localhost:3000/sandbox/deployer/prod",
    );
  });
});

describe("sandbox deploy hand-off on a port other than 3000", () => {
  let s: SandboxApp;
  beforeAll(async () => {
    s = await startSandboxApp();
  });
  afterAll(async () => {
    await s?.close();
  });

  it("sends the contract's localhost:3000 hook to this sandbox's deployer, which reports the deployment", async () => {
    const port = Number(new URL(s.baseUrl).port);
    expect(port).not.toBe(3000);
    const contract = readFileSync(join(s.contractsDir, "prod.yml"), "utf8");
    expect(contract).toContain("url: http://localhost:3000/sandbox/deployer/prod");

    const sender = createDeployHookSender({
      env: s.sandbox.env,
      resolveUrl: s.sandbox.promotionOptions.deployHookUrl,
    });
    const artifact = { name: "sandbox-handoff", digest: `sha256:${"7".repeat(64)}` };
    const outcome = await sender.send({
      url: "http://localhost:3000/sandbox/deployer/prod",
      secretEnv: SANDBOX_DEPLOY_SECRET_ENV,
      body: JSON.stringify({ promotion_id: "prom_handoff", to: "prod", artifact }),
      deliveryId: "prom_handoff",
    });
    expect(outcome).toEqual({ ok: true, status: 202 });

    const deployments = s.app.context.stores.deployments;
    const deadline = Date.now() + 5000;
    while (deployments.runningNamed("prod", artifact.name) === undefined) {
      if (Date.now() > deadline) throw new Error("the sandbox deployer never reported the deployment");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(deployments.runningNamed("prod", artifact.name)?.digest).toBe(artifact.digest);
  });
});
