/**
 * `npm run bench`: runs every `bench/*.bench.ts` (compiled to dist/bench) in turn. Each prints
 * its figure next to the baseline it is compared with, measured in the same run.
 * `npm run bench -- ingest` runs only the benchmarks whose file name contains "ingest".
 */
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.js"))
  .filter((f) => filter === undefined || f.includes(filter))
  .sort();

for (const file of files) {
  const module = (await import(pathToFileURL(`${here}/${file}`).href)) as { run?: () => Promise<void> };
  if (typeof module.run !== "function") throw new Error(`${file} does not export run()`);
  process.stdout.write(`\n=== ${file.replace(".bench.js", "")} ===\n`);
  await module.run();
}
