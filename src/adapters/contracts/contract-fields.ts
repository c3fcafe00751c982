/**
 * Field-level schemas shared by the contract shape: each refuses bad input with a message that
 * says what was expected and, where it helps, what was probably meant.
 */
import { validateDetailed } from "node-cron";
import { z } from "zod";
import { ENVIRONMENT_NAME } from "../../domain/contract.js";
import { parseDuration } from "../../domain/duration.js";
import { didYouMean } from "./suggest.js";

export { ENVIRONMENT_NAME };

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const isUserId = (id: string): boolean => USER_ID.test(id);

/** `error` option: "is required" when the key is missing, otherwise what was expected. */
export const expected = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? "is required" : `expected ${what}`;

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
export const text = z
  .string({ error: expected("text") })
  .min(1, { error: "must not be empty" })
  .refine((value) => !CONTROL.test(value), { error: "must not contain control characters" });
export const bool = z.boolean({ error: expected("true or false") });

const INTEGER = "a non-negative integer";
export const nonNegativeInt = z
  .number({ error: expected(INTEGER) })
  .int({ error: expected(INTEGER) })
  .min(0, { error: expected(INTEGER) });
export const positiveInt = z
  .number({ error: expected("a positive integer") })
  .int({ error: expected("a positive integer") })
  .min(1, { error: expected("a positive integer") });

export const environmentName = z
  .string({ error: expected("an environment name") })
  .regex(ENVIRONMENT_NAME, { error: "expected an environment name (lower-case letters, digits and -)" });

const DURATION_HINT = "a duration like 30s, 15m, 24h or 7d";
export const duration = z.string({ error: expected(DURATION_HINT) }).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms !== undefined) return ms;
  ctx.issues.push({ code: "custom", input: value, message: `expected ${DURATION_HINT}, got "${value}"` });
  return z.NEVER;
});

export const channelId = z.string({ error: expected("a Slack channel ID") }).superRefine((value, ctx) => {
  if (CHANNEL_ID.test(value)) return;
  const hint = value.startsWith("#") ? " — use the channel ID (channel details → About), not its name" : "";
  ctx.addIssue({ code: "custom", message: `expected a Slack channel ID (C… or G…), got "${value}"${hint}` });
});

const principal = z.string({ error: expected("a Slack user or user-group ID") }).superRefine((value, ctx) => {
  if (USER_ID.test(value) || GROUP_ID.test(value)) return;
  const hint = value.startsWith("@") ? " — use the member ID from the profile, not the @name" : "";
  ctx.addIssue({
    code: "custom",
    message: `expected a Slack user ID (U…/W…) or user-group ID (S…), got "${value}"${hint}`,
  });
});

export const principals = z
  .array(principal, { error: expected("a list of Slack user or user-group IDs") })
  .min(1, { error: "must list at least one user or user group" })
  .superRefine((ids, ctx) => {
    for (const [index, id] of ids.entries()) {
      if (ids.indexOf(id) !== index)
        ctx.addIssue({ code: "custom", path: [index], message: `"${id}" is listed twice` });
    }
  });

export const timezone = z.string({ error: expected("an IANA time zone") }).superRefine((value, ctx) => {
  if (isTimeZone(value)) return;
  const zones = [...Intl.supportedValuesOf("timeZone"), "UTC"];
  ctx.addIssue({
    code: "custom",
    message: `unknown time zone "${value}"${didYouMean(value, zones)}; use an IANA name such as Europe/Berlin`,
  });
});

function isTimeZone(value: string): boolean {
  // Offsets ("+09:00") and abbreviations ("CET") are refused: only IANA names follow DST rules.
  if (value !== "UTC" && !/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const cronExpression = z.string({ error: expected("a cron expression") }).superRefine((value, ctx) => {
  const result = validateDetailed(value);
  if (result.valid) return;
  const first = result.errors[0];
  const why =
    first === undefined || first.field === "expression" || first.value === undefined
      ? (first?.message ?? "not a cron expression")
      : `${first.field} "${first.value}" is out of range or malformed`;
  ctx.addIssue({
    code: "custom",
    message: `invalid cron expression "${value}" (${why}); expected minute hour day month weekday, e.g. "0 9 * * 1-5"`,
  });
});

export const webhookUrl = z.string({ error: expected("an http(s) URL") }).superRefine((value, ctx) => {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url && (url.protocol === "https:" || url.protocol === "http:")) return;
  ctx.addIssue({ code: "custom", message: `expected an http(s) URL, got "${value}"` });
});

export const envVarName = z.string({ error: expected("an environment variable name") }).regex(ENV_VAR, {
  error: "expected an environment variable name (letters, digits and _), e.g. PROD_DEPLOY_SECRET",
});
