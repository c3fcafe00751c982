/**
 * A 202 means durable (SPEC §3): the intake route answers only once the WAL barrier has synced the
 * commit that holds the request. The barrier is injected so the test decides when the disk is done.
 */
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { registerIntakeRoutes } from "../../../src/adapters/http/intake-routes.js";
import { createMetrics } from "../../../src/adapters/http/metrics.js";
import { createHttpServer, type HttpServer } from "../../../src/adapters/http/server.js";
import { createLogger } from "../../../src/adapters/log.js";
import { createStores } from "../../../src/adapters/sqlite/stores.js";
import { createChangeBus, systemClock } from "../../../src/flows/ports.js";
import { recordDeployment } from "../../../src/flows/record-deployment.js";
import { recordEvidence } from "../../../src/flows/record-evidence.js";
import { recordSnapshot } from "../../../src/flows/record-snapshot.js";
import { postSigned } from "../../helpers/api-client.js";
import { digestOf } from "../../helpers/test-app.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";

const SECRET = "durability-secret-0123456789";

describe("intake durability barrier", () => {
  let test: TestDb | undefined;
  let http: HttpServer | undefined;
  afterEach(async () => {
    await http?.close(100);
    test?.cleanup();
  });

  async function start() {
    test = createTestDb();
    const syncs: (() => void)[] = [];
    let synced = 0;
    const barrier = () =>
      new Promise<void>((resolve) =>
        syncs.push(() => {
          synced++;
          resolve();
        }),
      );
    const stores = createStores(test.db, { barrier });
    const deps = { store: stores.intake, bus: createChangeBus(), clock: systemClock };
    http = createHttpServer({
      logger: createLogger({ level: "silent", secrets: [] }),
      metrics: createMetrics(),
    });
    registerIntakeRoutes(http, {
      secrets: [SECRET],
      clock: systemClock,
      handlers: {
        evidence: (request) => recordEvidence(deps, request),
        deployment: (request) => recordDeployment(deps, request),
        snapshot: (request) => recordSnapshot(deps, request),
      },
    });
    http.setState("ready");
    const address: AddressInfo = await http.listen(0, "127.0.0.1");
    return { baseUrl: `http://127.0.0.1:${address.port}`, syncs, synced: () => synced, db: test.db };
  }

  it("sends the 202 only after the sync of its commit has returned", async () => {
    const server = await start();
    const answered: number[] = [];
    const response = postSigned(
      server.baseUrl,
      "/api/v1/evidence",
      {
        artifact: { name: "api", digest: digestOf("durable") },
        kind: "test",
        name: "unit",
        status: "passed",
      },
      { secret: SECRET, delivery: "d-1" },
    ).then((r) => {
      answered.push(server.synced());
      return r;
    });
    while (server.syncs.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // Committed (a reader sees the row) but not yet synced: no answer may have been sent.
    expect(server.db.prepare("SELECT count(*) FROM evidence").pluck().get()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toEqual([]);
    server.syncs[0]?.();
    const result = await response;
    expect(result.status).toBe(202);
    expect(answered).toEqual([1]);
  });

  it("holds duplicates to the same rule", async () => {
    const server = await start();
    const body = { artifact: { commit: "abcdef0" }, kind: "test", name: "unit", status: "passed" };
    const first = postSigned(server.baseUrl, "/api/v1/evidence", body, { secret: SECRET, delivery: "same" });
    while (server.syncs.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    server.syncs[0]?.();
    expect((await first).status).toBe(202);
    let answered = false;
    const again = postSigned(server.baseUrl, "/api/v1/evidence", body, {
      secret: SECRET,
      delivery: "same",
    }).then((r) => {
      answered = true;
      return r;
    });
    while (server.syncs.length === 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    server.syncs[1]?.();
    expect(await again).toMatchObject({ status: 200, body: { duplicate: true } });
  });
});
