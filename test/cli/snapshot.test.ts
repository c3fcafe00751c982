import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runSnapshot } from "../../src/cli/snapshot.js";
import {
  type CapturedIo,
  captureIo,
  closedPortUrl,
  type LoopbackTollgate,
  startLoopbackTollgate,
} from "../helpers/loopback-tollgate.js";
import { SHARED_FIXTURES } from "../helpers/shared-fixtures.js";

const SECRET = "ci-secret-0123456789abcdef";
const FLAGS = `${SHARED_FIXTURES}/feature-flags`;
const ENV_STATE = `${SHARED_FIXTURES}/env-state`;

let server: LoopbackTollgate;
let dir: string;

beforeEach(async () => {
  server = await startLoopbackTollgate(SECRET);
  dir = mkdtempSync(join(tmpdir(), "tollgate-snapshot-"));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function io(env: Record<string, string | undefined> = {}): CapturedIo {
  return captureIo({ TOLLGATE_URL: server.url, TOLLGATE_SECRET: SECRET, ...env }, dir);
}

const SPEC_EXAMPLE = {
  environment: "prod",
  taken_at: "2026-11-27T06:00:00.000Z",
  source: "flagd",
  config: {
    feature_flags: { "new-checkout": false },
    endpoints: { payments: "https://payments.prod.internal" },
    data: { "orders.rows": 48000000, "orders.schema": "v42" },
    security: { mtls: true, admin_roles: ["sre"] },
  },
};

describe("tollgate snapshot: accepted (exit 0)", () => {
  it("sends a full snapshot file as written, signed, to /api/v1/snapshots", async () => {
    writeFileSync(join(dir, "prod.json"), JSON.stringify(SPEC_EXAMPLE));
    const cli = io();
    expect(await runSnapshot(["prod.json"], cli)).toBe(0);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.path).toBe("/api/v1/snapshots");
    expect(server.received[0]?.signatureValid).toBe(true);
    expect(server.received[0]?.body).toEqual(SPEC_EXAMPLE);
    expect(cli.out()).toMatch(/^accepted snapshot of prod \(4 categories\) id=/);
  });

  it("sends a YAML config object with --environment, --taken-at and --source", async () => {
    writeFileSync(
      join(dir, "staging.yaml"),
      "feature_flags:\n  new-checkout: true\nendpoints:\n  payments: https://payments.staging.internal\n",
    );
    const args = [
      "staging.yaml",
      "--environment",
      "staging",
      "--taken-at",
      "2026-11-27T06:00:00Z",
      "--source",
      "helm",
    ];
    expect(await runSnapshot(args, io())).toBe(0);
    expect(server.received[0]?.body).toEqual({
      environment: "staging",
      taken_at: "2026-11-27T06:00:00.000Z",
      source: "helm",
      config: {
        feature_flags: { "new-checkout": true },
        endpoints: { payments: "https://payments.staging.internal" },
      },
    });
  });

  it("imports a flagd file with --from flagd (shown with --dry-run, nothing sent)", async () => {
    const cli = io({ TOLLGATE_SECRET: undefined });
    const args = [
      "--from",
      "flagd",
      join(FLAGS, "flagd-testbed.metadata-flags.json"),
      "--environment",
      "prod",
    ];
    expect(await runSnapshot([...args, "--taken-at", "2026-11-27T06:00:00Z", "--dry-run"], cli)).toBe(0);
    expect(server.received).toHaveLength(0);
    expect(JSON.parse(cli.out())).toEqual({
      environment: "prod",
      taken_at: "2026-11-27T06:00:00.000Z",
      source: "flagd",
      config: {
        feature_flags: { "flagd-context-aware": "EXTERNAL", "metadata-flag": false },
        flag_rules: {
          "flagd-context-aware": '{"if":[{"==":[{"var":["injectedmetadata"]},"set"]},"internal","external"]}',
        },
      },
    });
  });

  it("merges flags and cluster state into one snapshot with --add", async () => {
    const args = [
      "--from",
      "launchdarkly",
      join(FLAGS, "launchdarkly.rest-api.flag.docs-example.json"),
      "--add",
      `k8s=${join(ENV_STATE, "k8s.pod.running-with-imageID.json")}`,
      "--add",
      `unleash=${join(FLAGS, "unleash.export-result.assembled-from-openapi-examples.json")}`,
      "--environment",
      "prod",
      "--no-rules",
    ];
    expect(await runSnapshot(args, io())).toBe(0);
    const body = server.received[0]?.body as Record<string, unknown>;
    expect(body.source).toBe("launchdarkly+k8s+unleash");
    expect(body.config).toEqual({
      feature_flags: { "flag-key-123abc": false, "my-feature": true },
      images: {
        "pod/my-pod": {
          main: "alpine@sha256:621c2f39f8133acb8e64023a94dbdf0d5ca81896102b9e57c0dc184cadaf5528",
        },
      },
      health: { "pod/my-pod": "Healthy" },
    });
  });

  it("retries a 503 with the same delivery key", async () => {
    writeFileSync(join(dir, "prod.json"), JSON.stringify(SPEC_EXAMPLE));
    server.script = [{ status: 503, body: { error: "not_ready" } }];
    expect(await runSnapshot(["prod.json", "--retry-delay-ms", "5", "--delivery", "snap-1"], io())).toBe(0);
    expect(server.received.map((r) => r.headers["x-tollgate-delivery"])).toEqual(["snap-1", "snap-1"]);
  });
});

describe("tollgate snapshot: rejected (exit 1)", () => {
  it("needs an environment for a bare config", async () => {
    writeFileSync(join(dir, "config.json"), JSON.stringify({ feature_flags: { a: true } }));
    const cli = io();
    expect(await runSnapshot(["config.json"], cli)).toBe(1);
    expect(cli.err()).toContain("--environment: required (or an `environment` in FILE)");
    expect(server.received).toHaveLength(0);
  });

  it("refuses an --environment that contradicts the file", async () => {
    writeFileSync(join(dir, "prod.json"), JSON.stringify(SPEC_EXAMPLE));
    const cli = io();
    expect(await runSnapshot(["prod.json", "--environment", "staging"], cli)).toBe(1);
    expect(cli.err()).toContain('--environment: "staging" contradicts the file\'s "prod"');
  });

  it("refuses two sources that set the same key", async () => {
    const flagd = join(FLAGS, "flagd.example_flags.flagd.json");
    const cli = io();
    expect(
      await runSnapshot(["--from", "flagd", flagd, "--add", `flagd=${flagd}`, "--environment", "prod"], cli),
    ).toBe(1);
    expect(cli.err()).toContain(`feature_flags.myBoolFlag: set by both ${flagd} and ${flagd}`);
  });

  it("refuses unparsable files and bad importer input with a clear message", async () => {
    writeFileSync(join(dir, "broken.json"), '{"config": ');
    const broken = io();
    expect(await runSnapshot(["broken.json", "--environment", "prod"], broken)).toBe(1);
    expect(broken.err()).toContain("broken.json: not valid JSON/YAML");
    const wrong = io();
    const ldAsFlagd = join(FLAGS, "launchdarkly.rest-api.flag.docs-example.json");
    expect(await runSnapshot(["--from", "flagd", ldAsFlagd, "--environment", "prod"], wrong)).toBe(1);
    expect(wrong.err()).toContain('tollgate: invalid_payload: flagd: expected an object with "flags"');
  });

  it.each([
    [
      "a YAML anchor used inside itself",
      "alias.yaml",
      "a: &a [*a]\n",
      "a YAML alias refers to its own anchor",
    ],
    [
      "a full body whose config is not an object",
      "body.json",
      '{"environment":"prod","config":"x"}',
      "body.json: config must be an object of categories",
    ],
    [
      "a full body with a key SPEC §3.3 does not have",
      "typo.json",
      '{"environment":"prod","confg":{},"config":{"data":{"a":1}}}',
      'typo.json: unknown key "confg" beside config',
    ],
    [
      "an empty config, which would wipe the environment's configuration",
      "empty.json",
      '{"environment":"prod","config":{}}',
      "config is empty",
    ],
  ])("refuses %s before sending", async (_why, file, text, problem) => {
    writeFileSync(join(dir, file), text);
    const cli = io();
    expect(await runSnapshot([file, "--environment", "prod"], cli)).toBe(1);
    expect(cli.err()).toContain("tollgate: invalid_payload:");
    expect(cli.err()).toContain(problem);
    expect(server.received).toHaveLength(0);
  });

  it("passes on the server's 400 and 413", async () => {
    writeFileSync(join(dir, "prod.json"), JSON.stringify(SPEC_EXAMPLE));
    server.script = [
      {
        status: 400,
        body: { error: "invalid_payload", issues: [{ path: "taken_at", message: "in the future" }] },
      },
      { status: 413, body: { error: "payload_too_large", limit: 5242880 } },
    ];
    const invalid = io();
    expect(await runSnapshot(["prod.json"], invalid)).toBe(1);
    expect(invalid.err()).toContain("rejected (400 invalid_payload)\n  taken_at: in the future\n");
    const large = io();
    expect(await runSnapshot(["prod.json"], large)).toBe(1);
    expect(large.err()).toContain("rejected (413 payload_too_large) (limit 5242880 bytes)");
  });
});

describe("tollgate snapshot: unreachable (exit 2)", () => {
  it("exits 2 when nothing listens", async () => {
    writeFileSync(join(dir, "prod.json"), JSON.stringify(SPEC_EXAMPLE));
    const cli = io({ TOLLGATE_URL: await closedPortUrl() });
    expect(await runSnapshot(["prod.json", "--retries", "0"], cli)).toBe(2);
    expect(cli.err()).toContain("unreachable: ECONNREFUSED");
  });
});
