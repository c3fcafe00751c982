/**
 * The sandbox's generated credentials, kept in `<data dir>/sandbox.json` so a restart keeps the
 * webhook secret a visitor already pasted into their shell (and the signed history stays valid).
 * Written with mode 0600: these are real secrets for this local instance.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface SandboxSecrets {
  botToken: string;
  signingSecret: string;
  webhookSecret: string;
  deploySecret: string;
}

const KEYS: readonly (keyof SandboxSecrets)[] = [
  "botToken",
  "signingSecret",
  "webhookSecret",
  "deploySecret",
];

export function sandboxFile(databasePath: string): string {
  return join(dirname(databasePath), "sandbox.json");
}

function generate(): SandboxSecrets {
  const hex = (bytes: number) => randomBytes(bytes).toString("hex");
  return {
    botToken: `xoxb-sandbox-${hex(12)}`,
    signingSecret: hex(16),
    webhookSecret: hex(32),
    deploySecret: hex(32),
  };
}

function read(file: string): Partial<SandboxSecrets> {
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof parsed !== "object" || parsed === null) return {};
    const entries = KEYS.map((key) => [key, (parsed as Record<string, unknown>)[key]] as const);
    return Object.fromEntries(entries.filter(([, value]) => typeof value === "string" && value.length >= 16));
  } catch {
    // A damaged file is replaced: the sandbox holds nothing that cannot be generated again.
    return {};
  }
}

/** Loads the saved secrets, fills in any missing one, and saves the result. */
export function loadSandboxSecrets(file: string): { secrets: SandboxSecrets; created: boolean } {
  const saved = read(file);
  const secrets = { ...generate(), ...saved };
  const created = KEYS.some((key) => saved[key] === undefined);
  if (created) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return { secrets, created };
}
