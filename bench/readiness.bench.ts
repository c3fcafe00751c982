/**
 * `npm run bench -- readiness`. 10,000 artifacts, 3 environments, 1,000,000 evidence rows in a
 * real SQLite file. Two figures, each printed with the bare SQL reads it needs (the ceiling):
 * 1. readiness of one artifact for prod (what `/promote` and `tollgate assert` pay): p50/p99,
 *    target p99 < 5 ms;
 * 2. all 30,000 artifact × environment verdicts (`evaluateAll`), target < 3 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadContractSet } from "../src/adapters/contracts/load-contract-set.js";
import { createDeploymentHistoryStore } from "../src/adapters/sqlite/deployment-history-store.js";
import { createLatestEvidenceStore } from "../src/adapters/sqlite/latest-evidence-store.js";
import type { Db } from "../src/adapters/sqlite/open-database.js";
import { createStores } from "../src/adapters/sqlite/stores.js";
import type { ContractSet } from "../src/domain/contract.js";
import { createReadinessService } from "../src/flows/evaluate-readiness.js";
import { createTestDb } from "../test/helpers/test-db.js";

const ARTIFACTS = 10_000;
const EVIDENCE_PER_ARTIFACT = 100;
const SERVICES = 100;
const NOW = Date.parse("2026-11-27T12:00:00Z");
const MINUTE = 60_000;

const CONTRACTS: Record<string, string> = {
  "dev.yml": "evidence:\n  - {kind: test, name: unit}\n",
  "staging.yml": [
    "after: dev",
    "artifact: {same_as: dev, soak: 1h, max_age: 30d}",
    "evidence:",
    "  - {kind: test, name: unit}",
    "  - {kind: scan, name: trivy, max: {critical: 0, high: 3}}",
    "drift: {compare_to: dev, allow: {feature_flags: 50}, max_snapshot_age: 24h}",
    "",
  ].join("\n"),
  "prod.yml": [
    "after: staging",
    "timezone: Europe/Berlin",
    "artifact: {same_as: staging, soak: 24h, max_age: 30d}",
    "evidence:",
    "  - {kind: test, name: unit}",
    "  - {kind: test, name: e2e, environment: staging, max_age: 72h, min_total: 1}",
    "  - {kind: scan, name: trivy, max: {critical: 0, high: 3}}",
    "  - {kind: sbom}",
    "  - {kind: signature, name: cosign}",
    "drift: {compare_to: staging, allow: {feature_flags: 2}, ignore: ['feature_flags.exp-*'], normalize: {staging: '{env}', prod: '{env}'}, max_snapshot_age: 24h}",
    "freeze:",
    "  - {weekly: 'Fri 16:00 - Mon 09:00'}",
    "  - {from: 2026-12-24, to: 2027-01-02, reason: Holiday freeze}",
    "",
  ].join("\n"),
};

const EVIDENCE_KINDS = [
  ["test", "unit"],
  ["test", "e2e"],
  ["scan", "trivy"],
  ["sbom", "syft"],
  ["signature", "cosign"],
] as const;

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const digestOf = (i: number) => `sha256:${hex(i * 2654435761, 16).slice(-16)}${hex(i, 48)}`;
const commitOf = (i: number) => `${hex(i, 8)}${"c".repeat(32)}`;

function loadContracts(): ContractSet {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-contracts-"));
  try {
    for (const [name, text] of Object.entries(CONTRACTS)) writeFileSync(join(dir, name), text);
    const loaded = loadContractSet(dir);
    if (!loaded.ok) throw new Error(`bench contracts invalid: ${JSON.stringify(loaded.errors)}`);
    return loaded.set;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function config(env: string): string {
  const flags: Record<string, boolean> = {};
  const endpoints: Record<string, string> = {};
  for (let i = 0; i < 200; i++) flags[`flag-${i}`] = i % 17 === 0 ? env === "prod" : true;
  for (let i = 0; i < 50; i++) endpoints[`svc-${i}`] = `https://svc-${i}.${env}.internal`;
  return JSON.stringify({ feature_flags: flags, endpoints, data: { "orders.schema": "v42" } });
}

/** One transaction: what a long-running install accumulates, written in a few seconds. */
function fill(db: Db): void {
  const artifact = db.prepare(
    "INSERT INTO artifacts (digest, name, version, commit_sha, first_seen_at) VALUES (?, ?, ?, ?, ?)",
  );
  const evidence = db.prepare(`INSERT INTO evidence (id, digest, commit_sha, kind, name, status, environment,
    summary, url, observed_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const deployment = db.prepare(`INSERT INTO deployments (id, environment, digest, status, deployed_at,
    received_at) VALUES (?, ?, ?, 'succeeded', ?, ?)`);
  const snapshot = db.prepare(
    "INSERT INTO snapshots (id, environment, config, taken_at, received_at) VALUES (?, ?, ?, ?, ?)",
  );
  let seq = 0;
  // NOTE: only the fill skips the WAL and fsyncs (it is one transaction anyway); the measured
  // reads run on the production settings restored below.
  db.pragma("journal_mode = DELETE");
  db.pragma("synchronous = OFF");
  db.transaction(() => {
    for (let i = 0; i < ARTIFACTS; i++) {
      const born = NOW - (ARTIFACTS - i) * 5 * MINUTE;
      const digest = digestOf(i);
      const commit = commitOf(i);
      artifact.run(digest, `service-${i % SERVICES}`, `1.0.${Math.floor(i / SERVICES)}`, commit, born);
      for (let e = 0; e < EVIDENCE_PER_ARTIFACT; e++) {
        const [kind, name] = EVIDENCE_KINDS[e % EVIDENCE_KINDS.length] as readonly [string, string];
        const commitScoped = e % 10 === 0;
        const status = (i + e) % 13 === 0 ? "failed" : "passed";
        const summary =
          kind === "test" ? { total: 40, passed: 40 } : kind === "scan" ? { critical: 0, high: e % 5 } : {};
        const at = born + e * MINUTE;
        evidence.run(
          `ev_${++seq}`,
          commitScoped ? null : digest,
          commit,
          kind,
          name,
          status,
          name === "e2e" ? "staging" : null,
          JSON.stringify(summary),
          `https://ci.example.com/runs/${seq}`,
          at,
          at,
        );
      }
      deployment.run(`dep_${i}_dev`, "dev", digest, born + 10 * MINUTE, born + 10 * MINUTE);
      if (i % 2 === 0)
        deployment.run(`dep_${i}_stg`, "staging", digest, born + 60 * MINUTE, born + 60 * MINUTE);
      if (i % 5 === 0)
        deployment.run(`dep_${i}_prd`, "prod", digest, born + 1500 * MINUTE, born + 1500 * MINUTE);
    }
    for (const env of ["dev", "staging", "prod"]) {
      for (let s = 0; s < 3; s++)
        snapshot.run(`snap_${env}_${s}`, env, config(env), NOW - s * 60 * MINUTE, NOW);
    }
  })();
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("ANALYZE");
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

function sample(runs: number, fn: (i: number) => void): { p50: number; p99: number } {
  for (let i = 0; i < 200; i++) fn(i); // warm-up: JIT, page cache
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

/**
 * The SQL the evaluation runs, returning raw rows and nothing else: the ceiling. Same statements
 * as the stores (artifact, newest evidence per requirement, latest success upstream and what
 * replaced it, snapshots), minus mapping rows to domain objects and evaluating them.
 */
function bareReads(db: Db) {
  const artifact = db.prepare("SELECT * FROM artifacts WHERE digest = ?");
  const latestEvidence = db.prepare(`SELECT e.* FROM evidence_latest l JOIN evidence e ON e.seq = l.seq
    WHERE l.scope = ? UNION ALL SELECT e.* FROM evidence_latest l JOIN evidence e ON e.seq = l.seq
    WHERE l.scope >= ? AND l.scope < ? UNION ALL SELECT e.* FROM evidence_latest l JOIN evidence e
    ON e.seq = l.seq WHERE l.scope IN (SELECT value FROM json_each(?))`);
  const latest =
    db.prepare(`SELECT * FROM deployments WHERE digest = ? AND environment = ? AND status = 'succeeded'
    ORDER BY deployed_at DESC, seq DESC LIMIT 1`);
  const replacement = db.prepare(`SELECT d.* FROM artifacts a CROSS JOIN deployments d WHERE a.name = ?
    AND d.digest = a.digest AND d.environment = ? AND d.status = 'succeeded' AND d.digest <> ?
    AND d.deployed_at > ? ORDER BY d.deployed_at, d.seq LIMIT 1`);
  const snapshot = db.prepare(
    "SELECT config, taken_at FROM snapshots WHERE environment = ? ORDER BY taken_at DESC, seq DESC LIMIT 1",
  );
  const list = db.prepare("SELECT * FROM artifacts ORDER BY first_seen_at DESC LIMIT ? OFFSET ?");
  const deploymentsIn =
    db.prepare(`SELECT d.*, a.name FROM deployments d JOIN artifacts a ON a.digest = d.digest
    WHERE d.environment = ? ORDER BY d.deployed_at, d.seq`);
  const abbreviations = (commit: string) =>
    JSON.stringify(Array.from({ length: commit.length - 7 }, (_, i) => commit.slice(0, 7 + i)));
  const evidence = (digest: string, commit: string) =>
    latestEvidence.all(digest, commit, `${commit}g`, abbreviations(commit));
  return {
    one(i: number) {
      const row = artifact.get(digestOf(i)) as { digest: string; name: string; commit_sha: string };
      evidence(row.digest, row.commit_sha);
      const up = latest.get(row.digest, "staging") as { deployed_at: number } | undefined;
      if (up) replacement.get(row.name, "staging", row.digest, up.deployed_at);
      snapshot.get("prod");
      snapshot.get("staging");
    },
    all() {
      for (const env of ["dev", "staging", "prod"]) snapshot.get(env);
      deploymentsIn.all("dev");
      deploymentsIn.all("staging");
      for (let offset = 0; offset < ARTIFACTS; offset += 1_000) {
        for (const row of list.all(1_000, offset) as { digest: string; commit_sha: string }[]) {
          evidence(row.digest, row.commit_sha);
        }
      }
    },
  };
}

const ms = (n: number) => `${n.toFixed(3)} ms`;

export async function run(): Promise<void> {
  const testDb = createTestDb();
  try {
    const fillStart = performance.now();
    fill(testDb.db);
    const count = (testDb.db.prepare("SELECT count(*) AS n FROM evidence").get() as { n: number }).n;
    process.stdout.write(
      `filled ${ARTIFACTS} artifacts, ${count} evidence rows in ${((performance.now() - fillStart) / 1000).toFixed(1)} s\n`,
    );
    const set = loadContracts();
    const stores = createStores(testDb.db);
    const service = createReadinessService({
      contracts: { current: () => set },
      artifacts: stores.artifacts,
      evidence: { ...stores.evidence, ...createLatestEvidenceStore(testDb.db) },
      deployments: { ...stores.deployments, ...createDeploymentHistoryStore(testDb.db) },
      snapshots: stores.snapshots,
      clock: { now: () => new Date(NOW) },
    });
    const bare = bareReads(testDb.db);
    const pick = (i: number) => (i * 7919) % ARTIFACTS;

    const one = sample(2_000, (i) => service.evaluate(digestOf(pick(i)), "prod"));
    const oneBare = sample(2_000, (i) => bare.one(pick(i)));
    process.stdout.write(
      `one artifact → prod:   p50 ${ms(one.p50)}  p99 ${ms(one.p99)} (target p99 < 5 ms)\n` +
        `  bare SQL reads:      p50 ${ms(oneBare.p50)}  p99 ${ms(oneBare.p99)}  ratio p99 ${(one.p99 / oneBare.p99).toFixed(2)}×\n`,
    );

    const allStart = performance.now();
    const all = service.evaluateAll();
    const allMs = performance.now() - allStart;
    const verdicts = { ready: 0, waiting: 0, blocked: 0 };
    for (const r of all) verdicts[r.verdict]++;

    const bareStart = performance.now();
    bare.all();
    const bareAllMs = performance.now() - bareStart;
    process.stdout.write(
      `all ${all.length} verdicts:  ${(allMs / 1000).toFixed(2)} s (target < 3 s) ` +
        `ready ${verdicts.ready} · waiting ${verdicts.waiting} · blocked ${verdicts.blocked}\n` +
        `  bare SQL reads:      ${(bareAllMs / 1000).toFixed(2)} s  ratio ${(allMs / bareAllMs).toFixed(2)}×\n`,
    );
    await stores.intake.drain();
  } finally {
    testDb.cleanup();
  }
}
