/**
 * The environment, parsed once (SPEC §1). `loadConfig` lists every problem in one error with a
 * hint; main.ts turns it into exit status 78 (EX_CONFIG).
 */
import { isIP } from "node:net";
import { z } from "zod";
import { parseDatabaseUrl } from "./database-url.js";
import { CodedError } from "./errors.js";

/** RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens. */
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const csv = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== ""),
  );

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

const EnvSchema = z.object({
  SLACK_BOT_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith("xoxb-"), {
    message: "must start with xoxb- (the Bot User OAuth Token under OAuth & Permissions)",
  }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith("xapp-"), {
    message: "must start with xapp- (an app-level token with connections:write, under Basic Information)",
  }),
  SLACK_API_URL: optionalText.refine((v) => v === undefined || URL.canParse(v), { message: "must be a URL" }),
  DATABASE_URL: optionalText,
  CONTRACTS_DIR: optionalText,
  HOST: optionalText.refine((v) => v === undefined || isIP(v) !== 0 || HOSTNAME.test(v), {
    message: "must be an IP address or a host name, e.g. 0.0.0.0, :: or localhost",
  }),
  PORT: optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) <= 65535), {
    message: "must be a port number from 0 to 65535",
  }),
  TOLLGATE_WEBHOOK_SECRETS: csv,
  TOLLGATE_API_TOKENS: csv,
  GITHUB_WEBHOOK_SECRET: optionalText,
  LOG_LEVEL: optionalText.refine((v) => v === undefined || (LOG_LEVELS as readonly string[]).includes(v), {
    message: `must be one of ${LOG_LEVELS.join(", ")}`,
  }),
});

export interface Config {
  mode: "sandbox" | "http" | "socket";
  slack: {
    botToken?: string | undefined;
    signingSecret?: string | undefined;
    appToken?: string | undefined;
    apiUrl: string;
  };
  databasePath: string;
  contractsDir: string;
  host: string;
  port: number;
  webhookSecrets: string[];
  apiTokens: string[];
  githubWebhookSecret?: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
}

/** Every secret value in the configuration, so the logger can redact them wherever they appear. */
export function secretValues(config: Config): string[] {
  return [
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.githubWebhookSecret,
    ...config.webhookSecrets,
    ...config.apiTokens,
  ].filter((value): value is string => value !== undefined && value !== "");
}

export const DEFAULT_CONTRACTS_DIR = "./contracts";

/**
 * The SQLite path for `tollgate migrate` / `audit`, which read DATABASE_URL without loadConfig;
 * the same parser as `start`, so all three open the same file.
 */
export function sqlitePathFrom(url: string | undefined): string {
  const parsed = parseDatabaseUrl(url);
  if ("problem" in parsed)
    throw new CodedError("config_invalid", `DATABASE_URL: ${parsed.problem}`, {
      hint: DATABASE_URL_HINT,
    });
  return parsed.path;
}

const DATABASE_URL_HINT =
  "Set DATABASE_URL to a file path (./data/tollgate.db), a sqlite: URL (sqlite:///var/lib/tollgate/t.db) or a file: URL";

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  // Checks that do not depend on the schema run either way, so ONE message lists every problem.
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  problems.push(...independentProblems(env));
  const mode = modeOf(env);
  problems.push(...requiredInMode(mode, env));
  if (!parsed.success || problems.length > 0) throw configError(problems);
  const e = parsed.data;

  return {
    mode,
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: withTrailingSlash(e.SLACK_API_URL ?? "https://slack.com/api/"),
    },
    databasePath: sqlitePathFrom(e.DATABASE_URL),
    contractsDir: e.CONTRACTS_DIR ?? DEFAULT_CONTRACTS_DIR,
    // NOTE: the sandbox has no Slack signatures and a generated webhook secret it shows on its page,
    // so by default only this machine reaches it; SPEC §1's 0.0.0.0 stays the default with Slack.
    host: e.HOST ?? (mode === "sandbox" ? "127.0.0.1" : "0.0.0.0"),
    port: e.PORT === undefined ? 3000 : Number(e.PORT),
    webhookSecrets: e.TOLLGATE_WEBHOOK_SECRETS,
    apiTokens: e.TOLLGATE_API_TOKENS,
    githubWebhookSecret: e.GITHUB_WEBHOOK_SECRET,
    logLevel: (e.LOG_LEVEL ?? "info") as Config["logLevel"],
  };
}

const given = (value: string | undefined): boolean => value !== undefined && value.trim() !== "";

/** Read from the raw values, so a malformed variable elsewhere does not hide what the mode requires. */
function modeOf(env: Record<string, string | undefined>): Config["mode"] {
  if (!given(env.SLACK_BOT_TOKEN)) return "sandbox";
  return given(env.SLACK_APP_TOKEN) ? "socket" : "http";
}

function requiredInMode(mode: Config["mode"], env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (mode === "http" && !given(env.SLACK_SIGNING_SECRET)) {
    problems.push(
      "SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN in HTTP mode (Basic Information → App Credentials), or set SLACK_APP_TOKEN for Socket Mode",
    );
  }
  if (mode !== "sandbox" && !(env.TOLLGATE_WEBHOOK_SECRETS ?? "").split(",").some(given)) {
    problems.push(
      "TOLLGATE_WEBHOOK_SECRETS: required outside sandbox mode; CI signs evidence with one of them (e.g. `openssl rand -hex 32`)",
    );
  }
  return problems;
}

/** Problems visible in the raw values alone, reported even when other variables fail the schema. */
function independentProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const database = parseDatabaseUrl(env.DATABASE_URL);
  if ("problem" in database) problems.push(`DATABASE_URL: ${database.problem}`);
  const secrets = (env.TOLLGATE_WEBHOOK_SECRETS ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  for (const [index, secret] of secrets.entries()) {
    if (secret.length < 16)
      problems.push(`TOLLGATE_WEBHOOK_SECRETS[${index}]: too short, use at least 16 characters`);
  }
  return problems;
}

function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function configError(problems: string[]): CodedError {
  const list = problems.map((p) => `  - ${p}`).join("\n");
  return new CodedError("config_invalid", `Invalid configuration (${problems.length} problem(s)):\n${list}`, {
    hint: "See README.md → Configuration for every variable and where to find its value.",
    details: problems,
  });
}
