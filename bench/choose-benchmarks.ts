/**
 * What `npm run bench -- <args>` runs: every benchmark, the ones whose name contains a filter, or
 * nothing but the usage. Pure, so the choice is tested without running a benchmark.
 * NOTE: a filter that matches nothing is a usage error (64), not an empty success: `npm run bench
 * -- ingets` used to build, print nothing and exit 0, which a script reads as "measured".
 */
export type BenchChoice =
  | { kind: "run"; files: string[] }
  | { kind: "help"; text: string }
  | { kind: "usage_error"; text: string };

const HELP = new Set(["--help", "-h", "help"]);

/** `drift.bench.js` → `drift`. */
export const benchName = (file: string): string => file.replace(/\.bench\.[jt]s$/, "");

export function benchUsage(names: readonly string[]): string {
  return [
    "Usage: npm run bench [-- <name>]   (or: node dist/bench/run-all.js [<name>])",
    "",
    "Runs every benchmark in turn, or only those whose name contains <name>. Each prints its",
    "figure next to a baseline measured in the same run.",
    "",
    `Benchmarks: ${names.join(", ")}`,
    "",
    "Environment: BENCH_SECONDS (each ingest target's measured time, default 10),",
    "  WARMUP_SECONDS (unmeasured load before it, default 3), BENCH_CPU_PROFILE_DIR (write V8 CPU",
    "  profiles there), BENCH_CPU_PROFILE_INTERVAL_US (their sampling interval, default 1000).",
    "",
  ].join("\n");
}

/** `files`: the `*.bench.js` files found beside run-all, in any order. */
export function chooseBenchmarks(args: readonly string[], files: readonly string[]): BenchChoice {
  const sorted = [...files].sort();
  const usage = benchUsage(sorted.map(benchName));
  const [filter, ...extra] = args;
  if (filter === undefined) return { kind: "run", files: sorted };
  if (HELP.has(filter)) return { kind: "help", text: usage };
  if (filter.startsWith("-")) return { kind: "usage_error", text: `unknown option "${filter}"\n\n${usage}` };
  if (extra.length > 0)
    return { kind: "usage_error", text: `one benchmark name at most, got ${args.length}\n\n${usage}` };
  const chosen = sorted.filter((file) => benchName(file).includes(filter));
  if (chosen.length === 0)
    return { kind: "usage_error", text: `no benchmark matches "${filter}"\n\n${usage}` };
  return { kind: "run", files: chosen };
}
