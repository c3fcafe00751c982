/**
 * SPEC §1 in Socket Mode (SLACK_APP_TOKEN) when Slack cannot be reached: the bot still listens,
 * takes evidence, says on /readyz that Slack is not connected, and stops on SIGTERM. Before, it
 * waited for the socket forever: no "listening" line, 503 to every write, and SIGTERM ignored.
 */
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import {
  cleanupTemp,
  evidence,
  get,
  postSigned,
  sha256Digest,
  startServer,
  tempDir,
  writeFiles,
} from "./harness.js";

afterAll(cleanupTemp);

const SECRET = "socket-unreachable-secret-0123456789";

it("listens, takes evidence, reports Slack not connected on /readyz, and drains on SIGTERM", async () => {
  const server = await startServer({
    SLACK_BOT_TOKEN: "xoxb-1-unreachable",
    SLACK_APP_TOKEN: "xapp-1-unreachable",
    // Nothing listens on port 1: every Slack call is refused.
    SLACK_API_URL: "http://127.0.0.1:1/api/",
    TOLLGATE_WEBHOOK_SECRETS: SECRET,
    DATABASE_URL: join(tempDir(), "t.db"),
    CONTRACTS_DIR: writeFiles(tempDir(), { "dev.yml": "description: Dev\nchannel: C0DEV\n" }),
    LOG_LEVEL: "info",
  });
  try {
    const artifact = { name: "svc", digest: sha256Digest("socket") };
    const stored = await postSigned(server.baseUrl, "/api/v1/evidence", evidence(artifact, "unit"), {
      secret: SECRET,
    });
    expect(stored.status).toBe(202);
    const ready = await get(server.baseUrl, "/readyz");
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toContain("socket_not_connected");
  } finally {
    const started = Date.now();
    expect(await server.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(server.logs().some((line) => line.msg === "signal received")).toBe(true);
  }
});
