/** Stored facts for the read API and `tollgate assert` tests, written through the real stores. */
import type { Stores } from "../../src/adapters/sqlite/stores.js";
import type { EvidenceStatus } from "../../src/domain/evidence.js";

export const NOW = new Date("2026-11-27T12:00:00Z");
const HOUR = 3_600_000;
export const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * HOUR);

export const READY = { name: "checkout-api", digest: `sha256:4f2a${"1".repeat(57)}c91`, version: "1.4.2" };
export const BLOCKED = { name: "checkout-api", digest: `sha256:9e01${"2".repeat(57)}d00`, version: "1.4.3" };
export const TWIN_A = { name: "billing", digest: `sha256:${"a".repeat(12)}${"3".repeat(52)}` };
export const TWIN_B = { name: "billing", digest: `sha256:${"a".repeat(12)}${"4".repeat(52)}` };
export const COMMIT_A = "9fceb02d0ae598e95dc970b74767f19372d61af8";

function evidence(
  stores: Stores,
  digest: string | undefined,
  commit: string | undefined,
  name: string,
  status: EvidenceStatus,
  extra: { environment?: string; summary?: Record<string, number>; url?: string } = {},
) {
  stores.evidence.insert({
    digest,
    commit,
    kind: "test",
    name,
    status,
    environment: extra.environment,
    summaryJson: JSON.stringify(extra.summary ?? {}),
    url: extra.url,
    observedAt: at(1),
    receivedAt: at(1),
  });
}

function deploy(stores: Stores, environment: string, digest: string, hoursAgo: number) {
  stores.deployments.insert({
    environment,
    digest,
    status: "succeeded",
    deployedAt: at(hoursAgo),
    receivedAt: at(hoursAgo),
  });
}

export function seedReadiness(stores: Stores): void {
  stores.artifacts.register({ ...READY, commit: COMMIT_A }, at(48));
  stores.artifacts.register(BLOCKED, at(1));
  stores.artifacts.register(TWIN_A, at(5));
  stores.artifacts.register(TWIN_B, at(4));
  deploy(stores, "dev", READY.digest, 48);
  deploy(stores, "staging", READY.digest, 3);
  deploy(stores, "dev", BLOCKED.digest, 1);
  // Commit-scoped unit evidence, reported before any digest: counts for READY.
  evidence(stores, undefined, COMMIT_A, "unit", "passed");
  evidence(stores, READY.digest, undefined, "e2e", "passed", {
    environment: "staging",
    summary: { total: 12 },
  });
  evidence(stores, BLOCKED.digest, undefined, "unit", "failed", { url: "https://ci.example.com/runs/8812" });
}
