import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDeploymentHistoryStore } from "../../../src/adapters/sqlite/deployment-history-store.js";
import { createStores, type Stores } from "../../../src/adapters/sqlite/stores.js";
import type { DeploymentStatus } from "../../../src/domain/evidence.js";
import type { DeploymentHistoryReader } from "../../../src/flows/ports.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";

const T = Date.parse("2026-11-27T00:00:00Z");
const digest = (c: string) => `sha256:${c.repeat(64)}`;
let db: TestDb;
let stores: Stores;
let history: DeploymentHistoryReader;

beforeEach(() => {
  db = createTestDb();
  stores = createStores(db.db);
  history = createDeploymentHistoryStore(db.db);
  stores.artifacts.register({ name: "api", digest: digest("a") }, new Date(T));
  stores.artifacts.register({ name: "api", digest: digest("b") }, new Date(T));
  stores.artifacts.register({ name: "web", digest: digest("c") }, new Date(T));
});
afterEach(() => db.cleanup());

function deploy(environment: string, c: string, minute: number, status: DeploymentStatus = "succeeded") {
  stores.deployments.insert({
    environment,
    digest: digest(c),
    status,
    deployedAt: new Date(T + minute * 60_000),
    receivedAt: new Date(T + minute * 60_000),
  });
}

describe("deployment history reads", () => {
  it("runningNamed is the latest success of that name, ignoring other services and failures", () => {
    deploy("staging", "a", 1);
    deploy("staging", "c", 2);
    deploy("staging", "b", 3, "failed");
    deploy("prod", "b", 4);
    expect(history.runningNamed("staging", "api")?.digest).toBe(digest("a"));
    expect(history.runningNamed("staging", "web")?.digest).toBe(digest("c"));
    expect(history.runningNamed("dev", "api")).toBeUndefined();
  });

  it("replacementOf is the first later success of another digest of the same name", () => {
    deploy("staging", "a", 1);
    deploy("staging", "c", 2);
    deploy("staging", "a", 3);
    deploy("staging", "b", 4, "started");
    deploy("staging", "b", 5);
    deploy("staging", "b", 6);
    const latestA = stores.deployments.latestSuccessOf(digest("a"), "staging");
    expect(latestA?.deployedAt.getTime()).toBe(T + 3 * 60_000);
    const replacement = latestA && history.replacementOf(latestA);
    expect(replacement?.digest).toBe(digest("b"));
    expect(replacement?.deployedAt.getTime()).toBe(T + 5 * 60_000);
    const latestB = stores.deployments.latestSuccessOf(digest("b"), "staging");
    expect(latestB && history.replacementOf(latestB)).toBeUndefined();
  });

  it("at the same instant, the later arrival replaces", () => {
    deploy("staging", "a", 1);
    deploy("staging", "b", 1);
    const a = stores.deployments.latestSuccessOf(digest("a"), "staging");
    expect(a && history.replacementOf(a)?.digest).toBe(digest("b"));
    const b = stores.deployments.latestSuccessOf(digest("b"), "staging");
    expect(b && history.replacementOf(b)).toBeUndefined();
  });
});
