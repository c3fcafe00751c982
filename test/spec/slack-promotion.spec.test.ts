/**
 * SPEC §1 (SLACK_API_URL), §3.5 (deploy hook), §3.6 (promotions list), §5 (manifest, action ids,
 * `/promote` grammar, authorisation) and §7 (audit ledger), against the built binary in HTTP
 * mode. Slack is emulated (src/sandbox/slack-emulator) and reached only through SLACK_API_URL;
 * Slack's requests are v0-signed by the emulator's signer; the deploy hook lands on a loopback
 * receiver that checks the v1 signature with the SPEC formula.
 */
import { createHash } from "node:crypto";
import { copyFileSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  type SlackEmulator,
  SlackRequestSigner,
  startSlackEmulator,
} from "../../src/sandbox/slack-emulator/index.js";
import {
  cleanupTemp,
  evidence,
  get,
  postSigned,
  ROOT,
  type Running,
  runCli,
  sha256Digest,
  startServer,
  tempDir,
  until,
  v1Signature,
  writeFiles,
} from "./harness.js";

const BOT_TOKEN = "xoxb-spec-0000-bot-token";
const SIGNING_SECRET = "spec-slack-signing-secret-0123";
const WEBHOOK_SECRET = "spec-webhook-secret-0123456789";
const API_TOKEN = "spec-read-token-0123456789";
const DEPLOY_SECRET = "spec-deploy-secret-abcdef012345";
const REQUESTER = { id: "U0SREQ01", name: "riley" };
const APPROVER = { id: "U0SAPP01", name: "alex" };
const STRANGER = { id: "U0SSTR01", name: "jordan" };
const DEV = { id: "C0SDEV01", name: "deploys-dev" };
const PROD = { id: "C0SPROD1", name: "deploys-prod" };
const ACTION_IDS = [
  "promotion.request",
  "promotion.approve",
  "promotion.reject",
  "rollback.request",
  "readiness.details",
];

interface HookCall {
  headers: IncomingMessage["headers"];
  raw: string;
}

let emulator: SlackEmulator;
let signer: SlackRequestSigner;
let server: Running;
let receiver: Server;
const hookCalls: HookCall[] = [];
const dataDir = tempDir();
const dbPath = join(dataDir, "slack.db");
let contractsDir: string;

const OLD = { name: "pay-api", digest: sha256Digest("pay-old"), version: "1.9.0" };
const NEW = {
  name: "pay-api",
  digest: sha256Digest("pay-new"),
  version: "2.0.0",
  commit: "9fceb02d0ae598e95dc970b74767f19372d61af8",
};

function prodContract(hookUrl: string): string {
  return `description: Prod
after: dev
channel: ${PROD.id}
artifact: {same_as: dev}
evidence:
  - {kind: test, name: unit}
approvals:
  required: 1
  approvers: [S0SREL01]
rollback:
  when:
    - {kind: health, name: error-rate, status: failed}
  within: 2h
  action: propose
  lock: false
deploy:
  webhook: {url: "${hookUrl}", secret_env: SPEC_DEPLOY_SECRET}
`;
}

beforeAll(async () => {
  emulator = await startSlackEmulator({
    tokens: [BOT_TOKEN],
    channels: [DEV, PROD],
    users: [REQUESTER, APPROVER, STRANGER],
    userGroups: { S0SREL01: [APPROVER.id] },
  });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hookCalls.push({ headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  contractsDir = writeFiles(tempDir(), {
    "dev.yml": `description: Dev\nchannel: ${DEV.id}\nevidence:\n  - {kind: test, name: unit}\n`,
    "prod.yml": prodContract(hookUrl),
  });
  server = await startServer({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: emulator.apiUrl,
    TOLLGATE_WEBHOOK_SECRETS: WEBHOOK_SECRET,
    TOLLGATE_API_TOKENS: API_TOKEN,
    SPEC_DEPLOY_SECRET: DEPLOY_SECRET,
    DATABASE_URL: dbPath,
    CONTRACTS_DIR: contractsDir,
    LOG_LEVEL: "info",
  });
  signer = new SlackRequestSigner({
    url: `${server.baseUrl}/slack/events`,
    signingSecret: SIGNING_SECRET,
    emulator,
  });
});

afterAll(async () => {
  await server?.stop();
  await emulator?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  cleanupTemp();
});

const send = (path: string, body: unknown) =>
  postSigned(server.baseUrl, path, body, { secret: WEBHOOK_SECRET });
const deploy = (environment: string, artifact: object, status = "succeeded") =>
  send("/api/v1/deployments", { environment, artifact, status, deployed_at: new Date().toISOString() });
const promotions = (state?: string) =>
  get(server.baseUrl, `/api/v1/promotions?environment=prod${state ? `&state=${state}` : ""}`, API_TOKEN);

/** Every action_id that the bot has rendered into a message so far (posted or updated). */
function renderedActionIds(): Set<string> {
  const calls = [...emulator.callsTo("chat.postMessage"), ...emulator.callsTo("chat.update")];
  const ids = new Set<string>();
  for (const call of calls)
    for (const match of JSON.stringify(call.args.blocks ?? []).matchAll(/"action_id":"([^"]+)"/g))
      ids.add(match[1] as string);
  return ids;
}

function prodCard() {
  const cards = emulator
    .messages(PROD.id)
    .filter((m) => JSON.stringify(m.blocks ?? []).includes(NEW.digest.slice(7, 19)));
  return cards.length === 1 ? cards[0] : undefined;
}

/** `/promote <text>` as `user`, signed as Slack signs it; the reply from the ack or the response_url. */
async function promote(user: { id: string; name: string }, text: string): Promise<string> {
  const delivery = await signer.slashCommand({ user, channel: PROD, command: "/promote", text });
  expect(delivery.status).toBe(200);
  return until(
    () => {
      const posts = emulator.responseUrlPosts.filter((p) => delivery.responseUrl?.endsWith(p.url));
      if (posts.length > 0) return JSON.stringify(posts.map((p) => p.body));
      return delivery.text.trim() !== "" ? delivery.text : undefined;
    },
    8000,
    `a reply to "/promote ${text}"`,
  );
}

describe("§5 manifest.yml", () => {
  it("declares /promote, the four scopes, and /slack/events for every request URL", () => {
    const manifest = parse(readFileSync(join(ROOT, "manifest.yml"), "utf8"));
    const commands = manifest.features.slash_commands;
    expect(commands.map((c: { command: string }) => c.command)).toEqual(["/promote"]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      ["chat:write", "commands", "usergroups:read", "users:read"].sort(),
    );
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    const urls = [
      ...commands.map((c: { url: string }) => c.url),
      manifest.settings.interactivity.request_url,
      manifest.settings.event_subscriptions.request_url,
    ];
    for (const url of urls) expect(new URL(url).pathname).toBe("/slack/events");
  });
});

describe("§1 SLACK_API_URL and §5 readiness cards", () => {
  it("posts one card per (artifact, environment) through SLACK_API_URL", async () => {
    expect((await send("/api/v1/evidence", evidence(OLD, "unit"))).status).toBe(202);
    expect((await deploy("dev", OLD)).status).toBe(202);
    expect((await deploy("prod", OLD)).status).toBe(202);
    expect((await send("/api/v1/evidence", evidence(NEW, "unit"))).status).toBe(202);
    expect((await deploy("dev", NEW)).status).toBe(202);
    const card = await until(() => prodCard(), 10_000, "a prod card for the new digest");
    expect(emulator.callsTo("chat.postMessage").length).toBeGreaterThan(0);
    const text = JSON.stringify(card.blocks);
    expect(text).toContain("pay-api");
    expect(text).toContain("2.0.0");
    await until(() => renderedActionIds().has("promotion.request"), 5000, "a Request promotion button");
    expect(renderedActionIds().has("readiness.details")).toBe(true);
  });

  it("answers 401 to Slack requests with a forged or stale v0 signature", async () => {
    const forged = await signer.slashCommand(
      { user: REQUESTER, channel: PROD, command: "/promote", text: "help" },
      { signingSecret: "not-the-signing-secret" },
    );
    expect(forged.status).toBe(401);
    const stale = await signer.slashCommand(
      { user: REQUESTER, channel: PROD, command: "/promote", text: "help" },
      { timestamp: Math.floor(Date.now() / 1000) - 600 },
    );
    expect(stale.status).toBe(401);
    // Slack's rule is a 5-minute window either way: a request dated in the future is a replay risk too.
    const ahead = await signer.slashCommand(
      { user: REQUESTER, channel: PROD, command: "/promote", text: "help" },
      { timestamp: Math.floor(Date.now() / 1000) + 600 },
    );
    expect(ahead.status).toBe(401);
  });
});

describe("§1 /readyz includes Slack reachability (through SLACK_API_URL)", () => {
  it("is 200 while the Slack API answers and 503 not_ready when SLACK_API_URL is unreachable", async () => {
    expect((await get(server.baseUrl, "/readyz")).status).toBe(200);
    const cut = await startServer({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: "http://127.0.0.1:9/api/",
      TOLLGATE_WEBHOOK_SECRETS: WEBHOOK_SECRET,
      DATABASE_URL: join(tempDir(), "cut.db"),
      CONTRACTS_DIR: contractsDir,
      LOG_LEVEL: "info",
    });
    try {
      const ready = await until(
        async () => {
          const answer = await get(cut.baseUrl, "/readyz");
          return answer.status === 503 ? answer : undefined;
        },
        5000,
        "/readyz to report Slack unreachable",
      );
      expect(ready.body.error).toBe("not_ready");
      expect((await get(cut.baseUrl, "/healthz")).status).toBe(200);
    } finally {
      expect(await cut.stop()).toBe(0);
    }
  });
});

describe("§5 /promote grammar", () => {
  it("help (and anything unparsable) answers usage with the closest valid command", async () => {
    const help = await promote(REQUESTER, "help");
    for (const form of ["status", "drift", "lock", "unlock", "history", "rollback", " to "])
      expect(help).toContain(form);
    const typo = await promote(REQUESTER, "stauts pay-api");
    expect(typo).toContain("status pay-api");
  });

  it("status <artifact> reports readiness for every environment, ephemerally", async () => {
    const reply = await promote(REQUESTER, `status pay-api@${NEW.version}`);
    expect(reply).toContain("ephemeral");
    expect(reply).toContain("dev");
    expect(reply).toContain("prod");
  });

  it("drift <env> [vs <env>] answers the drift report now", async () => {
    const reply = await promote(REQUESTER, "drift prod vs dev");
    expect(reply).toContain("prod");
    expect(reply).toContain("dev");
  });

  it("lock/unlock: refused to a non-approver, honoured for an approver, visible in readiness", async () => {
    const refused = await promote(STRANGER, "lock prod for 1h db maintenance");
    const lockCheck = async () => {
      const answer = await get(
        server.baseUrl,
        `/api/v1/readiness?artifact=${encodeURIComponent(`pay-api@${NEW.digest}`)}&environment=prod`,
        API_TOKEN,
      );
      return answer.body.checks.find((c: { id: string }) => c.id === "lock");
    };
    expect(refused.toLowerCase()).toMatch(/not|only|approver/);
    expect((await lockCheck())?.status ?? "passed").toBe("passed");
    await promote(APPROVER, "lock prod for 1h db maintenance");
    const locked = await lockCheck();
    expect(locked?.status).toBe("failed");
    expect(locked?.reason).toContain("db maintenance");
    await promote(APPROVER, "unlock prod");
    expect((await lockCheck())?.status ?? "passed").toBe("passed");
  });

  it("<artifact> to <env> because <reason> opens a promotion with Approve/Reject (with confirmation)", async () => {
    await promote(REQUESTER, "pay-api to prod because hotfix 42");
    const requested = await until(
      async () => {
        const list = await promotions("requested");
        return list.body.promotions.find(
          (p: { artifact: { digest: string } }) => p.artifact.digest === NEW.digest,
        );
      },
      8000,
      "a requested promotion",
    );
    expect(requested.reason).toContain("hotfix 42");
    expect(requested.requested_by).toBe(REQUESTER.id);
    await until(
      () => JSON.stringify(prodCard()?.blocks ?? []).includes("promotion.approve"),
      8000,
      "Approve button",
    );
    const buttons = JSON.stringify(prodCard()?.blocks ?? []);
    expect(buttons).toContain("promotion.reject");
    // Approve and Reject ask for confirmation (SPEC §5): each button carries a `confirm` dialog.
    const elements = (prodCard()?.blocks ?? []).flatMap((block) => {
      const inner = (block as { elements?: { action_id?: string; confirm?: unknown }[] }).elements;
      return Array.isArray(inner) ? inner : [];
    });
    for (const id of ["promotion.approve", "promotion.reject"]) {
      const button = elements.find((e) => e.action_id === id);
      expect(button?.confirm, id).toBeDefined();
    }
  });

  it("history <name> in <env> lists recent promotions", async () => {
    const reply = await promote(REQUESTER, "history pay-api in prod");
    expect(reply).toContain("pay-api");
    expect(reply).toMatch(/requested/i);
  });
});

describe("§3.5 deploy hook and §3.6 promotions list", () => {
  it("a self-approval does not count; an approver's click POSTs the signed hook with exactly the SPEC fields", async () => {
    const card = prodCard();
    if (card === undefined) throw new Error("no prod card");
    await signer.clickInMessage({
      user: REQUESTER,
      channel: PROD,
      messageTs: card.ts,
      actionId: "promotion.approve",
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hookCalls).toHaveLength(0);

    const click = await signer.clickInMessage({
      user: APPROVER,
      channel: PROD,
      messageTs: card.ts,
      actionId: "promotion.approve",
    });
    expect(click.status).toBe(200);
    const call = await until(() => hookCalls[0], 10_000, "the deploy hook");
    expect(call.headers["content-type"]).toMatch(/^application\/json/);
    const timestamp = call.headers["x-tollgate-timestamp"] as string;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300);
    expect(call.headers["x-tollgate-signature"]).toBe(v1Signature(DEPLOY_SECRET, timestamp, call.raw));
    const body = JSON.parse(call.raw);
    expect(Object.keys(body).sort()).toEqual(
      ["promotion_id", "artifact", "from", "to", "requested_by", "approved_by", "contract_revision"].sort(),
    );
    expect(body).toMatchObject({
      from: "dev",
      to: "prod",
      requested_by: REQUESTER.id,
      approved_by: [APPROVER.id],
      artifact: { name: "pay-api", digest: NEW.digest },
    });
    const revision = createHash("sha256")
      .update(readFileSync(join(contractsDir, "prod.yml")))
      .digest("hex");
    expect(body.contract_revision).toBe(`sha256:${revision}`);

    const deploying = await until(
      async () =>
        (await promotions("deploying")).body.promotions.find(
          (p: { id: string }) => p.id === body.promotion_id,
        ),
      5000,
      "state deploying",
    );
    expect(deploying.approved_by).toEqual([APPROVER.id]);
  });

  it("the deployment report completes the promotion", async () => {
    expect((await deploy("prod", NEW)).status).toBe(202);
    const done = await until(
      async () =>
        (await promotions("deployed")).body.promotions.find(
          (p: { artifact: { digest: string } }) => p.artifact.digest === NEW.digest,
        ),
      8000,
      "state deployed",
    );
    expect(done.to).toBe("prod");
  });

  it("a rollback condition proposes a Roll back; `rollback <name> in <env>` proposes the last good artifact", async () => {
    const health = { ...evidence(NEW, "error-rate", "failed"), kind: "health", environment: "prod" };
    expect((await send("/api/v1/evidence", health)).status).toBe(202);
    await until(() => renderedActionIds().has("rollback.request"), 10_000, "a Roll back button");
    const reply = await promote(APPROVER, "rollback pay-api in prod");
    // Short digests read sha256:7f0b…d40 (SPEC §5's "sha256:4f2a…c91").
    expect(reply).toContain(`${OLD.digest.slice(0, 11)}…${OLD.digest.slice(-3)}`);
    // Once a rollback is under way, the rolled-back build's card stops offering another.
    await until(
      () => (JSON.stringify(prodCard()?.blocks ?? []).includes('"rollback.request"') ? undefined : true),
      10_000,
      "the Roll back button gone from the rolled-back build's card",
    );
  });

  it("has rendered all five stable action ids", () => {
    expect([...renderedActionIds()].filter((id) => ACTION_IDS.includes(id)).sort()).toEqual(
      [...ACTION_IDS].sort(),
    );
  });
});

describe("§7 audit ledger", () => {
  const copy = join(dataDir, "audit-copy.db");
  const env = { DATABASE_URL: copy };
  // biome-ignore lint/suspicious/noExplicitAny: exported JSON lines
  let entries: any[] = [];
  beforeAll(async () => {
    expect(await server.stop()).toBe(0);
    copyFileSync(dbPath, copy);
    const jsonl = await runCli(["audit", "export", "--format", "jsonl"], env);
    expect(jsonl.code).toBe(0);
    entries = jsonl.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
  });

  it("records requests, approvals, locks, promotions and rollbacks; exports jsonl, csv and --since", async () => {
    const actions = entries.map((e: { action: string }) => e.action);
    for (const action of [
      "lock.set",
      "lock.released",
      "promotion.requested",
      "approval.granted",
      "promotion.deployed",
      "rollback.requested",
    ])
      expect(actions).toContain(action);
    const future = await runCli(["audit", "export", "--since", "2999-01-01T00:00:00Z"], env);
    expect(future.code).toBe(0);
    expect(future.stdout.trim()).toBe("");
    const csv = await runCli(["audit", "export", "--format", "csv"], env);
    expect(csv.stdout.trim().split("\n")).toHaveLength(entries.length + 1);
  });

  it("records every deployment, including reports that complete no promotion", () => {
    // OLD was reported deployed to dev and to prod through POST /api/v1/deployments.
    const aboutOld = entries.filter(
      (e: { action: string; data: { digest?: string } }) =>
        e.action.includes("deploy") && e.data.digest === OLD.digest,
    );
    expect(aboutOld.map((e: { data: { environment?: string } }) => e.data.environment).sort()).toEqual([
      "dev",
      "prod",
    ]);
  });

  it("is append-only in the database; audit verify exits 0, then 1 after tampering", async () => {
    expect((await runCli(["audit", "verify"], env)).code).toBe(0);
    const db = new Database(copy);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'mallory'").run()).toThrow();
    expect(() => db.prepare("DELETE FROM audit_log").run()).toThrow();
    db.exec("DROP TRIGGER audit_log_no_update");
    db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = (SELECT min(seq) FROM audit_log)").run();
    db.close();
    const broken = await runCli(["audit", "verify"], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/broken/i);
  });
});
