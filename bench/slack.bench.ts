/**
 * Slack benchmarks, against the real app (createApp + Slack module) and the Slack emulator:
 * (a) Slack-call economy: 1,000 evidence events over 50 artifacts within 10 s, production
 *     coalescing. Calls are compared with the floor (one post + one final update per card) and
 *     with the naive one-call-per-event baseline; every final card is checked.
 * (b) `/promote status` ack latency with 100,000 artifacts, 20 concurrent, against the ack of a
 *     no-op Bolt command in the same run (the ceiling Bolt itself sets).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SlackModule } from "../src/adapters/slack/slack-module.js";
import { migrate } from "../src/adapters/sqlite/migrate.js";
import { openDatabase } from "../src/adapters/sqlite/open-database.js";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { slackAppModule } from "../src/modules/slack.js";
import {
  DEFAULT_BOT_TOKEN,
  type SlackEmulator,
  SlackRequestSigner,
  startSlackEmulator,
} from "../src/sandbox/slack-emulator/index.js";
import { postSigned } from "../test/helpers/api-client.js";
import { createTempContracts } from "../test/helpers/temp-contracts.js";

const SIGNING = "bench-signing-secret-0123456789";
const WEBHOOK = "bench-webhook-secret-0123456789";
const CHANNEL = { id: "C0STAGING", name: "staging" };
const USER = { id: "U0BENCH", name: "bench" };
const digestOf = (n: number) => `sha256:${n.toString(16).padStart(64, "0")}`;

async function boot(emulator: SlackEmulator, dbPath: string, contractsDir: string) {
  let slack: SlackModule | undefined;
  const reply =
    (text: string) =>
    async (_c: unknown, ctx: { respond(r: { response_type: "in_channel"; text: string }): Promise<void> }) =>
      ctx.respond({ response_type: "in_channel", text });
  const config = loadConfig({
    SLACK_BOT_TOKEN: DEFAULT_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING,
    SLACK_API_URL: emulator.apiUrl,
    DATABASE_URL: dbPath,
    CONTRACTS_DIR: contractsDir,
    HOST: "127.0.0.1",
    PORT: "0",
    TOLLGATE_WEBHOOK_SECRETS: WEBHOOK,
    LOG_LEVEL: "silent",
  });
  const app = await createApp(config, {
    modules: [
      slackAppModule({
        commands: () => ({
          request: reply("request"),
          drift: reply("drift"),
          rollback: reply("rollback"),
          lock: reply("lock"),
          unlock: reply("unlock"),
          history: reply("history"),
        }),
        listeners: (module) => {
          module.app.command("/noop", async ({ ack }) => {
            await ack();
          });
        },
        onCreated: (module) => {
          slack = module;
        },
      }),
    ],
  });
  const { port } = await app.listen();
  const baseUrl = `http://127.0.0.1:${port}`;
  const signer = new SlackRequestSigner({ url: `${baseUrl}/slack/events`, signingSecret: SIGNING, emulator });
  return { app, slack: slack!, baseUrl, signer };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function economy(): Promise<void> {
  const emulator = await startSlackEmulator({ channels: [CHANNEL] });
  const contracts = createTempContracts({
    "staging.yml":
      "channel: C0STAGING\nevidence:\n  - {kind: test, name: unit}\n  - {kind: test, name: e2e}\n",
  });
  const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-"));
  const { app, slack, baseUrl } = await boot(emulator, join(dir, "db.sqlite"), contracts.dir);
  try {
    const artifacts = 50;
    const events = 1000;
    const expected = new Map<string, "passed" | "failed">();
    const start = Date.now();
    const base = start - events * 1000;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < events; i++) {
      const n = 1 + Math.floor(Math.random() * artifacts);
      const name = Math.random() < 0.5 ? "unit" : "e2e";
      const status = Math.random() < 0.5 ? "passed" : "failed";
      expected.set(`${n}|${name}`, status);
      const body = {
        artifact: { name: `svc-${n}`, digest: digestOf(n), version: `1.0.${n}` },
        kind: "test",
        name,
        status,
        observed_at: new Date(base + i * 1000).toISOString(),
      };
      sends.push(postSigned(baseUrl, "/api/v1/evidence", body, { secret: WEBHOOK }));
      const due = start + ((i + 1) * 10_000) / events;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    const statuses = (await Promise.all(sends)) as { status: number; text: string }[];
    const refused = statuses.filter((r) => r.status !== 202);
    if (refused.length > 0) throw new Error(`evidence refused: ${refused[0]?.status} ${refused[0]?.text}`);
    const sentMs = Date.now() - start;
    const deadline = Date.now() + 60_000;
    while ((slack.cards.dirtyCount() > 0 || slack.health().pending > 0) && Date.now() < deadline)
      await sleep(100);
    const posts = emulator.callsTo("chat.postMessage").length;
    const updates = emulator.callsTo("chat.update").length;
    const cards = emulator.messages(CHANNEL.id);
    let correct = 0;
    for (const card of cards) {
      const text = JSON.stringify(card.blocks);
      const n = Number(/svc-(\d+)/.exec(text)?.[1]);
      const ok = ["unit", "e2e"].every((name) => {
        const want = expected.get(`${n}|${name}`);
        return want === undefined
          ? text.includes(`⏳ *${name}*`)
          : text.includes(`${want === "passed" ? "✅" : "❌"} *${name}*`);
      });
      if (ok) correct++;
    }
    const floor = 2 * cards.length;
    const calls = posts + updates;
    process.stdout.write(
      [
        `economy: ${events} evidence events over ${artifacts} artifacts sent in ${(sentMs / 1000).toFixed(1)} s`,
        `  Slack calls: ${calls} (${posts} chat.postMessage + ${updates} chat.update)`,
        `  floor (1 post + 1 final update per card): ${floor}  → ratio ${(calls / floor).toFixed(2)}× (target ≤ 2×)`,
        `  baseline without coalescing (1 call per event): ${events}  → ${(calls / events).toFixed(3)}× of it`,
        `  cards: ${cards.length} (one per artifact: ${cards.length === artifacts}), final state correct: ${correct}/${cards.length}`,
        "",
      ].join("\n"),
    );
  } finally {
    await app.stop();
    await emulator.close();
    contracts.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

function seedArtifacts(path: string, count: number): void {
  const db = openDatabase(path);
  migrate(db);
  const insert = db.prepare(
    "INSERT INTO artifacts (digest, name, version, first_seen_at) VALUES (?, ?, ?, ?)",
  );
  const at = Date.now() - 86_400_000;
  db.transaction(() => {
    for (let i = 1; i <= count; i++) insert.run(digestOf(i), `svc-${i % 5000}`, `1.0.${i}`, at + i);
  })();
  db.close();
}

async function ackLatency(): Promise<void> {
  const emulator = await startSlackEmulator({ channels: [CHANNEL], users: [USER] });
  const contracts = createTempContracts({
    "staging.yml": "channel: C0STAGING\nevidence:\n  - {kind: test, name: unit}\n",
    "prod.yml":
      "after: staging\nchannel: C0STAGING\nartifact:\n  same_as: staging\nevidence:\n  - {kind: test, name: unit}\n",
  });
  const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-"));
  const dbPath = join(dir, "db.sqlite");
  seedArtifacts(dbPath, 100_000);
  const { app, signer } = await boot(emulator, dbPath, contracts.dir);
  try {
    const measure = async (command: string, text: (i: number) => string, total: number) => {
      const acks: number[] = [];
      let next = 0;
      const worker = async () => {
        while (next < total) {
          const i = next++;
          const t0 = performance.now();
          const delivery = await signer.slashCommand({
            user: USER,
            channel: CHANNEL,
            command,
            text: text(i),
          });
          acks.push(performance.now() - t0);
          if (delivery.status !== 200) throw new Error(`${command} answered ${delivery.status}`);
        }
      };
      await Promise.all(Array.from({ length: 20 }, worker));
      return acks;
    };
    await measure("/noop", () => "", 200);
    await measure("/promote", (i) => `status svc-${i % 5000}`, 200);
    const noop = await measure("/noop", () => "", 1000);
    const status = await measure("/promote", (i) => `status svc-${(i * 7) % 5000}`, 1000);
    const f = (v: number) => `${v.toFixed(1)} ms`;
    process.stdout.write(
      [
        "ack latency with 100,000 artifacts, 20 concurrent, 1,000 requests each:",
        `  /promote status  p50 ${f(percentile(status, 50))}  p99 ${f(percentile(status, 99))}  (target p99 < 100 ms)`,
        `  no-op command    p50 ${f(percentile(noop, 50))}  p99 ${f(percentile(noop, 99))}  (ceiling)`,
        `  ratio p99 status / no-op: ${(percentile(status, 99) / percentile(noop, 99)).toFixed(2)}×`,
        "",
      ].join("\n"),
    );
  } finally {
    await app.stop();
    await emulator.close();
    contracts.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await economy();
  await ackLatency();
}
