/**
 * Every sample build has a version of its own, so `/promote checkout-api@<version>` as
 * docs/sandbox.md's walk types it names one artifact: across several builds, the banner's own
 * example command, and a restart after which the newest artifact is that example (no commit).
 */
import { afterEach, describe, expect, it } from "vitest";
import { signedHeaders } from "../../src/adapters/http/v1-signature.js";
import { nextSampleVersion, SAMPLE_SERVICE } from "../../src/sandbox/sample-data.js";
import { type SandboxApp, startSandboxApp } from "./sandbox-harness.js";

let apps: SandboxApp[] = [];

afterEach(async () => {
  for (const app of apps.reverse()) await app.close();
  apps = [];
});

async function start(dataDir?: string): Promise<SandboxApp> {
  const env = { TOLLGATE_API_TOKENS: TOKEN };
  const app = await startSandboxApp(dataDir === undefined ? { env } : { env, dataDir });
  apps.push(app);
  return app;
}

async function build(s: SandboxApp): Promise<string> {
  const response = await fetch(`${s.baseUrl}/sandbox/api/sample`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ action: "build" }),
  });
  const answer = (await response.json()) as { api: { status: number }; artifact: { version: string } };
  expect(answer.api.status).toBe(202);
  return answer.artifact.version;
}

/** The banner's curl example, sent as printed: its `body='…'` line, signed with the sandbox secret. */
async function sendBannerExample(s: SandboxApp): Promise<string> {
  const body = /^\s*body='(.*)'$/m.exec(s.banner)?.[1];
  if (body === undefined) throw new Error(`no example body in the banner:\n${s.banner}`);
  const headers = signedHeaders(s.sandbox.secrets.webhookSecret, body, Math.floor(Date.now() / 1000));
  const response = await fetch(`${s.baseUrl}/api/v1/evidence`, { method: "POST", headers, body });
  expect(response.status).toBe(202);
  const version = (JSON.parse(body) as { artifact: { version: string } }).artifact.version;
  // The banner's `npx tollgate report` line sends the same artifact.
  expect(s.banner).toContain(`--version ${version} `);
  return version;
}

const TOKEN = "sample-versions-read-token";

/**
 * Each `checkout-api@<version>` names one artifact, as `/promote` resolves it: the read API
 * answers 200, not 409 artifact_ambiguous.
 */
async function expectUniqueVersions(s: SandboxApp, versions: string[]): Promise<void> {
  for (const version of versions) {
    const query = new URLSearchParams({ artifact: `${SAMPLE_SERVICE}@${version}`, environment: "dev" });
    const response = await fetch(`${s.baseUrl}/api/v1/readiness?${query}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const body = (await response.json()) as { error?: string };
    expect({ version, status: response.status, error: body.error }).toEqual({
      version,
      status: 200,
      error: undefined,
    });
  }
}

describe("sample build versions", () => {
  it("never give two artifacts one name@version: builds, the banner's example, a restart", async () => {
    const first = await start();
    const versions = [await build(first), await build(first), await build(first)];
    const example = await sendBannerExample(first);
    expect(versions).not.toContain(example);
    await expectUniqueVersions(first, [...versions, example]);
    await first.stop();

    // The newest stored artifact is now the banner's example, which has no commit.
    const second = await start(first.dataDir);
    versions.push(await build(second), await build(second));
    expect(versions).toEqual(["1.4.0", "1.4.1", "1.4.2", "1.4.3", "1.4.4"]);
    await expectUniqueVersions(second, [...versions, example]);
  }, 30_000);
});

describe("nextSampleVersion", () => {
  it("is one past the highest 1.4.N, compared as numbers", () => {
    expect(nextSampleVersion([])).toBe("1.4.0");
    expect(nextSampleVersion(["1.4.9", "1.4.10", "1.4.2"])).toBe("1.4.11");
    expect(nextSampleVersion([undefined, "1.4.3", undefined])).toBe("1.4.4");
  });

  it("ignores versions that are not a sample build's", () => {
    expect(nextSampleVersion(["0.0.1-example", "2.0.0", "1.4.7-rc.1", "1.4.x", "1.4.07"])).toBe("1.4.0");
  });

  it("skips a version already used as a label of another digest", () => {
    const labels = new Set(["1.4.3", "1.4.4"]);
    expect(nextSampleVersion(["1.4.2"], (v) => labels.has(v))).toBe("1.4.5");
  });
});
