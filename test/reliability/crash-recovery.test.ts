/**
 * Issue #2, "Reliability": concurrent signed clients, SIGKILL mid-load, restart on the same
 * database. Every delivery answered 202 is stored, and re-sending any delivery is answered
 * duplicate:true with nothing stored twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { postSigned } from "../helpers/api-client.js";
import { type SpawnedTollgate, spawnTollgate } from "../helpers/spawn-tollgate.js";
import { digestOf, TEST_SECRET } from "../helpers/test-app.js";

const CLIENTS = 24;

interface Sent {
  delivery: string;
  body: unknown;
  /** The id from a 202, or undefined when the answer never arrived. */
  id?: string;
}

function bodyFor(client: number, n: number) {
  return {
    artifact: { name: `svc-${client % 4}`, digest: digestOf(`svc-${client % 4}-${n % 7}`) },
    kind: "test",
    name: `suite-${client}-${n}`,
    status: n % 5 === 0 ? "failed" : "passed",
    summary: { total: n },
  };
}

describe("crash recovery", () => {
  let dir: string;
  const servers: SpawnedTollgate[] = [];
  afterEach(async () => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill("SIGKILL");
    await Promise.all(servers.map((s) => s.exited));
    servers.length = 0;
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every 202 across SIGKILL and stores re-sent deliveries once", async () => {
    dir = mkdtempSync(join(tmpdir(), "tollgate-crash-"));
    const dbPath = join(dir, "tollgate.db");
    const first = await spawnTollgate(dbPath);
    servers.push(first);

    const sent: Sent[] = [];
    let killed = false;
    const client = async (c: number) => {
      for (let n = 0; !killed; n++) {
        const entry: Sent = { delivery: `client-${c}-${n}`, body: bodyFor(c, n) };
        sent.push(entry);
        try {
          const response = await postSigned(first.baseUrl, "/api/v1/evidence", entry.body, {
            secret: TEST_SECRET,
            delivery: entry.delivery,
          });
          if (response.status !== 202) throw new Error(`unexpected ${response.status} ${response.text}`);
          entry.id = (response.body as { id: string }).id;
        } catch (error) {
          if (!killed) throw error;
          return;
        }
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    killed = true;
    first.child.kill("SIGKILL");
    await load;
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });

    const accepted = sent.filter((s) => s.id !== undefined);
    expect(accepted.length).toBeGreaterThan(50);

    const second = await spawnTollgate(dbPath);
    servers.push(second);
    const db = new Database(dbPath, { readonly: true });
    const stored = db
      .prepare(
        "SELECT d.result_id FROM deliveries d JOIN evidence e ON e.id = d.result_id WHERE d.route = 'evidence' AND d.delivery_key = ?",
      )
      .pluck();
    for (const s of accepted) expect(stored.get(s.delivery), s.delivery).toBe(s.id);

    for (const s of sent) {
      const again = await postSigned(second.baseUrl, "/api/v1/evidence", s.body, {
        secret: TEST_SECRET,
        delivery: s.delivery,
      });
      if (s.id !== undefined) {
        expect(again.status, s.delivery).toBe(200);
        expect(again.body).toEqual({ status: "accepted", id: s.id, duplicate: true });
      } else {
        // Its answer was lost in the crash: stored before (duplicate) or not (stored now), never twice.
        expect([200, 202]).toContain(again.status);
      }
    }
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    expect(count("SELECT count(*) FROM evidence")).toBe(sent.length);
    expect(count("SELECT count(*) FROM deliveries")).toBe(sent.length);
    expect(count("SELECT count(DISTINCT name) FROM evidence")).toBe(sent.length);
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
  });
});
