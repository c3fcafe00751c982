/**
 * SPEC §1 (configuration, commands, exit codes), §4 (`contracts check`) and §8 (migrations),
 * through the built executable only: environment variables in, exit status and output out.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, cleanupTemp, EX_CONFIG, runCli, startServer, tempDir, writeFiles } from "./harness.js";

afterAll(cleanupTemp);

const VALID = {
  "dev.yml": "description: Dev\nchannel: C0SPECDEV\nevidence:\n  - {kind: test, name: unit}\n",
  "prod.yml": "description: Prod\nafter: dev\nchannel: C0SPECPRD\nartifact: {same_as: dev, soak: 1h}\n",
};

describe("§1 configuration errors: one message, exit 78", () => {
  const rows: { why: string; env: Record<string, string>; names: string[] }[] = [
    {
      why: "every malformed variable at once, postgres included",
      env: {
        SLACK_BOT_TOKEN: "xoxp-user-token",
        LOG_LEVEL: "loud",
        PORT: "99999",
        SLACK_API_URL: "not a url",
        DATABASE_URL: "postgres://db.internal/tollgate",
      },
      // The token is set, if malformed: HTTP mode's requirements belong in the same message.
      names: [
        "SLACK_BOT_TOKEN",
        "LOG_LEVEL",
        "PORT",
        "SLACK_API_URL",
        "DATABASE_URL",
        "SLACK_SIGNING_SECRET",
        "TOLLGATE_WEBHOOK_SECRETS",
      ],
    },
    {
      why: "a bad HOST and a database URL of another kind",
      env: { HOST: "::zz", DATABASE_URL: "mysql://db.internal/tollgate" },
      names: ["HOST", "DATABASE_URL"],
    },
    {
      why: "postgres:// is reserved for the clustered store",
      env: { DATABASE_URL: "postgres://db.internal/tollgate" },
      names: ["DATABASE_URL"],
    },
    {
      why: "a bot token needs a signing secret and webhook secrets (HTTP mode)",
      env: { SLACK_BOT_TOKEN: "xoxb-123-456-abc" },
      names: ["SLACK_SIGNING_SECRET", "TOLLGATE_WEBHOOK_SECRETS"],
    },
    {
      why: "Socket Mode needs no signing secret, but still webhook secrets",
      env: { SLACK_BOT_TOKEN: "xoxb-123-456-abc", SLACK_APP_TOKEN: "xapp-1-A1-2-abc" },
      names: ["TOLLGATE_WEBHOOK_SECRETS"],
    },
  ];
  it.each(rows)("$why", async ({ env, names }) => {
    const data = tempDir();
    const result = await runCli(["start"], {
      DATABASE_URL: join(data, "t.db"),
      CONTRACTS_DIR: writeFiles(tempDir(), VALID),
      HOST: "127.0.0.1",
      PORT: "0",
      ...env,
    });
    expect(result.code).toBe(EX_CONFIG);
    for (const name of names) expect(result.stderr).toContain(name);
    const problems = result.stderr.split("\n").filter((line) => /^\s+- [A-Z_]+/.test(line));
    expect(problems).toHaveLength(names.length);
    expect(result.stderr).toMatch(/hint/i);
    if (!names.includes("SLACK_SIGNING_SECRET")) expect(result.stderr).not.toContain("SLACK_SIGNING_SECRET");
  });

  it("refuses a bad contract set the same way, before touching the database", async () => {
    const contracts = writeFiles(tempDir(), { "prod.yml": "after: staging\nchanel: C0X\n" });
    const data = join(tempDir(), "not-yet");
    const result = await runCli(["start"], {
      DATABASE_URL: join(data, "t.db"),
      CONTRACTS_DIR: contracts,
      HOST: "127.0.0.1",
      PORT: "0",
    });
    expect(result.code).toBe(EX_CONFIG);
    expect(result.stderr).toMatch(/prod\.yml:\d+:\d+/);
    expect(result.stderr).toContain("channel");
    // No folder, no migrated database, no sandbox.json: a refused start leaves nothing behind.
    expect(existsSync(data)).toBe(false);
  });

  it("lists configuration and contract problems in the same run", async () => {
    const contracts = writeFiles(tempDir(), { "prod.yml": "after: staging\nchanel: C0X\n" });
    const result = await runCli(["start"], {
      DATABASE_URL: join(tempDir(), "t.db"),
      CONTRACTS_DIR: contracts,
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "loud",
    });
    expect(result.code).toBe(EX_CONFIG);
    expect(result.stderr).toContain("LOG_LEVEL: must be one of");
    expect(result.stderr).toMatch(/prod\.yml:\d+:\d+/);
  });
});

describe("§1 DATABASE_URL, CONTRACTS_DIR, HOST/PORT, LOG_LEVEL", () => {
  it.each([
    { form: "a plain path", url: (dir: string) => join(dir, "plain.db"), file: "plain.db" },
    { form: "a sqlite: URL", url: (dir: string) => `sqlite:${join(dir, "url.db")}`, file: "url.db" },
    { form: "a sqlite:// URL", url: (dir: string) => `sqlite://${join(dir, "url2.db")}`, file: "url2.db" },
  ])("migrate accepts $form and creates the file there", async ({ url, file }) => {
    const dir = tempDir();
    const first = await runCli(["migrate"], { DATABASE_URL: url(dir) });
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(join(dir, file))).toBe(true);
    const again = await runCli(["migrate"], { DATABASE_URL: url(dir) });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("applied 0001");
  });

  it("migrate refuses postgres:// with exit 1 and creates nothing", async () => {
    const dir = tempDir();
    const result = await runCli(
      ["migrate"],
      { DATABASE_URL: "postgres://db.internal/tollgate" },
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("postgres");
    expect(existsSync(join(dir, "postgres:"))).toBe(false);
  });

  it("§8 a database ahead of the migration files is refused by migrate (1) and start", async () => {
    const dir = tempDir();
    const dbPath = join(dir, "ahead.db");
    expect((await runCli(["migrate"], { DATABASE_URL: dbPath })).code).toBe(0);
    const db = new Database(dbPath);
    db.prepare("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)").run(
      9999,
      "9999_from_the_future.sql",
      "0".repeat(64),
      Date.now(),
    );
    db.close();
    const migrate = await runCli(["migrate"], { DATABASE_URL: dbPath });
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toContain("9999_from_the_future.sql");
    // The stable code once, as a prefix, not repeated inside the message.
    expect(migrate.stderr.match(/migrations_out_of_sync/g)).toHaveLength(1);
    const start = await runCli(["start"], {
      DATABASE_URL: dbPath,
      CONTRACTS_DIR: writeFiles(tempDir(), VALID),
      HOST: "127.0.0.1",
      PORT: "0",
    });
    expect(start.code).not.toBe(0);
    expect(start.stderr).toContain("9999_from_the_future.sql");
  });

  it("a port already taken ends `start` at once with exit 1 and the reason, not a process with no listener", async () => {
    const dir = tempDir();
    const contracts = writeFiles(tempDir(), VALID);
    const holder = await startServer({
      DATABASE_URL: join(dir, "a.db"),
      CONTRACTS_DIR: contracts,
      HOST: "127.0.0.1",
      PORT: "0",
    });
    try {
      const started = Date.now();
      const second = await runCli(
        ["start"],
        {
          DATABASE_URL: join(dir, "b.db"),
          CONTRACTS_DIR: contracts,
          HOST: "127.0.0.1",
          PORT: String(holder.port),
        },
        { timeoutMs: 15_000 },
      );
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/could not start: .*EADDRINUSE/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      expect(await holder.stop()).toBe(0);
    }
  });

  it("HOST/PORT bind where told; LOG_LEVEL=warn silences info lines; CONTRACTS_DIR is read", async () => {
    const dir = tempDir();
    const quietPort = await (async () => {
      const probe = await startServer({
        DATABASE_URL: join(dir, "a.db"),
        CONTRACTS_DIR: writeFiles(tempDir(), VALID),
        HOST: "127.0.0.1",
        PORT: "0",
        LOG_LEVEL: "info",
      });
      const line = probe.logs().find((l) => l.msg === "listening");
      expect(line.host).toBe("127.0.0.1");
      const ready = await fetch(`${probe.baseUrl}/readyz`).then((r) => r.json());
      expect(JSON.stringify(ready)).toContain("2 environments");
      expect(await probe.stop()).toBe(0);
      return probe.port;
    })();
    // The same port, chosen by us this time, with LOG_LEVEL=warn: no info line at all.
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [BIN, "start"], {
      env: {
        PATH: process.env.PATH ?? "",
        DATABASE_URL: join(dir, "a.db"),
        CONTRACTS_DIR: writeFiles(tempDir(), VALID),
        HOST: "127.0.0.1",
        PORT: String(quietPort),
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const deadline = Date.now() + 15_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${quietPort}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`not ready: ${out}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).not.toContain('"level":"info"');
  });
});

describe("§4 tollgate contracts check [DIR]", () => {
  it("exits 0 for a valid set, from DIR or from CONTRACTS_DIR", async () => {
    const dir = writeFiles(tempDir(), VALID);
    expect((await runCli(["contracts", "check", dir])).code).toBe(0);
    expect((await runCli(["contracts", "check"], { CONTRACTS_DIR: dir })).code).toBe(0);
  });

  const BROKEN = {
    "dev.yml": "description: Dev\nchannel: C0SPECDEV\nevidnce:\n  - {kind: test, name: unit}\n",
    "staging.yml": "after: dve\nchannel: C0SPECSTG\n",
    "prod.yml": "after: staging\nchannel: C0SPECPRD\nartifact:\n  soak: 24hours\n",
  };

  it("exits 1 and prints each error as file:line:col message, with did-you-mean", async () => {
    const dir = writeFiles(tempDir(), BROKEN);
    const result = await runCli(["contracts", "check", dir]);
    expect(result.code).toBe(1);
    const lines = `${result.stdout}${result.stderr}`.split("\n");
    const located = lines.filter((line) => /^\S*\.yml:\d+:\d+ \S/.test(line));
    const find = (file: string) => located.find((line) => line.includes(file)) ?? "";
    expect(find("dev.yml")).toMatch(/dev\.yml:3:1 .*evidnce/);
    expect(find("dev.yml")).toContain("evidence");
    expect(find("staging.yml")).toMatch(/staging\.yml:1:\d+ .*dve/);
    expect(find("staging.yml")).toContain("dev");
    expect(find("prod.yml")).toMatch(/prod\.yml:4:\d+ .*24hours/);
  });
});

describe("§1 commands that talk to a Tollgate that is not there exit 2", () => {
  const down = "http://127.0.0.1:9";
  it.each([
    {
      command: "report",
      args: [
        "report",
        "--artifact",
        "svc",
        "--digest",
        `sha256:${"a".repeat(64)}`,
        "--name",
        "unit",
        "--status",
        "passed",
      ],
      env: { TOLLGATE_SECRET: "s".repeat(20) },
    },
    {
      command: "snapshot",
      args: ["snapshot", "SNAPSHOT", "--environment", "dev"],
      env: { TOLLGATE_SECRET: "s".repeat(20) },
    },
    {
      command: "assert",
      args: ["assert", "svc", "--to", "dev"],
      env: { TOLLGATE_API_TOKEN: "t".repeat(20) },
    },
  ])("$command", async ({ args, env }) => {
    const dir = tempDir();
    const file = join(dir, "snap.json");
    writeFileSync(file, JSON.stringify({ feature_flags: { a: true } }));
    const argv = args.map((a) => (a === "SNAPSHOT" ? file : a));
    const extra = args[0] === "assert" ? [] : ["--retries", "0"];
    const result = await runCli([...argv, ...extra], { ...env, TOLLGATE_URL: down });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/unreachable/);
  });
});

describe("§7 audit commands on DATABASE_URL", () => {
  it("verify exits 0 on a fresh ledger; export prints jsonl or csv", async () => {
    const dbPath = join(tempDir(), "audit.db");
    expect((await runCli(["migrate"], { DATABASE_URL: dbPath })).code).toBe(0);
    expect((await runCli(["audit", "verify"], { DATABASE_URL: dbPath })).code).toBe(0);
    const jsonl = await runCli(["audit", "export", "--format", "jsonl"], { DATABASE_URL: dbPath });
    expect(jsonl.code).toBe(0);
    const csv = await runCli(["audit", "export", "--since", "2020-01-01T00:00:00Z", "--format", "csv"], {
      DATABASE_URL: `sqlite:${dbPath}`,
    });
    expect(csv.code).toBe(0);
    expect(csv.stdout.split("\n")[0]).toMatch(/seq.*hash/);
  });

  // 1 means "chain broken": a DATABASE_URL that names no ledger is a configuration problem (78).
  it("refuses postgres:// with exit 78, not 1", async () => {
    const result = await runCli(["audit", "verify"], { DATABASE_URL: "postgres://db/x" }, { cwd: tempDir() });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain("postgres");
  });
});

describe("§1 command lines: --help prints usage, a stray argument is a usage error (64)", () => {
  const rows: { argv: string[]; code: number; out: RegExp }[] = [
    { argv: ["--version"], code: 0, out: /^tollgate \d+\.\d+\.\d+\n$/ },
    { argv: ["start", "--help"], code: 0, out: /Usage: tollgate start/ },
    { argv: ["start", "--port", "1"], code: 64, out: /unexpected argument "--port"/ },
    { argv: ["migrate", "--help"], code: 0, out: /Usage: tollgate migrate/ },
    { argv: ["migrate", "--bogus"], code: 64, out: /unexpected argument "--bogus"/ },
    { argv: ["audit", "--help"], code: 0, out: /Usage: tollgate audit verify/ },
    { argv: ["audit", "verify", "--bogus"], code: 64, out: /unexpected argument "--bogus"/ },
  ];
  it.each(rows)("tollgate $argv → $code", async ({ argv, code, out }) => {
    const data = tempDir();
    const result = await runCli(argv, {
      DATABASE_URL: join(data, "t.db"),
      CONTRACTS_DIR: writeFiles(tempDir(), VALID),
    });
    expect(result.code).toBe(code);
    expect(`${result.stdout}${result.stderr}`).toMatch(out);
    // Neither help nor a refused command line touches the database.
    expect(existsSync(join(data, "t.db"))).toBe(false);
  });
});
