/** Shutdown (issue #2): SIGTERM stops accepting, finishes requests in flight, closes the database, exits 0. */
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { signedHeadersFor } from "../helpers/raw-request.js";
import { type SpawnedTollgate, spawnTollgate } from "../helpers/spawn-tollgate.js";
import { digestOf, TEST_SECRET } from "../helpers/test-app.js";

describe("SIGTERM", () => {
  let dir: string;
  let server: SpawnedTollgate | undefined;
  afterEach(async () => {
    if (server && server.child.exitCode === null) server.child.kill("SIGKILL");
    await server?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it("finishes the request in flight, refuses new ones, then exits 0 with a sound database", async () => {
    dir = mkdtempSync(join(tmpdir(), "tollgate-drain-"));
    const dbPath = join(dir, "tollgate.db");
    server = await spawnTollgate(dbPath);
    const body = Buffer.from(
      JSON.stringify({
        artifact: { name: "api", digest: digestOf("drain") },
        kind: "test",
        name: "in-flight",
        status: "passed",
      }),
    );
    const headers = {
      ...signedHeadersFor(body, { secret: TEST_SECRET }),
      "content-length": String(body.length),
    };
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${server?.baseUrl}/api/v1/evidence`,
        { method: "POST", headers, agent: false },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => {
            text += c.toString();
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.write(body.subarray(0, 20));
      // The rest of the body arrives only after SIGTERM has been delivered.
      setTimeout(() => {
        server?.child.kill("SIGTERM");
        setTimeout(async () => {
          const refused = await fetch(`${server?.baseUrl}/healthz`).then(
            () => false,
            () => true,
          );
          expect(refused).toBe(true);
          req.end(body.subarray(20));
        }, 300);
      }, 200);
    });
    const response = await answer;
    expect(response.status).toBe(202);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(db.prepare("SELECT name FROM evidence").pluck().all()).toEqual(["in-flight"]);
    db.close();
  });
});
