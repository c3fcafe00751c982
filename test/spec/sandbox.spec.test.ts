/**
 * SPEC §9 (sandbox mode) and §1 defaults, as a newcomer meets them: `npm start` in a fresh copy
 * of the repository (own dist/, own ./data, the example ./contracts), no SLACK_BOT_TOKEN, then the
 * page and its API over plain HTTP, and evidence signed with the generated secret.
 */
import { cpSync, existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cleanupTemp,
  EX_CONFIG,
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
} from "./harness.js";

afterAll(cleanupTemp);

describe("§9 npm start without SLACK_BOT_TOKEN", () => {
  let copy: string;
  let sandbox: Running;

  beforeAll(async () => {
    copy = tempDir("tollgate-fresh-");
    for (const entry of [
      "package.json",
      "bin",
      "src",
      "contracts",
      "migrations",
      "manifest.yml",
      "tsconfig.json",
    ])
      cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
    cpSync(join(ROOT, "tsconfig.build.json"), join(copy, "tsconfig.build.json"));
    symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
    // Only HOST/PORT are set (a free port, 127.0.0.1): every other variable keeps its default.
    sandbox = await startServer(
      { HOST: "127.0.0.1", PORT: "0" },
      { cwd: copy, command: { file: "npm", args: ["start", "--silent"] }, timeoutMs: 45_000 },
    );
  }, 60_000);

  afterAll(async () => {
    // npm itself ends by the signal it forwards (exit code null); the bot below it drains and exits.
    await sandbox?.stop();
  });

  it("serves the sandbox page at /", async () => {
    const page = await fetch(`${sandbox.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<html/i);
    expect(sandbox.logs().find((l) => l.msg === "listening")?.mode).toBe("sandbox");
  });

  it("uses the defaults DATABASE_URL=./data/tollgate.db and CONTRACTS_DIR=./contracts", async () => {
    expect(existsSync(join(copy, "data", "tollgate.db"))).toBe(true);
    const workspace = await get(sandbox.baseUrl, "/sandbox/api/workspace");
    expect(workspace.status).toBe(200);
    expect(workspace.body.environments).toEqual(["dev", "staging", "prod"]);
  });

  it("takes evidence signed with the generated secret and shows a card in the emulated channel", async () => {
    const secrets = JSON.parse(readFileSync(join(copy, "data", "sandbox.json"), "utf8"));
    const art = { name: "newcomer-api", digest: sha256Digest("newcomer"), version: "0.1.0" };
    const sent = await postSigned(sandbox.baseUrl, "/api/v1/evidence", evidence(art, "unit"), {
      secret: secrets.webhookSecret,
    });
    expect(sent.status).toBe(202);
    const card = await until(
      async () => {
        const messages = await get(sandbox.baseUrl, "/sandbox/api/messages?channel=C0TGDEV001");
        return (messages.body as { blocks?: unknown }[]).find((m) =>
          JSON.stringify(m.blocks).includes("newcomer-api"),
        );
      },
      10_000,
      "a readiness card on the page",
    );
    expect(JSON.stringify(card.blocks)).toContain("readiness.details");
  });

  it("runs /promote typed on the page as a sample person", async () => {
    const act = await fetch(`${sandbox.baseUrl}/sandbox/api/act`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "command",
        user: "U0TGREQ01",
        channel: "C0TGDEV001",
        text: "status newcomer-api",
      }),
    });
    expect(act.status).toBe(200);
    const reply = await until(
      async () => {
        const ephemerals = await get(sandbox.baseUrl, "/sandbox/api/ephemerals?user=U0TGREQ01");
        const text = JSON.stringify(ephemerals.body);
        return text.includes("newcomer-api") ? text : undefined;
      },
      10_000,
      "the status reply",
    );
    expect(reply).toContain("dev");
  });

  it("logs the bot's own pid, which SIGHUP reloads (npm passes SIGTERM on, not SIGHUP)", async () => {
    const pid = sandbox.logs().find((l) => l.msg === "listening")?.pid;
    expect(typeof pid).toBe("number");
    expect(pid).not.toBe(sandbox.child.pid);
    process.kill(pid as number, "SIGHUP");
    await until(() => sandbox.logs().some((l) => l.msg === "contracts reloaded"), 10_000, "a reload");
    expect((await fetch(`${sandbox.baseUrl}/healthz`)).status).toBe(200);
  });

  // Last: it stops the bot. A container runtime, systemd or a terminal's kill signals npm alone.
  it("drains and stops the bot when SIGTERM reaches npm alone, leaving nothing listening", async () => {
    const npm = sandbox.child;
    if (npm.pid === undefined) throw new Error("npm start has no pid");
    const npmExited = new Promise((resolve) => npm.once("exit", resolve));
    process.kill(npm.pid, "SIGTERM");
    await npmExited;
    await until(() => sandbox.logs().some((l) => l.msg === "stopped"), 10_000, "the bot's 'stopped' line");
    const listening = await fetch(`${sandbox.baseUrl}/healthz`).then(
      () => true,
      () => false,
    );
    expect(listening).toBe(false);
  });
});

describe("§1 defaults HOST=0.0.0.0 and PORT=3000", () => {
  const boundHost = async (env: Record<string, string>): Promise<unknown> => {
    const server = await startServer({ PORT: "0", DATABASE_URL: join(tempDir(), "h.db"), ...env });
    try {
      return server.logs().find((l) => l.msg === "listening")?.host;
    } finally {
      expect(await server.stop()).toBe(0);
    }
  };

  it("binds 0.0.0.0 when HOST is unset with a bot token", async () => {
    const real = {
      SLACK_BOT_TOKEN: "xoxb-123-456-abc",
      SLACK_SIGNING_SECRET: "spec-signing-secret-0123456789",
      // Nothing listens there: start-up does not wait for Slack (/readyz reports it).
      SLACK_API_URL: "http://127.0.0.1:9/api/",
      TOLLGATE_WEBHOOK_SECRETS: "spec-webhook-secret-0123456789",
    };
    expect(await boundHost({ ...real, HOST: "" })).toBe("0.0.0.0");
  });

  // A deliberate deviation in sandbox mode (README): it acts as anyone without Slack signatures,
  // so by default only this machine reaches it.
  it("binds 127.0.0.1 in sandbox mode when HOST is unset", async () => {
    expect(await boundHost({ HOST: "" })).toBe("127.0.0.1");
  });

  it("binds every interface in sandbox mode when HOST=0.0.0.0 is set explicitly", async () => {
    expect(await boundHost({ HOST: "0.0.0.0" })).toBe("0.0.0.0");
  });

  it("uses port 3000 when PORT is unset (listening there, or refused because it is taken)", async () => {
    const dir = tempDir();
    const result = runCli(
      ["start"],
      { HOST: "127.0.0.1", DATABASE_URL: join(dir, "p.db") },
      { timeoutMs: 4000 },
    );
    const outcome = await result;
    const listening = outcome.stdout.includes('"port":3000');
    const taken = /3000/.test(outcome.stderr) && outcome.code !== 0 && outcome.code !== EX_CONFIG;
    expect(listening || taken, `${outcome.stdout}\n${outcome.stderr}`).toBe(true);
  });
});

describe("§9 stopping the sandbox", () => {
  it("drains the Slack outbox into the emulator before closing it: no failed calls at SIGTERM", async () => {
    const dir = tempDir();
    const server = await startServer({ HOST: "127.0.0.1", PORT: "0", DATABASE_URL: join(dir, "t.db") });
    // Each sample build posts evidence, which queues card updates in the outbox.
    for (let i = 0; i < 10; i++) {
      const built = await fetch(`${server.baseUrl}/sandbox/api/sample`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ action: "build" }),
      });
      expect(built.status).toBe(200);
    }
    expect(await server.stop()).toBe(0);
    const warnings = server.logs().filter((line) => line.level === "warn" || line.level === "error");
    expect(warnings).toEqual([]);
  });
});
