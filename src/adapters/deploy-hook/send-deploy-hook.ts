/**
 * POSTs an approved promotion to the contract's `deploy.webhook` (SPEC §3.5), signed with the
 * `v1` scheme and the secret named by `secret_env`. `X-Tollgate-Delivery` is the promotion id on
 * every attempt, so a receiver that dedupes on it acts once even when a send is repeated after a
 * crash (see flows/execute-promotion.ts for the delivery semantics).
 */
import type { DeployHookSender, SendOutcome } from "../../flows/execute-promotion.js";
import { pooledFetch } from "../http/pooled-fetch.js";
import { signedHeaders } from "../http/v1-signature.js";

export interface DeployHookSenderOptions {
  /** Where `secret_env` names are looked up (main.ts passes process.env). */
  env: Record<string, string | undefined>;
  timeoutMs?: number;
  nowSeconds?: () => number;
  /**
   * Where a contract's webhook URL is actually sent (sandbox mode maps its own deployer to the
   * address it listens on); the identity by default. The signature covers the body, not the URL.
   */
  resolveUrl?: (url: string) => string;
  /** The pooled fetch by default (pooled-fetch.ts). */
  fetch?: typeof fetch;
}

export function createDeployHookSender(options: DeployHookSenderOptions): DeployHookSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const resolveUrl = options.resolveUrl ?? ((url: string) => url);
  const send = options.fetch ?? pooledFetch();
  return {
    async send(item): Promise<SendOutcome> {
      const secret = options.env[item.secretEnv];
      if (secret === undefined || secret === "") {
        return { ok: false, error: `${item.secretEnv} is not set, so the deploy hook cannot be signed` };
      }
      const headers = {
        ...signedHeaders(secret, item.body, nowSeconds()),
        "x-tollgate-delivery": item.deliveryId,
        "user-agent": "tollgate-deploy-hook",
      };
      const url = resolveUrl(item.url);
      try {
        const response = await send(url, {
          method: "POST",
          headers,
          body: item.body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: "manual",
        });
        // Drain the body so the connection can be reused; its content is not needed.
        await response.arrayBuffer().catch(() => undefined);
        if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
        return { ok: false, error: `HTTP ${response.status} from ${new URL(url).host}` };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        const why = cause ?? (error instanceof Error ? error.name : "error");
        return { ok: false, error: `${new URL(url).host} unreachable (${why})` };
      }
    },
  };
}
