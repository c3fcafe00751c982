/**
 * The whole bot for promotion tests: createApp with the promotions and Slack modules on
 * 127.0.0.1:0, a real SQLite file, real YAML contracts, the Slack emulator (user groups, cards,
 * response_urls), a loopback deployer that verifies the v1 signature and dedupes on
 * X-Tollgate-Delivery, and a clock the test moves.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyV1 } from "../../src/adapters/http/v1-signature.js";
import type { PromoteHandlers } from "../../src/adapters/slack/listeners/promote-command.js";
import type { SlackModule } from "../../src/adapters/slack/slack-module.js";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { type PromotionAppModule, promotionAppModule } from "../../src/modules/promotions.js";
import { slackAppModule } from "../../src/modules/slack.js";
import { postSigned } from "./api-client.js";
import { DEFAULT_BOT_TOKEN, type SlackEmulator, SlackRequestSigner, startSlackEmulator } from "./slack.js";
import { createTempContracts, type TempContracts } from "./temp-contracts.js";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const WEBHOOK_SECRET = "test-webhook-secret-0123456789";
export const DEPLOY_SECRET = "deploy-secret-abcdef0123456789";
export const API_TOKEN = "read-token-0123456789abcdef";
export const CHANNELS = {
  staging: { id: "C0STAGING", name: "staging" },
  prod: { id: "C0PROD", name: "prod" },
};
export const USERS = {
  requester: { id: "U0REQ", name: "req" },
  alice: { id: "U0ALICE", name: "alice" },
  bob: { id: "W0ENTBOB", name: "bob" },
  erin: { id: "U0ERIN", name: "erin" },
  mallory: { id: "U0MALLORY", name: "mallory" },
};
export const COMMIT = "9fceb02d0ae598e95dc970b74767f19372d61af8";

export function digestOf(n: number): string {
  return `sha256:${n.toString(16).padStart(64, "0")}`;
}

export function prodContract(
  deployUrl: string,
  extra = "",
  rollbackAction: "propose" | "auto" = "propose",
): string {
  return `description: Live traffic
after: staging
channel: C0PROD
timezone: UTC
artifact:
  same_as: staging
evidence:
  - {kind: test, name: unit}
approvals:
  required: 2
  approvers: [S0RELEASE, U0ALICE, W0ENTBOB]
  self_approval: false
  expire_after: 8h
requesters: [S0ENGINEERS, U0REQ]
rollback:
  when:
    - {kind: health, name: error-rate, status: failed}
  within: 2h
  action: ${rollbackAction}
  lock: true
deploy:
  webhook: {url: "${deployUrl}", secret_env: PROD_DEPLOY_SECRET}
${extra}`;
}

export const STAGING_CONTRACT = `description: Pre-production
channel: C0STAGING
evidence:
  - {kind: test, name: unit}
`;

export interface DeployerCall {
  delivery: string;
  body: { promotion_id: string; approved_by: string[]; to: string; artifact: { digest: string } };
  signatureValid: boolean;
}

export interface Deployer {
  url: string;
  calls: DeployerCall[];
  /** Distinct deliveries acted on (a repeated X-Tollgate-Delivery is answered but not acted on). */
  acted: Map<string, DeployerCall>;
  /** Status to answer with (503 = down); default 202. */
  status: number;
  close(): Promise<void>;
}

export async function startDeployer(): Promise<Deployer> {
  const deployer = {
    calls: [] as DeployerCall[],
    acted: new Map<string, DeployerCall>(),
    status: 202,
  } as Deployer;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const h = (n: string) => req.headers[n] as string | undefined;
      const signatureValid = verifyV1(
        [DEPLOY_SECRET],
        h("x-tollgate-timestamp"),
        h("x-tollgate-signature"),
        raw,
        Math.floor(Date.now() / 1000),
      );
      const call = {
        delivery: h("x-tollgate-delivery") ?? "",
        body: JSON.parse(raw.toString()),
        signatureValid,
      };
      deployer.calls.push(call);
      if (deployer.status >= 300 || !signatureValid) {
        res.writeHead(signatureValid ? deployer.status : 401).end();
        return;
      }
      if (!deployer.acted.has(call.delivery)) deployer.acted.set(call.delivery, call);
      res.writeHead(deployer.status, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  deployer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/prod`;
  deployer.close = () => new Promise((resolve) => server.close(() => resolve()));
  return deployer;
}

export interface PromotionHarness {
  app: App;
  slack: SlackModule;
  promotions: PromotionAppModule;
  emulator: SlackEmulator;
  signer: SlackRequestSigner;
  deployer: Deployer;
  contracts: TempContracts;
  baseUrl: string;
  dbPath: string;
  clock: { now(): Date; advance(ms: number): void };
  post(path: string, body: object): Promise<number>;
  /** Registers the artifact with passing unit evidence, deployed to staging. */
  readyArtifact(n: number, name?: string): Promise<string>;
  /** `/promote <text>` as `user`; resolves with the ephemeral reply. */
  promote(user: { id: string; name: string }, text: string): Promise<string>;
  /** The card message for a digest in prod. */
  card(digest: string): { ts: string; text: string } | undefined;
  /** Clicks `actionId` on the card as `user`; resolves with the ephemeral reply. */
  click(user: { id: string; name: string }, digest: string, actionId: string): Promise<string>;
  until(check: () => boolean, timeoutMs?: number): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  prodExtra?: string;
  rollbackAction?: "propose" | "auto";
  groups?: Record<string, readonly string[]>;
  executor?: { baseDelayMs?: number; maxDelayMs?: number; leaseMs?: number; intervalMs?: number };
  /** Card coalescing quiet period / longest wait (defaults 30 ms / 200 ms keep tests quick). */
  coalesce?: { quietMs: number; maxWaitMs: number };
  /** `/promote` handlers to use instead of the real ones (e.g. one that fails a certain way). */
  commands?: Partial<PromoteHandlers>;
}

export async function startPromotionHarness(options: HarnessOptions = {}): Promise<PromotionHarness> {
  const users = Object.values(USERS);
  const emulator = await startSlackEmulator({
    channels: Object.values(CHANNELS),
    users,
    userGroups: (options.groups as Record<string, string[]> | undefined) ?? {
      S0RELEASE: ["U0ERIN"],
      S0ENGINEERS: ["U0ALICE", "W0ENTBOB", "U0ERIN"],
    },
  });
  const deployer = await startDeployer();
  const contracts = createTempContracts({
    "staging.yml": STAGING_CONTRACT,
    "prod.yml": prodContract(deployer.url, options.prodExtra, options.rollbackAction),
  });
  const dataDir = mkdtempSync(join(tmpdir(), "tollgate-promo-"));
  const dbPath = join(dataDir, "tollgate.db");
  let now = Date.now();
  const clock = {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
  const config = loadConfig({
    SLACK_BOT_TOKEN: DEFAULT_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: emulator.apiUrl,
    DATABASE_URL: dbPath,
    CONTRACTS_DIR: contracts.dir,
    HOST: "127.0.0.1",
    PORT: "0",
    TOLLGATE_WEBHOOK_SECRETS: WEBHOOK_SECRET,
    TOLLGATE_API_TOKENS: API_TOKEN,
    LOG_LEVEL: "silent",
  });
  const h = { emulator, deployer, contracts, clock, dbPath } as PromotionHarness;

  async function boot(): Promise<void> {
    let slack: SlackModule | undefined;
    const promotions = promotionAppModule({
      env: { PROD_DEPLOY_SECRET: DEPLOY_SECRET },
      executor: {
        baseDelayMs: 1_000,
        maxDelayMs: 60_000,
        leaseMs: 30_000,
        intervalMs: 3_600_000,
        ...options.executor,
      },
      sweepIntervalMs: 3_600_000,
    });
    const slackModule = slackAppModule({
      commands: () => ({
        ...promotions.slackCommands(),
        drift: async (_c, ctx) =>
          ctx.respond({ response_type: "ephemeral", text: "drift elsewhere", blocks: [] }),
        ...options.commands,
      }),
      listeners: (s) => promotions.attachSlack(s),
      promotions: promotions.cardSource,
      coalesce: options.coalesce ?? { quietMs: 30, maxWaitMs: 200 },
      outbox: { backoffBaseMs: 20, backoffMaxMs: 200 },
      onCreated: (s) => {
        slack = s;
      },
    });
    const app = await createApp(config, { modules: [promotions, slackModule], clock, drainMs: 1000 });
    const address = await app.listen();
    h.app = app;
    h.slack = slack!;
    h.promotions = promotions;
    h.baseUrl = `http://127.0.0.1:${address.port}`;
    h.signer = new SlackRequestSigner({
      url: `${h.baseUrl}/slack/events`,
      signingSecret: SIGNING_SECRET,
      emulator,
    });
  }

  const until = async (check: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error("condition not met in time");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  const replyTo = async (responseUrl: string | undefined): Promise<string> => {
    const find = () =>
      emulator.responseUrlPosts.find(
        (p) =>
          `${emulator.baseUrl}${new URL(p.url, emulator.baseUrl).pathname}` === responseUrl ||
          p.url === responseUrl,
      );
    await until(() => find() !== undefined);
    return String(find()?.body.text ?? "");
  };

  Object.assign(h, {
    until,
    // Signed on the harness clock: the server checks the timestamp against the same clock.
    post: async (path: string, body: object) =>
      (
        await postSigned(h.baseUrl, path, body, {
          secret: WEBHOOK_SECRET,
          timestamp: Math.floor(clock.now().getTime() / 1000),
        })
      ).status,
    async readyArtifact(n: number, name = `svc-${n}`) {
      const artifact = { name, digest: digestOf(n), version: `1.0.${n}`, commit: COMMIT };
      await h.post("/api/v1/evidence", { artifact, kind: "test", name: "unit", status: "passed" });
      await h.post("/api/v1/deployments", { environment: "staging", artifact, status: "succeeded" });
      return artifact.digest;
    },
    async promote(user: { id: string; name: string }, text: string) {
      const delivery = await h.signer.slashCommand({
        user,
        channel: CHANNELS.prod,
        command: "/promote",
        text,
      });
      if (delivery.status !== 200) throw new Error(`slash command answered ${delivery.status}`);
      return replyTo(delivery.responseUrl);
    },
    card(digest: string) {
      // Card buttons carry the full digest in their value; thread replies are not top-level.
      const message = emulator.firstMessage(CHANNELS.prod.id, (m) =>
        JSON.stringify(m.blocks ?? []).includes(digest),
      );
      return message && { ts: message.ts, text: JSON.stringify(message.blocks ?? []) };
    },
    async click(user: { id: string; name: string }, digest: string, actionId: string) {
      await until(() => h.card(digest)?.text.includes(actionId) ?? false);
      const card = h.card(digest)!;
      const delivery = await h.signer.clickInMessage({
        user,
        channel: CHANNELS.prod,
        messageTs: card.ts,
        actionId,
      });
      if (delivery.status !== 200) throw new Error(`click answered ${delivery.status}`);
      return replyTo(delivery.responseUrl);
    },
    async restart() {
      await h.app.stop();
      await boot();
    },
    async close() {
      await h.app.stop();
      await emulator.close();
      await deployer.close();
      contracts.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
  await boot();
  return h;
}
