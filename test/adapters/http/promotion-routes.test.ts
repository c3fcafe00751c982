import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerMatches } from "../../../src/adapters/http/bearer.js";
import { createMetrics } from "../../../src/adapters/http/metrics.js";
import { registerPromotionRoutes } from "../../../src/adapters/http/promotion-routes.js";
import { createHttpServer, type HttpServer } from "../../../src/adapters/http/server.js";
import { createLogger } from "../../../src/adapters/log.js";
import { createPromotionStore } from "../../../src/adapters/sqlite/promotion-store.js";
import { createStores } from "../../../src/adapters/sqlite/stores.js";
import { countingApprovers } from "../../../src/domain/approval-policy.js";
import type { Promotion } from "../../../src/domain/promotion.js";
import { loadContracts } from "../../helpers/readiness-server.js";
import { digestOf } from "../../helpers/test-app.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";

const TOKEN = "read-token-0123456789abcdef";
const NOW = new Date("2026-11-27T12:00:00Z");
const PROD_YML = [
  "evidence:",
  "  - {kind: test, name: unit}",
  "approvals:",
  "  required: 2",
  "  approvers: [U0ALICE, W0ENTBOB, U0REQ, U0ERIN]",
  "  self_approval: false",
  "",
].join("\n");
const set = loadContracts({ "prod.yml": PROD_YML });
const prod = set.contracts.get("prod")!;
// The same contract with a comment added: another file, so another revision (SPEC §4).
const edited = loadContracts({ "prod.yml": `# edited\n${PROD_YML}` });
let current = set;

let t: TestDb;
let http: HttpServer;
let baseUrl: string;
const digest = digestOf("a");

beforeAll(async () => {
  t = createTestDb();
  const stores = createStores(t.db);
  const promotions = createPromotionStore(t.db);
  stores.artifacts.register({ name: "svc", digest }, NOW);
  const promotion: Promotion = {
    id: "p-1",
    kind: "promotion",
    artifactName: "svc",
    digest,
    environment: "prod",
    state: "requested",
    requestedBy: "U0REQ",
    requestedAt: NOW,
    contractRevision: prod.revision,
    stateChangedAt: NOW,
  };
  promotions.insert(promotion);
  const decide = (userId: string, overrides: { digest?: string; decision?: "approve" | "reject" } = {}) =>
    promotions.recordDecision("p-1", {
      userId,
      decision: "approve",
      digest,
      contractRevision: prod.revision,
      at: NOW,
      ...overrides,
    });
  decide("U0ALICE");
  decide("U0REQ"); // the requester: never counts without self_approval
  decide("W0ENTBOB", { digest: digestOf("b") }); // given for another digest
  decide("U0ERIN", { decision: "reject" });
  // p-2 was approved by two approvers and is being deployed.
  promotions.insert({
    ...promotion,
    id: "p-2",
    state: "deploying",
    requestedAt: new Date(NOW.getTime() - 60_000),
  });
  for (const userId of ["U0ALICE", "W0ENTBOB"])
    promotions.recordDecision("p-2", {
      userId,
      decision: "approve",
      digest,
      contractRevision: prod.revision,
      at: NOW,
    });
  http = createHttpServer({
    logger: createLogger({ level: "silent", secrets: [] }),
    metrics: createMetrics(),
  });
  registerPromotionRoutes(http, {
    promotions,
    artifacts: stores.artifacts,
    contracts: { current: () => current },
    apiTokens: ["other-token-xyz", TOKEN],
  });
  http.setState("ready");
  baseUrl = `http://127.0.0.1:${(await http.listen(0, "127.0.0.1")).port}`;
});
afterAll(async () => {
  await http.close(1_000);
  t.cleanup();
});

const list = (authorization?: string, query = "?environment=prod") =>
  fetch(`${baseUrl}/api/v1/promotions${query}`, {
    headers: authorization === undefined ? {} : { authorization },
  });

describe("GET /api/v1/promotions", () => {
  it("lists approved_by as the card and the deploy hook count it", async () => {
    const response = await list(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { promotions: { id: string; approved_by: string[] }[] };
    const counted = countingApprovers(
      prod,
      { digest, requestedBy: "U0REQ" },
      createPromotionStore(t.db).decisions("p-1"),
      () => true,
    );
    expect(counted).toEqual(["U0ALICE"]);
    expect(body.promotions).toMatchObject([{ id: "p-1", approved_by: counted }, { id: "p-2" }]);
  });

  it("keeps who approved a decided promotion when the contract is edited later", async () => {
    current = edited;
    try {
      expect(edited.contracts.get("prod")?.revision).not.toBe(prod.revision);
      const body = (await (await list(`Bearer ${TOKEN}`)).json()) as {
        promotions: { id: string; approved_by: string[] }[];
      };
      // Still requested: approvals given under the old revision no longer count (SPEC §4).
      expect(body.promotions.find((p) => p.id === "p-1")?.approved_by).toEqual([]);
      expect(body.promotions.find((p) => p.id === "p-2")?.approved_by.sort()).toEqual([
        "U0ALICE",
        "W0ENTBOB",
      ]);
    } finally {
      current = set;
    }
  });

  it("lists every environment when none is named, with or without an empty ?environment=", async () => {
    for (const query of ["?state=deploying", "?environment=&state=deploying"]) {
      const response = await list(`Bearer ${TOKEN}`, query);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ environment: null, promotions: [{ id: "p-2" }] });
    }
    expect((await list(`Bearer ${TOKEN}`, "?environment=prdo")).status).toBe(404);
    expect((await list(`Bearer ${TOKEN}`, "?state=shipped")).status).toBe(400);
  });

  it("accepts the bearer token exactly as the readiness route does", async () => {
    expect((await list(`Bearer ${TOKEN}`)).status).toBe(200);
    expect((await list(`bearer ${TOKEN} `)).status).toBe(200);
    expect((await list("Bearer other-token-xyz")).status).toBe(200);
    for (const header of [
      undefined,
      "Bearer",
      "Bearer ",
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
    ]) {
      expect((await list(header)).status).toBe(401);
    }
    expect((await list(`Basic ${TOKEN}`)).status).toBe(401);
  });
});

describe("bearerMatches", () => {
  it("matches any configured token whatever its length, and nothing else", () => {
    const tokens = ["short", "a-much-longer-token-0123456789"];
    expect(bearerMatches("Bearer short", tokens)).toBe(true);
    expect(bearerMatches("Bearer a-much-longer-token-0123456789", tokens)).toBe(true);
    expect(bearerMatches("Bearer shor", tokens)).toBe(false);
    expect(bearerMatches("Bearer shortt", tokens)).toBe(false);
    expect(bearerMatches("Bearer ", tokens)).toBe(false);
    expect(bearerMatches(undefined, tokens)).toBe(false);
    expect(bearerMatches("Bearer short", [])).toBe(false);
    // An empty configured token never matches an absent one.
    expect(bearerMatches("Bearer", [""])).toBe(false);
  });
});
