/**
 * What `report` and `snapshot` share: the connection flags of SPEC §1 (`--url`, `--secret`
 * override TOLLGATE_URL / TOLLGATE_SECRET), delivery and retry flags, `--dry-run`, and one way
 * to turn usage and input errors into exit status 1 with every problem listed.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { isCodedError } from "../errors.js";
import { deliveryKey } from "./delivery-key.js";
import type { CliIo } from "./io.js";
import { reportOutcome, sendSigned } from "./send-signed.js";

export interface WriteFlags {
  url?: string;
  secret?: string;
  delivery?: string;
  retries: number;
  retryDelayMs: number;
  dryRun?: boolean;
}

/** Local refusal of the command's input: printed as `invalid_payload` with every problem. */
export class InputProblems extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
  }
}

export function writeCommand(name: string, io: CliIo): Command {
  return new Command(`tollgate ${name}`)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addOption(
      new Option("--url <url>", "Tollgate base URL (default $TOLLGATE_URL or http://localhost:3000)"),
    )
    .addOption(new Option("--secret <secret>", "signing secret (default $TOLLGATE_SECRET)"))
    .option("--delivery <key>", "idempotency key (default: a new UUIDv7; reuse it to retry safely)")
    .option("--retries <n>", "retries on network errors, timeouts and 5xx", nonNegativeInt, 3)
    .option("--retry-delay-ms <ms>", "first backoff delay, doubled on each retry", nonNegativeInt, 500)
    .option("--dry-run", "print the JSON body that would be sent, and send nothing");
}

export function nonNegativeInt(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError("expected a non-negative integer");
  return Number(value);
}

/** Runs a command body; usage errors, input problems and coded errors exit 1, help exits 0. */
export async function runGuarded(io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    if (error instanceof InputProblems) {
      const count = error.problems.length;
      io.stderr(`tollgate: invalid_payload: ${count} ${count === 1 ? "problem" : "problems"}\n`);
      for (const problem of error.problems) io.stderr(`  ${problem}\n`);
      return 1;
    }
    if (isCodedError(error)) {
      io.stderr(`tollgate: ${error.code}: ${error.message}\n`);
      if (error.hint !== undefined) io.stderr(`hint: ${error.hint}\n`);
      return 1;
    }
    throw error;
  }
}

/** Signs and sends `body` to `path`, or prints it with --dry-run. Returns the exit code. */
export async function sendOrPrint(
  io: CliIo,
  flags: WriteFlags,
  path: string,
  body: unknown,
  what: string,
): Promise<number> {
  const raw = JSON.stringify(body);
  if (flags.dryRun === true) {
    io.stdout(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  // An empty --secret (an unset CI variable expanded to "") is no secret, as an empty env var is.
  const secret = nonEmpty(flags.secret) ?? nonEmpty(io.env.TOLLGATE_SECRET);
  if (secret === undefined) {
    io.stderr("tollgate: unauthorized: no signing secret\n");
    io.stderr("hint: set TOLLGATE_SECRET (or --secret) to one of the server's TOLLGATE_WEBHOOK_SECRETS\n");
    return 1;
  }
  const base = flags.url ?? nonEmpty(io.env.TOLLGATE_URL) ?? "http://localhost:3000";
  if (!/^https?:\/\//i.test(base) || !URL.canParse(base))
    throw new InputProblems([`--url: "${base}" is not an http(s) URL`]);
  const delivery = flags.delivery ?? deliveryKey();
  const outcome = await sendSigned({
    url: new URL(path, base.endsWith("/") ? base : `${base}/`).toString(),
    secret,
    body: raw,
    delivery,
    retries: flags.retries,
    retryDelayMs: flags.retryDelayMs,
  });
  return reportOutcome(outcome, io, what, delivery);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
