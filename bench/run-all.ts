/**
 * `npm run bench`: runs every `bench/*.bench.ts` (compiled to dist/bench) in turn. Each prints
 * its figure next to the baseline it is compared with, measured in the same run.
 * `npm run bench -- ingest` runs only the benchmarks whose name contains "ingest"; `--help` lists
 * them, and a name that matches none is refused with the list (exit 64).
 */
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchName, chooseBenchmarks } from "./choose-benchmarks.js";

const here = dirname(fileURLToPath(import.meta.url));
const choice = chooseBenchmarks(
  process.argv.slice(2),
  readdirSync(here).filter((f) => f.endsWith(".bench.js")),
);

if (choice.kind === "help") process.stdout.write(choice.text);
if (choice.kind === "usage_error") {
  process.stderr.write(`bench: ${choice.text}`);
  process.exitCode = 64;
}
for (const file of choice.kind === "run" ? choice.files : []) {
  const module = (await import(pathToFileURL(`${here}/${file}`).href)) as { run?: () => Promise<void> };
  if (typeof module.run !== "function") throw new Error(`${file} does not export run()`);
  process.stdout.write(`\n=== ${benchName(file)} ===\n`);
  await module.run();
}
