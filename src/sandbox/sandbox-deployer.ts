/**
 * A stand-in for a CD system at /sandbox/deployer/<environment>: takes the signed deploy hook
 * (SPEC §3.5; verified with the product's verifyV1 and the sandbox deploy secret), answers 202,
 * and a moment later reports the deployment `succeeded` through the real signed
 * /api/v1/deployments — so an approved promotion in the sandbox reaches "deployed".
 */
import { readBody } from "../adapters/http/read-body.js";
import { sendJson } from "../adapters/http/respond.js";
import { verifyV1 } from "../adapters/http/v1-signature.js";
import { postToApi } from "./sample-routes.js";
import type { SandboxContext } from "./sandbox-context.js";

interface DeployHook {
  promotion_id: string;
  to: string;
  artifact: { name: string; digest: string; version?: string };
}

function parseHook(raw: Buffer): DeployHook | undefined {
  try {
    const body = JSON.parse(raw.toString("utf8")) as Partial<DeployHook>;
    if (typeof body.promotion_id !== "string" || typeof body.to !== "string") return undefined;
    if (typeof body.artifact?.name !== "string" || typeof body.artifact.digest !== "string") return undefined;
    return body as DeployHook;
  } catch {
    return undefined;
  }
}

export function registerDeployer(sandbox: SandboxContext): void {
  const handled = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  sandbox.app.onStop(() => {
    for (const timer of timers) clearTimeout(timer);
  });
  const log = sandbox.app.logger.child({ component: "sandbox-deployer" });
  sandbox.app.http.mount("/sandbox/deployer", async (req, res) => {
    if (req.method !== "POST") return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "POST" });
    const raw = await readBody(req, 1024 * 1024);
    const header = (name: string) => req.headers[name] as string | undefined;
    const valid = verifyV1(
      [sandbox.secrets.deploySecret],
      header("x-tollgate-timestamp"),
      header("x-tollgate-signature"),
      raw,
      Math.floor(Date.now() / 1000),
    );
    if (!valid) return sendJson(res, 401, { error: "unauthorized" });
    const hook = parseHook(raw);
    const environment = (req.url ?? "").split("?")[0]?.split("/")[3];
    if (hook === undefined || hook.to !== environment)
      return sendJson(res, 400, { error: "invalid_payload" });
    sendJson(res, 202, { status: "accepted" });
    // A retried hand-off (same promotion) is answered again but deployed once.
    if (handled.has(hook.promotion_id)) return;
    handled.add(hook.promotion_id);
    const timer = setTimeout(() => {
      timers.delete(timer);
      const report = {
        environment: hook.to,
        artifact: hook.artifact,
        status: "succeeded",
        url: `${sandbox.selfUrl()}/sandbox/deployer/${hook.to}`,
      };
      postToApi(sandbox, "/api/v1/deployments", report, `sandbox-deploy-${hook.promotion_id}`).then(
        (answer) =>
          log.info({ promotion: hook.promotion_id, status: answer.status }, "sandbox deployment reported"),
        (error: unknown) =>
          log.error({ err: error, promotion: hook.promotion_id }, "sandbox deployment report failed"),
      );
    }, sandbox.deployDelayMs);
    timers.add(timer);
  });
}
