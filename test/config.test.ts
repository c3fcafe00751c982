/** Configuration (SPEC §1): every problem in one message, exit 78, and secrets never in logs. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { loadConfig } from "../src/config.js";
import { isCodedError } from "../src/errors.js";
import { postSigned } from "./helpers/api-client.js";
import { problemsOf } from "./helpers/config-problems.js";
import { REPO_ROOT, startTestApp } from "./helpers/test-app.js";

const BAD_ENV = {
  SLACK_BOT_TOKEN: "xoxp-not-a-bot-token",
  PORT: "99999",
  LOG_LEVEL: "loud",
  SLACK_API_URL: "not a url",
};

describe("configuration", () => {
  it("lists every problem in one error", () => {
    try {
      loadConfig(BAD_ENV);
      expect.unreachable();
    } catch (error) {
      expect(isCodedError(error, "config_invalid")).toBe(true);
      const message = (error as Error).message;
      const names = ["SLACK_BOT_TOKEN", "PORT", "LOG_LEVEL", "SLACK_API_URL"];
      // A bot token is set (if malformed), so HTTP mode's requirements are listed in the same message.
      names.push("SLACK_SIGNING_SECRET", "TOLLGATE_WEBHOOK_SECRETS");
      for (const name of names) expect(message).toContain(name);
      expect(message).toContain("6 problem(s)");
    }
  });

  it("lists what HTTP mode requires even when another variable is malformed", () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: "xoxb-1", PORT: "abc" })).toEqual([
      expect.stringMatching(/^PORT: /),
      expect.stringMatching(/^SLACK_SIGNING_SECRET: required/),
      expect.stringMatching(/^TOLLGATE_WEBHOOK_SECRETS: required/),
    ]);
  });

  it.each([
    ["mysql://db/tollgate", /^DATABASE_URL: mysql: is not supported/],
    ["https://example.com/t.db", /^DATABASE_URL: https: is not supported/],
    ["postgresql://db/tollgate", /^DATABASE_URL: postgres:\/\/ is reserved/],
  ])("refuses DATABASE_URL=%s instead of taking it as a path", (url, problem) => {
    expect(problemsOf({ DATABASE_URL: url })).toEqual([expect.stringMatching(problem)]);
  });

  it.each(["./data/t.db", "/var/lib/tollgate/t.db", "sqlite:./t.db", "sqlite:///var/t.db", "C:\\data\\t.db"])(
    "takes DATABASE_URL=%s as a SQLite file",
    (url) => {
      expect(problemsOf({ DATABASE_URL: url })).toEqual([]);
    },
  );

  it.each(["::zz", "not a host", "-leading-hyphen", "a..b", "host:3000"])("refuses HOST=%s", (host) => {
    expect(problemsOf({ HOST: host })).toEqual([
      expect.stringMatching(/^HOST: must be an IP address or a host name/),
    ]);
  });

  it.each(["0.0.0.0", "::", "::1", "127.0.0.1", "localhost", "tollgate-1.internal"])(
    "binds HOST=%s",
    (host) => {
      expect(loadConfig({ HOST: host }).host).toBe(host);
    },
  );

  it("makes `tollgate start` exit 78 with the message, without echoing secret values", async () => {
    let stderr = "";
    const env = { SLACK_BOT_TOKEN: "xoxb-secret-token-value", TOLLGATE_WEBHOOK_SECRETS: "tiny-secret" };
    const code = await runCli(["start"], env, { stderr: (text) => (stderr += text), stdout: () => {} });
    expect(code).toBe(78);
    expect(stderr).toContain("SLACK_SIGNING_SECRET");
    expect(stderr).toContain("TOLLGATE_WEBHOOK_SECRETS[0]: too short");
    expect(stderr).not.toContain("xoxb-secret-token-value");
    expect(stderr).not.toContain("tiny-secret");
  });

  it("exits 78 through the real executable", () => {
    const bin = join(REPO_ROOT, "bin", "tollgate.js");
    expect(existsSync(join(REPO_ROOT, "dist", "src", "cli", "main.js")), "run `npm run build` first").toBe(
      true,
    );
    const result = spawnSync(process.execPath, [bin, "start"], {
      env: { PATH: process.env.PATH ?? "", ...BAD_ENV },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/Invalid configuration \(6 problem\(s\)\)/);
  });

  it("never writes a secret to the logs", async () => {
    const secrets = {
      TOLLGATE_WEBHOOK_SECRETS: "webhook-secret-aaaaaaaaaaaa,webhook-secret-bbbbbbbbbbbb",
      TOLLGATE_API_TOKENS: "api-token-cccccccccccc",
      GITHUB_WEBHOOK_SECRET: "github-secret-dddddddddddd",
    };
    const t = await startTestApp({ env: { ...secrets, LOG_LEVEL: "trace" } });
    try {
      const body = { artifact: { commit: "abcdef1" }, kind: "test", name: "unit", status: "passed" };
      const signedGood = await postSigned(t.baseUrl, "/api/v1/evidence", body, {
        secret: "webhook-secret-bbbbbbbbbbbb",
      });
      const signedBad = await postSigned(t.baseUrl, "/api/v1/evidence", body, {
        secret: "webhook-secret-eeeeeeeeeeee",
      });
      expect([signedGood.status, signedBad.status]).toEqual([202, 401]);
      // Even an error that carries a secret in its message is redacted on the way out.
      t.app.context.logger.error({ err: new Error("auth failed with webhook-secret-aaaaaaaaaaaa") }, "oops");
    } finally {
      await t.stop();
    }
    const log = t.logs.join("");
    expect(log).toContain("[redacted]");
    expect(log).toMatch(/"status":401/);
    for (const value of [
      "webhook-secret-aaaaaaaaaaaa",
      "webhook-secret-bbbbbbbbbbbb",
      "api-token-cccccccccccc",
      "github-secret-dddddddddddd",
    ]) {
      expect(log).not.toContain(value);
    }
  });
});
