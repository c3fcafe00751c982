import { describe, expect, it } from "vitest";
import { renderUnknown } from "../../src/adapters/slack/views/replies.js";
import { type PromoteCommand, parsePromoteCommand } from "../../src/domain/promote-command.js";
import { editDistance } from "../../src/domain/promote-command-suggest.js";

const HEX = "4f2a9c1d7e3b5a6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5ec91";

const valid: [string, PromoteCommand][] = [
  ["", { type: "help" }],
  ["help", { type: "help" }],
  ["  HELP  ", { type: "help" }],
  [
    "checkout-api to prod",
    {
      type: "request",
      artifact: { kind: "name", name: "checkout-api" },
      artifactText: "checkout-api",
      environment: "prod",
    },
  ],
  [
    `checkout-api@sha256:${HEX} to prod because hotfix  for 4711`,
    {
      type: "request",
      artifact: { kind: "name_digest", name: "checkout-api", digestPrefix: `sha256:${HEX}` },
      artifactText: `checkout-api@sha256:${HEX}`,
      environment: "prod",
      reason: "hotfix for 4711",
    },
  ],
  [
    "checkout-api@1.4.2 TO staging",
    {
      type: "request",
      artifact: { kind: "name_version", name: "checkout-api", version: "1.4.2" },
      artifactText: "checkout-api@1.4.2",
      environment: "staging",
    },
  ],
  [
    "lock to prod",
    { type: "request", artifact: { kind: "name", name: "lock" }, artifactText: "lock", environment: "prod" },
  ],
  [
    "status checkout-api",
    { type: "status", artifact: { kind: "name", name: "checkout-api" }, artifactText: "checkout-api" },
  ],
  [
    `status sha256:${HEX.slice(0, 12)}`,
    {
      type: "status",
      artifact: { kind: "digest", digestPrefix: `sha256:${HEX.slice(0, 12)}` },
      artifactText: `sha256:${HEX.slice(0, 12)}`,
    },
  ],
  ["drift prod", { type: "drift", environment: "prod" }],
  ["drift prod vs staging", { type: "drift", environment: "prod", compareTo: "staging" }],
  ["rollback checkout-api in prod", { type: "rollback", name: "checkout-api", environment: "prod" }],
  ["lock prod incident 4711", { type: "lock", environment: "prod", reason: "incident 4711" }],
  [
    "lock prod for 2h db migration",
    { type: "lock", environment: "prod", durationMs: 7_200_000, reason: "db migration" },
  ],
  ["lock all release freeze", { type: "lock", environment: "*", reason: "release freeze" }],
  [
    "lock ALL for 30m stop the line",
    { type: "lock", environment: "*", durationMs: 1_800_000, reason: "stop the line" },
  ],
  ["unlock prod", { type: "unlock", environment: "prod" }],
  ["unlock all", { type: "unlock", environment: "*" }],
  ["history checkout-api", { type: "history", name: "checkout-api" }],
  ["history checkout-api in prod", { type: "history", name: "checkout-api", environment: "prod" }],
  // Environment names are lower case (contract file names); what users type is lower-cased to match.
  ["lock Prod incident 4711", { type: "lock", environment: "prod", reason: "incident 4711" }],
  ["unlock PROD", { type: "unlock", environment: "prod" }],
  ["drift Prod vs Staging", { type: "drift", environment: "prod", compareTo: "staging" }],
  ["rollback checkout-api in Prod", { type: "rollback", name: "checkout-api", environment: "prod" }],
  ["history checkout-api in Prod", { type: "history", name: "checkout-api", environment: "prod" }],
  [
    "checkout-api to Prod",
    {
      type: "request",
      artifact: { kind: "name", name: "checkout-api" },
      artifactText: "checkout-api",
      environment: "prod",
    },
  ],
];

const invalid: [text: string, suggestion: string][] = [
  ["stauts checkout-api", "status checkout-api"],
  ["statsu", "status <artifact>"],
  ["status", "status <artifact>"],
  ["status a b", "status a"],
  ["drfit prod", "drift prod"],
  ["drift prod against staging", "drift prod vs staging"],
  ["rolback checkout-api in prod", "rollback checkout-api in prod"],
  ["rollback checkout-api prod", "rollback checkout-api in prod"],
  ["lock prod", "lock prod <reason>"],
  ["lock prod for 2x incident", "lock prod for <duration> incident"],
  ["lock prod for 2h", "lock prod for 2h <reason>"],
  ["unlokc prod", "unlock prod"],
  ["unlock", "unlock <env>"],
  ["histroy checkout-api in prod", "history checkout-api in prod"],
  ["checkout-api prod", "checkout-api to prod"],
  ["checkout-api into prod because hotfix", "checkout-api to prod because hotfix"],
  ["checkout-api to", "checkout-api to <env>"],
  ["checkout-api to prod because", "checkout-api to prod"],
  ["checkout-api", "status checkout-api"],
  ["Checkout_API to prod", "checkout_api to prod"],
  ["CHECKOUT-API@1.4.1 TO DEV", "checkout-api@1.4.1 to dev"],
  ["promote checkout-api to dev", "checkout-api to dev"],
  ["/promote checkout-api to dev", "checkout-api to dev"],
  ["promte checkout-api to dev", "checkout-api to dev"],
  ["/pormote checkout-api to dev", "checkout-api to dev"],
  ["remote prod", "remote to prod"],
  ["to dev", "<artifact> to dev"],
  ["rollback checkout-api@1.4.0 in prod", "rollback checkout-api in prod"],
  ["history checkout-api@sha256:abc in prod", "history checkout-api in prod"],
  ["help me", "help"],
  ["!!", "status !!"],
  // `.` and `_` are not in any contract file name, so these can never match an environment.
  ["lock prod.eu incident", "lock prod.eu incident"],
  ["unlock prod_eu", "unlock prod_eu"],
  ["checkout-api to prod.eu", "checkout-api to prod.eu"],
];

describe("parsePromoteCommand", () => {
  it.each(valid)("parses %j", (text, expected) => {
    expect(parsePromoteCommand(text)).toEqual(expected);
  });

  it.each(invalid)("answers %j with unknown and suggests %j", (text, suggestion) => {
    const parsed = parsePromoteCommand(text);
    expect(parsed.type).toBe("unknown");
    if (parsed.type !== "unknown") return;
    expect(parsed.suggestion).toBe(suggestion);
    expect(parsed.problem.length).toBeGreaterThan(0);
  });

  it("says why a reference is not one, and offers no suggestion that is what was typed", () => {
    const cases: [string, string][] = [
      ["api@sha256:33333333333 to live3", "a digest needs at least 12 hex characters (11 given)"],
      ["api@sha256:xyz123456789abc to live3", "a digest is `sha256:` followed by hex"],
      ["status Api@1.0", "a name is lower-case letters"],
      ["status api@", "after `@` comes a version or a digest"],
    ];
    for (const [text, why] of cases) {
      const parsed = parsePromoteCommand(text);
      expect(parsed.type).toBe("unknown");
      if (parsed.type === "unknown") expect(parsed.problem).toContain(why);
    }
    const short = parsePromoteCommand("api@sha256:33333333333 to live3");
    if (short.type !== "unknown") throw new Error("expected unknown");
    const reply = renderUnknown(short);
    expect(JSON.stringify(reply)).not.toContain("Did you mean");
    expect(reply.text).toContain("at least 12 hex characters");
    const typo = parsePromoteCommand("stauts checkout-api");
    if (typo.type !== "unknown") throw new Error("expected unknown");
    expect(renderUnknown(typo).text).toBe("Did you mean: /promote status checkout-api");
  });

  it("takes lock durations up to 90 days and refuses longer ones (a typo, not a plan)", () => {
    expect(parsePromoteCommand("lock dev for 90d incident")).toMatchObject({
      type: "lock",
      durationMs: 90 * 24 * 3_600_000,
    });
    const tooLong = parsePromoteCommand("lock dev for 99999d incident");
    expect(tooLong.type).toBe("unknown");
    if (tooLong.type === "unknown") expect(tooLong.problem).toContain("at most 90d");
  });

  it("every suggestion for a typo of a complete command parses", () => {
    for (const text of [
      "stauts checkout-api",
      "drfit prod",
      "rolback checkout-api in prod",
      "checkout-api prod",
    ]) {
      const parsed = parsePromoteCommand(text);
      if (parsed.type !== "unknown") throw new Error(`expected unknown for ${text}`);
      expect(parsePromoteCommand(parsed.suggestion).type).not.toBe("unknown");
    }
  });
});

describe("editDistance", () => {
  it.each([
    ["status", "status", 0],
    ["stauts", "status", 1],
    ["lock", "unlock", 2],
    ["", "help", 4],
  ] as const)("%s → %s = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});
