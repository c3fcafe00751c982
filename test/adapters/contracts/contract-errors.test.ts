/**
 * Every kind of contract error, with its exact `file:line:col message` text, from the malformed
 * fixtures in test/fixtures/contracts (one folder per case).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatContractError, loadContractSet } from "../../../src/adapters/contracts/index.js";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/contracts");
const DURATION = "expected a duration like 30s, 15m, 24h or 7d";
const WEEKLY = 'expected "Ddd HH:MM - Ddd HH:MM" (days Mon…Sun, 24-hour times), e.g. "Fri 16:00 - Mon 09:00"';

function errorsOf(dir: string): string[] {
  const result = loadContractSet(dir, { cwd: FIXTURES });
  if (result.ok) throw new Error(`${dir} unexpectedly valid`);
  return result.errors.map(formatContractError);
}

const CASES: Array<[string, string[]]> = [
  [
    "misspelt-key",
    [
      'misspelt-key/prod.yml:2:1 evidenc: unknown key "evidenc" (did you mean "evidence"?)',
      'misspelt-key/prod.yml:5:15 drift.compare_to: "prod" is this environment; name an upstream environment',
      'misspelt-key/prod.yml:6:3 drift.alow: unknown key "alow" (did you mean "allow"?)',
      'misspelt-key/prod.yml:10:3 approvals.self_aproval: unknown key "self_aproval" (did you mean "self_approval"?)',
      'misspelt-key/prod.yml:11:3 approvals.color: unknown key "color"',
    ],
  ],
  [
    "bad-values",
    [
      'bad-values/prod.yml:4:12 evidence[1].kind: expected one of test, scan, sbom, signature, provenance, review, health, custom, got "tests" (did you mean "test"?)',
      "bad-values/prod.yml:4:41 evidence[1].min_total: expected a non-negative integer",
      "bad-values/prod.yml:5:47 evidence[2].max.critical: expected a non-negative integer",
      "bad-values/prod.yml:5:57 evidence[2].max.high: expected a non-negative integer",
      'bad-values/prod.yml:6:5 evidence[3]: duplicate requirement "evidence:unit" (also evidence[0]); give one a distinct name',
      "bad-values/prod.yml:8:9 rollback.when: must list at least one condition",
      'bad-values/prod.yml:10:11 rollback.action: expected one of propose, auto, got "automatic"',
      "bad-values/prod.yml:11:9 rollback.lock: expected true or false",
      "bad-values/prod.yml:12:11 artifact: expected a mapping of keys",
    ],
  ],
  [
    "unknown-after",
    [
      'unknown-after/prod.yml:2:8 after: unknown environment "stagign" (did you mean "staging"?); known: dev, prod, staging',
      'unknown-after/prod.yml:4:42 evidence[0].environment: unknown environment "qa"; known: dev, prod, staging',
    ],
  ],
  [
    "cycle",
    [
      "cycle/a.yml:1:8 after: cycle in the after chain: a → c → b → a",
      "cycle/b.yml:1:8 after: cycle in the after chain: b → a → c → b",
      "cycle/c.yml:1:8 after: cycle in the after chain: c → b → a → c",
    ],
  ],
  [
    "not-upstream",
    [
      'not-upstream/prod.yml:2:21 artifact.same_as: unknown environment "stagin" (did you mean "staging"?); known: dev, prod, qa, staging',
      'not-upstream/qa.yml:1:21 artifact.same_as: "dev" is not upstream of qa (upstream: none; set after)',
      'not-upstream/staging.yml:2:21 artifact.same_as: "prod" is not upstream of staging (upstream: dev)',
      'not-upstream/staging.yml:3:21 drift.compare_to: "staging" is this environment; name an upstream environment',
    ],
  ],
  [
    "bad-timezone",
    [
      'bad-timezone/prod.yml:1:11 timezone: unknown time zone "Europe/Berln" (did you mean "Europe/Berlin"?); use an IANA name such as Europe/Berlin',
      'bad-timezone/staging.yml:1:11 timezone: unknown time zone "+09:00"; use an IANA name such as Europe/Berlin',
    ],
  ],
  [
    "bad-cron",
    [
      'bad-cron/prod.yml:4:22 drift.digest.schedule: invalid cron expression "0 25 * * 1-5" (hour "25" is out of range or malformed); expected minute hour day month weekday, e.g. "0 9 * * 1-5"',
    ],
  ],
  [
    "bad-duration",
    [
      `bad-duration/prod.yml:2:9 artifact.soak: ${DURATION}, got "24 hours"`,
      `bad-duration/prod.yml:3:12 artifact.max_age: ${DURATION}`,
      `bad-duration/prod.yml:5:38 evidence[0].max_age: ${DURATION}, got "1w"`,
      `bad-duration/prod.yml:9:17 approvals.expire_after: ${DURATION}, got "8h30m"`,
    ],
  ],
  [
    "bad-freeze",
    [
      `bad-freeze/prod.yml:4:14 freeze[1].weekly: unknown day "Friday"; ${WEEKLY}`,
      `bad-freeze/prod.yml:5:14 freeze[2].weekly: times must be 00:00…23:59; ${WEEKLY}`,
      'bad-freeze/prod.yml:6:14 freeze[3].weekly: "Fri 16:00 - Fri 16:00" starts and ends at the same moment; give the window a length',
      "bad-freeze/prod.yml:7:5 freeze[4].to: is required with from",
      "bad-freeze/prod.yml:8:28 freeze[5].to: 2026-12-24 must be after from (2027-01-02)",
      `bad-freeze/prod.yml:9:12 freeze[6].from: expected a date YYYY-MM-DD or a local date-time YYYY-MM-DDTHH:MM (in the contract's timezone), got "2026-02-30"`,
      "bad-freeze/prod.yml:10:5 freeze[7]: a freeze window is either weekly or dated (from/to), not both",
      "bad-freeze/prod.yml:11:5 freeze[8]: a freeze window needs weekly, or from and to",
      'bad-freeze/prod.yml:12:5 freeze[9]: expected a freeze window: {weekly: "Fri 16:00 - Mon 09:00"} or {from: 2026-12-24, to: 2027-01-02}',
    ],
  ],
  [
    "bad-ids",
    [
      'bad-ids/prod.yml:1:10 channel: expected a Slack channel ID (C… or G…), got "#prod" — use the channel ID (channel details → About), not its name',
      "bad-ids/prod.yml:3:13 approvals.required: 3 approvals required but only 2 approver(s) listed",
      'bad-ids/prod.yml:5:14 requesters[0]: expected a Slack user ID (U…/W…) or user-group ID (S…), got "@riley" — use the member ID from the profile, not the @name',
      'bad-ids/prod.yml:5:33 requesters[2]: "S0TGENG" is listed twice',
      'bad-ids/prod.yml:7:15 drift.compare_to: "prod" is this environment; name an upstream environment',
      'bad-ids/prod.yml:8:44 drift.digest.channel: expected a Slack channel ID (C… or G…), got "D0TGDM001"',
      'bad-ids/prod.yml:10:18 deploy.webhook.url: expected an http(s) URL, got "ftp://deployer.internal/hook"',
      "bad-ids/prod.yml:10:62 deploy.webhook.secret_env: expected an environment variable name (letters, digits and _), e.g. PROD_DEPLOY_SECRET",
    ],
  ],
  [
    "bad-names",
    [
      'bad-names/Prod.yml:1:1 "Prod" is not a valid environment name: use lower-case letters, digits and - (at most 63), starting with a letter or digit',
      'bad-names/prod.yml:1:1 environment "prod" is defined twice (.yml and .yaml)',
    ],
  ],
];

describe("contract errors: file:line:col message", () => {
  it.each(CASES)("%s", (dir, expected) => {
    expect(errorsOf(dir)).toEqual(expected);
  });

  it("points at the example path from the issue", () => {
    expect(errorsOf("bad-values")).toContain(
      "bad-values/prod.yml:5:47 evidence[2].max.critical: expected a non-negative integer",
    );
  });

  it("shows paths as given when the folder is outside the working directory", () => {
    const result = loadContractSet(path.join(FIXTURES, "cycle"), { cwd: path.join(FIXTURES, "bad-ids") });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.file).toBe(path.join(FIXTURES, "cycle", "a.yml"));
  });
});
