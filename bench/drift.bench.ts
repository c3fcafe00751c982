/**
 * `npm run bench -- drift`. Two figures, each printed with the baseline measured in the same run:
 * 1. computeDrift on two 50,000-key nested snapshots with 5% differences (target < 150 ms),
 *    against merely flattening both snapshots — the floor any dotted-path diff pays.
 * 2. Every digest for 20 environment pairs of 5,000-key snapshots — read snapshots from SQLite,
 *    diff, compare with the previous digest, render, claim, post (in-process poster), record
 *    (target < 1 s) — against reading the 40 snapshots alone.
 * The same digests over 50,000-key snapshots follow as a stress case with no target: reading and
 * parsing 40 snapshots of that size is itself a large part of the time (README, Benchmarks).
 */
import { performance } from "node:perf_hooks";
import { renderDriftDigest } from "../src/adapters/slack/views/drift-digest.js";
import { createDriftStore } from "../src/adapters/sqlite/drift-store.js";
import { createSnapshotStore } from "../src/adapters/sqlite/snapshot-store.js";
import { compileIgnore, computeDrift, flattenSnapshot } from "../src/domain/compute-drift.js";
import type { Contract, DriftPolicy } from "../src/domain/contract.js";
import type { ConfigValue } from "../src/domain/evidence.js";
import { postDriftDigest } from "../src/flows/post-drift-digest.js";
import { createTestDb } from "../test/helpers/test-db.js";

const CATEGORIES = ["feature_flags", "endpoints", "data", "security"];
const RULES = {
  allow: { feature_flags: 10 },
  ignore: ["feature_flags.experiment-*"],
  normalize: { staging: "{env}", prod: "{env}" },
};

type Tree = Record<string, Record<string, Record<string, ConfigValue>>>;

function groupOf(tree: Tree, category: string, group: string): Record<string, ConfigValue> {
  const groups = tree[category] ?? {};
  tree[category] = groups;
  const leaves = groups[group] ?? {};
  groups[group] = leaves;
  return leaves;
}

/** `keys` leaves over 4 categories, 50 per group; every 20th leaf differs (5%) in varied ways. */
function snapshotPair(keys: number): [Record<string, ConfigValue>, Record<string, ConfigValue>] {
  const here: Tree = {};
  const there: Tree = {};
  for (let i = 0; i < keys; i++) {
    const category = CATEGORIES[i % 4] as string;
    const group = `group-${Math.floor(i / 200)}`;
    const key = `key-${i}`;
    const a = groupOf(here, category, group);
    const b = groupOf(there, category, group);
    const base: ConfigValue =
      i % 3 === 0 ? `https://svc-${i}.prod.internal` : i % 3 === 1 ? i : [`r${i}`, i % 7 === 0];
    a[key] = base;
    b[key] = typeof base === "string" ? base.replace(".prod.", ".staging.") : base;
    if (i % 20 === 0) {
      const kind = (i / 20) % 4;
      if (kind === 0) b[key] = `changed-${i}`;
      else if (kind === 1) b[key] = typeof base === "number" ? String(base) : 0;
      else if (kind === 2) delete b[key];
      else b[`extra-${i}`] = true;
    }
  }
  return [here, there];
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function time(runs: number, fn: () => void): number[] {
  fn(); // warm-up: JIT and inline caches
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

function benchDiff(): void {
  const [here, there] = snapshotPair(50_000);
  const isIgnored = compileIgnore(RULES.ignore);
  let differences = 0;
  const diff = time(15, () => {
    differences = computeDrift(here, there, RULES).totalDifferences;
  });
  const flatten = time(15, () => {
    flattenSnapshot(here, isIgnored);
    flattenSnapshot(there, isIgnored);
  });
  const d = median(diff);
  const f = median(flatten);
  process.stdout.write(
    `diff 2 × 50,000 keys, ${differences} differences: median ${ms(d)}, p-max ${ms(Math.max(...diff))} (target < 150 ms)\n` +
      `  floor — flatten both only: median ${ms(f)}; diff / flatten = ${(d / f).toFixed(2)}×\n`,
  );
}

function digestContract(environment: string, compareTo: string): Contract {
  const drift: DriftPolicy = { compareTo, ...RULES, digest: { schedule: "0 9 * * *", channel: "C0DRIFT" } };
  return {
    environment,
    revision: "sha256:bench",
    timezone: "UTC",
    artifact: {},
    evidence: [],
    freeze: [],
    drift,
  };
}

/** `target`: printed after the figure, e.g. "target < 1 s". */
async function benchDigests(keysPerSnapshot: number, target: string): Promise<void> {
  const test = createTestDb();
  try {
    const snapshots = createSnapshotStore(test.db);
    const contracts: Contract[] = [];
    const now = new Date("2026-11-27T09:00:00Z");
    for (let p = 0; p < 20; p++) {
      const [here, there] = snapshotPair(keysPerSnapshot);
      for (const [env, config] of [
        [`prod-${p}`, here],
        [`staging-${p}`, there],
      ] as const) {
        snapshots.insert({
          environment: env,
          configJson: JSON.stringify(config),
          takenAt: now,
          receivedAt: now,
        });
      }
      contracts.push(
        digestContract(`prod-${p}`, `staging-${p}`),
        digestContract(`staging-${p}`, `prod-${p}`),
      );
    }
    const set = {
      contracts: new Map(contracts.map((c) => [c.environment, c])),
      order: contracts.map((c) => c.environment),
    };
    const poster = { post: async () => ({ ts: "1.1" }) };
    const deps = {
      contracts: { current: () => set },
      snapshots,
      runs: createDriftStore(test.db),
      poster,
      render: renderDriftDigest,
    };
    const all: number[] = [];
    for (let run = 0; run < 5; run++) {
      const slot = new Date(now.getTime() + run * 86_400_000);
      const start = performance.now();
      for (let p = 0; p < 20; p++) await postDriftDigest(deps, `prod-${p}`, slot, slot);
      all.push(performance.now() - start);
    }
    const reads = time(5, () => {
      for (let p = 0; p < 20; p++) {
        snapshots.newestSnapshot(`prod-${p}`);
        snapshots.newestSnapshot(`staging-${p}`);
      }
    });
    const d = median(all);
    const r = median(reads);
    process.stdout.write(
      `all digests, 20 pairs × ${keysPerSnapshot.toLocaleString("en")} keys: median ${ms(d)} (${target})\n` +
        `  floor — read the 40 snapshots only: median ${ms(r)}; digests / reads = ${(d / r).toFixed(2)}×\n`,
    );
  } finally {
    test.cleanup();
  }
}

export async function run(): Promise<void> {
  benchDiff();
  await benchDigests(5_000, "target < 1 s");
  await benchDigests(50_000, "stress case, parse-bound");
}
