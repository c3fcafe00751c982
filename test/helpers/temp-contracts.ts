/** A throw-away contracts folder: write files by name, remove it all afterwards. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TempContracts {
  /** The folder holding `contracts/`; use it as the working directory so paths read `contracts/…`. */
  root: string;
  dir: string;
  write(name: string, content: string | Uint8Array): string;
  cleanup(): void;
}

export function createTempContracts(files: Record<string, string> = {}): TempContracts {
  const root = mkdtempSync(path.join(tmpdir(), "tollgate-contracts-"));
  const dir = path.join(root, "contracts");
  mkdirSync(dir);
  const write = (name: string, content: string | Uint8Array) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  for (const [name, content] of Object.entries(files)) write(name, content);
  return { root, dir, write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
