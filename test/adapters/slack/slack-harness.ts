/**
 * The whole bot for Slack end-to-end tests: the real app (createApp) with the Slack module on
 * 127.0.0.1:0, a real SQLite file, real contracts in a temp folder, the Slack emulator as Slack's
 * Web API, and signed Slack requests. `restart()` reopens the same database and contracts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { SlackModule } from "../../../src/adapters/slack/slack-module.js";
import { type App, createApp } from "../../../src/app.js";
import { loadConfig } from "../../../src/config.js";
import { type SlackAppModuleOptions, slackAppModule } from "../../../src/modules/slack.js";
import { postSigned } from "../../helpers/api-client.js";
import {
  DEFAULT_BOT_TOKEN,
  type SlackEmulator,
  SlackRequestSigner,
  startSlackEmulator,
} from "../../helpers/slack.js";
import { createTempContracts, type TempContracts } from "../../helpers/temp-contracts.js";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const WEBHOOK_SECRET = "test-webhook-secret-0123456789";
export const STAGING = { id: "C0STAGING", name: "staging" };
export const PROD = { id: "C0PROD", name: "prod" };
export const ALICE = { id: "U0ALICE", name: "alice" };

export const CONTRACTS = {
  "staging.yml": `description: Pre-production
channel: C0STAGING
evidence:
  - {kind: test, name: unit}
  - {kind: test, name: e2e}
`,
  "prod.yml": `description: Live traffic
after: staging
channel: C0PROD
artifact:
  same_as: staging
evidence:
  - {kind: test, name: unit}
approvals:
  required: 1
  approvers: [U0ALICE]
`,
};

export function digestOf(n: number): string {
  return `sha256:${n.toString(16).padStart(64, "0")}`;
}

export interface Harness {
  app: App;
  slack: SlackModule;
  emulator: SlackEmulator;
  signer: SlackRequestSigner;
  baseUrl: string;
  contracts: TempContracts;
  /** The app's log lines at warn and above, parsed (only with `captureLogs`). */
  logs: Record<string, unknown>[];
  evidence(body: object): Promise<number>;
  deployment(body: object): Promise<number>;
  /** Waits until `check` holds (polls every 20 ms) or fails after `timeoutMs`. */
  until(check: () => boolean, timeoutMs?: number): Promise<void>;
  /** Stops the app; `drain: false` leaves pending Slack calls in SQLite, as a crash would. */
  stop(options?: { drain?: boolean }): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export type HarnessOptions = Partial<
  Pick<SlackAppModuleOptions, "coalesce" | "outbox" | "reevaluate" | "reconcile">
> & {
  contracts?: Record<string, string>;
  /** Keep the app's warn/error lines in `h.logs` instead of silencing them. */
  captureLogs?: boolean;
};

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator = await startSlackEmulator({ channels: [STAGING, PROD], users: [ALICE] });
  const contracts = createTempContracts(options.contracts ?? CONTRACTS);
  const dataDir = mkdtempSync(join(tmpdir(), "tollgate-slack-"));
  const config = loadConfig({
    SLACK_BOT_TOKEN: DEFAULT_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: emulator.apiUrl,
    DATABASE_URL: join(dataDir, "tollgate.db"),
    CONTRACTS_DIR: contracts.dir,
    HOST: "127.0.0.1",
    PORT: "0",
    TOLLGATE_WEBHOOK_SECRETS: WEBHOOK_SECRET,
    LOG_LEVEL: options.captureLogs ? "warn" : "silent",
  });
  let drainOnStop = true;
  const h = {} as Harness;

  async function boot(): Promise<void> {
    let created: SlackModule | undefined;
    const module = slackAppModule({
      commands: () => ({
        request: async (_c, ctx) =>
          ctx.respond({ response_type: "in_channel", text: "request handled elsewhere" }),
        drift: async (_c, ctx) =>
          ctx.respond({ response_type: "in_channel", text: "drift handled elsewhere" }),
        rollback: async (_c, ctx) =>
          ctx.respond({ response_type: "in_channel", text: "rollback handled elsewhere" }),
        lock: async (_c, ctx) => ctx.respond({ response_type: "in_channel", text: "lock handled elsewhere" }),
        unlock: async (_c, ctx) =>
          ctx.respond({ response_type: "in_channel", text: "unlock handled elsewhere" }),
        history: async (_c, ctx) =>
          ctx.respond({ response_type: "in_channel", text: "history handled elsewhere" }),
      }),
      coalesce: options.coalesce ?? { quietMs: 150, maxWaitMs: 1000 },
      outbox: options.outbox ?? { backoffBaseMs: 50, backoffMaxMs: 500 },
      ...(options.reevaluate ? { reevaluate: options.reevaluate } : {}),
      ...(options.reconcile ? { reconcile: options.reconcile } : {}),
      get drainOnStop() {
        return drainOnStop;
      },
      onCreated: (slack) => {
        created = slack;
      },
    });
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n")) if (line) h.logs.push(JSON.parse(line));
        done();
      },
    });
    const app = await createApp(config, { modules: [module], drainMs: 1000, logDestination });
    const address = await app.listen();
    h.app = app;
    h.slack = created!;
    h.baseUrl = `http://127.0.0.1:${address.port}`;
    h.signer = new SlackRequestSigner({
      url: `${h.baseUrl}/slack/events`,
      signingSecret: SIGNING_SECRET,
      emulator,
    });
  }

  Object.assign(h, {
    emulator,
    contracts,
    logs: [],
    async evidence(body: object) {
      return (await postSigned(h.baseUrl, "/api/v1/evidence", body, { secret: WEBHOOK_SECRET })).status;
    },
    async deployment(body: object) {
      return (await postSigned(h.baseUrl, "/api/v1/deployments", body, { secret: WEBHOOK_SECRET })).status;
    },
    async until(check: () => boolean, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error("condition not met in time");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop(stopOptions: { drain?: boolean } = {}) {
      drainOnStop = stopOptions.drain ?? true;
      await h.app.stop();
      drainOnStop = true;
    },
    restart: boot,
    async close() {
      await h.app.stop();
      await emulator.close();
      contracts.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
  await boot();
  return h;
}

export function evidenceFor(n: number, name: string, status = "passed", extra: object = {}) {
  return {
    artifact: {
      name: `svc-${n}`,
      digest: digestOf(n),
      version: `1.0.${n}`,
      commit: "9fceb02d0ae598e95dc970b74767f19372d61af8",
    },
    kind: "test",
    name,
    status,
    ...extra,
  };
}

/** All text of a stored message's blocks, for assertions on what a person sees. */
export function blockText(blocks: unknown): string {
  return JSON.stringify(blocks ?? []);
}
