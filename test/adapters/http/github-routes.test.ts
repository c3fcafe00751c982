import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signGithub, verifyGithub } from "../../../src/adapters/http/github-signature.js";
import {
  deliver,
  derived,
  EXAMPLE_DIR,
  EXAMPLE_SECRET,
  fixture,
  GITHUB_FIXTURES,
  type GithubServer,
  postRaw,
  startGithubServer,
} from "../../helpers/github-webhook.js";

const SECRET = EXAMPLE_SECRET;
const RUN_SHA = "3484a3fb816e0859fd6e1cea078d76385ff50625";
const CHECK_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
const DEPLOY_SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
const REVISION = "6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b";
const CONTAINER_DIGEST = "sha256:3da1996a8115d7616457760d9920b815241d0a03b34cf5f04e9a0e9d8de37498";
const NPM_DIGEST = "sha256:ba703915435b6ca2ca666b5d8332db34bf9dc37a198ed70d3a5fa5d08b8415c8";
/** Reads commit-scoped evidence through the EvidenceReader port, with a digest nothing has. */
const NO_DIGEST = `sha256:${"0".repeat(64)}`;

type Expected =
  | { outcome: "evidence"; commit: string; name: string; status: string; url: string; observedAt: string }
  | { outcome: "artifact"; digest: string; name: string; version: string; commit: string }
  | { outcome: "ignored"; reason: RegExp };

/** What each of GitHub's sample deliveries must become. A new fixture without an entry fails. */
const EXPECTED: Record<string, Expected> = {
  "workflow_run.completed.payload.json": {
    outcome: "evidence",
    commit: RUN_SHA,
    name: "test", // workflow_run.name is "" in the sample: the workflow's name is used
    status: "passed",
    url: "https://github.com/octo-org/octo-repo/actions/runs/289782451",
    observedAt: "2020-10-05T16:33:49.000Z",
  },
  "workflow_run.completed.failure.DERIVED.payload.json": {
    outcome: "evidence",
    commit: RUN_SHA,
    name: "test",
    status: "failed",
    url: "https://github.com/octo-org/octo-repo/actions/runs/289782451",
    observedAt: "2020-10-05T16:33:49.000Z",
  },
  "check_run.completed.payload.json": {
    outcome: "evidence",
    commit: CHECK_SHA,
    name: "Octocoders-linter",
    status: "passed",
    url: "https://github.com/Codertocat/Hello-World/runs/128620228",
    observedAt: "2019-05-15T15:21:12.000Z",
  },
  "check_run.completed.1.payload.json": {
    outcome: "evidence",
    commit: CHECK_SHA,
    name: "Octocoders-linter",
    status: "failed",
    url: "https://github.com/Codertocat/Hello-World/runs/128620228",
    observedAt: "2019-05-15T15:21:12.000Z",
  },
  "check_suite.completed.payload.json": {
    outcome: "evidence",
    commit: CHECK_SHA,
    name: "octocoders-linter", // no app.slug in the sample: the app's name
    status: "passed",
    url: "",
    observedAt: "2019-05-15T15:21:14.000Z",
  },
  "registry_package.published.docker.payload.json": {
    outcome: "artifact",
    digest: CONTAINER_DIGEST, // not the 40-hex "sha256:6c62…" of tag/manifest
    name: "hello-world-npm",
    version: "nightly",
    commit: REVISION,
  },
  "package.published.npm.payload.json": {
    outcome: "artifact",
    digest: NPM_DIGEST, // the .tgz checksum, not package_version.name
    name: "hello-world-npm",
    version: "1.0.0",
    commit: REVISION,
  },
  "deployment_status.payload.json": {
    outcome: "ignored",
    reason: new RegExp(`no known artifact.*${DEPLOY_SHA}`),
  },
  "release.published.payload.json": { outcome: "ignored", reason: /release events are not used/ },
  "workflow_job.completed.failure.with-organization.payload.json": {
    outcome: "ignored",
    reason: /workflow_job/,
  },
  "workflow_job.completed.success.with-organization.payload.json": {
    outcome: "ignored",
    reason: /workflow_job/,
  },
};

let server: GithubServer;
beforeEach(async () => {
  server = await startGithubServer({ secret: SECRET });
});
afterEach(async () => {
  await server.close();
});

const eventOf = (file: string) => file.slice(0, file.indexOf("."));
const commitEvidence = (commit: string) => server.stores.evidence.evidenceFor({ digest: NO_DIGEST, commit });

describe("POST /api/v1/github with GitHub's sample deliveries", () => {
  const files = readdirSync(GITHUB_FIXTURES).filter((f) => f.endsWith(".payload.json"));

  it("has an expectation for every fixture", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...files].sort());
  });

  for (const file of files) {
    it(`maps ${file}`, async () => {
      const expected = EXPECTED[file] as Expected;
      const reply = await deliver(server, eventOf(file), fixture(file), {
        secret: SECRET,
        delivery: `d-${file}`,
      });
      if (expected.outcome === "ignored") {
        expect(reply.status).toBe(202);
        expect(reply.body).toMatchObject({ status: "ignored", event: eventOf(file) });
        expect(reply.body.reason).toMatch(expected.reason);
        expect(server.events).toEqual([]);
        return;
      }
      expect(reply).toMatchObject({ status: 202, body: { status: "accepted", duplicate: false } });
      if (expected.outcome === "artifact") {
        expect(reply.body.id).toBe(expected.digest);
        expect(server.stores.artifacts.getArtifact(expected.digest)).toMatchObject({
          name: expected.name,
          version: expected.version,
          commit: expected.commit,
        });
        expect(server.events).toEqual([{ type: "artifact_changed", digests: [expected.digest] }]);
        return;
      }
      const stored = commitEvidence(expected.commit);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({
        id: reply.body.id,
        kind: "test",
        name: expected.name,
        status: expected.status,
        commit: expected.commit,
        digest: undefined,
        observedAt: new Date(expected.observedAt),
        url: expected.url === "" ? undefined : expected.url,
      });
    });
  }
});

describe("the signed delivery example", () => {
  const body = readFileSync(join(EXAMPLE_DIR, "body.json"));
  const headers = JSON.parse(readFileSync(join(EXAMPLE_DIR, "headers.json"), "utf8")) as Record<
    string,
    string
  >;

  it("verifies with secret.txt, and GitHub docs' test vector verifies", () => {
    expect(verifyGithub(SECRET, headers["X-Hub-Signature-256"], body)).toBe(true);
    expect(verifyGithub(`${SECRET}\n`, headers["X-Hub-Signature-256"], body)).toBe(false);
    expect(signGithub(SECRET, "Hello, World!")).toBe(
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    );
  });

  it("is accepted with exactly its headers, and its redelivery is a duplicate stored once", async () => {
    const first = await postRaw(server.baseUrl, body, headers);
    expect(first).toMatchObject({ status: 202, body: { status: "accepted", duplicate: false } });
    const again = await postRaw(server.baseUrl, body, headers);
    expect(again).toEqual({ status: 200, body: { status: "accepted", id: first.body.id, duplicate: true } });
    expect(commitEvidence(RUN_SHA).map((e) => e.id)).toEqual([first.body.id]);
  });
});

describe("refusals", () => {
  const body = fixture("workflow_run.completed.payload.json");
  const good = (extra: Record<string, string> = {}) => ({
    "content-type": "application/json",
    "x-github-event": "workflow_run",
    "x-github-delivery": "d-1",
    "x-hub-signature-256": signGithub(SECRET, body),
    ...extra,
  });

  it("answers 401 without detail for a bad, missing or re-serialised signature, and stores nothing", async () => {
    const reserialised = signGithub(SECRET, JSON.stringify(JSON.parse(body.toString("utf8"))));
    const cases = [
      good({ "x-hub-signature-256": signGithub("another secret", body) }),
      good({ "x-hub-signature-256": reserialised }),
      good({ "x-hub-signature-256": signGithub(SECRET, body).replace("sha256=", "sha1=") }),
      Object.fromEntries(Object.entries(good()).filter(([k]) => k !== "x-hub-signature-256")),
    ];
    for (const headers of cases) {
      expect(await postRaw(server.baseUrl, body, headers)).toEqual({
        status: 401,
        body: { error: "unauthorized" },
      });
    }
    expect(commitEvidence(RUN_SHA)).toEqual([]);
  });

  it("checks the signature before the other headers, then lists every missing header", async () => {
    const bare = { "content-type": "application/json", "x-hub-signature-256": signGithub(SECRET, body) };
    expect(
      await postRaw(server.baseUrl, body, { ...bare, "x-hub-signature-256": "sha256=00" }),
    ).toMatchObject({
      status: 401,
    });
    const reply = await postRaw(server.baseUrl, body, bare);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      error: "invalid_payload",
      issues: [
        { path: "headers.x-github-event", message: expect.any(String) },
        { path: "headers.x-github-delivery", message: expect.any(String) },
      ],
    });
  });

  it("answers 415 to GitHub's form encoding and 413 to a body over 1 MiB", async () => {
    const form = await postRaw(
      server.baseUrl,
      body,
      good({ "content-type": "application/x-www-form-urlencoded" }),
    );
    expect(form).toEqual({ status: 415, body: { error: "unsupported_media_type" } });
    const huge = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const big = await postRaw(
      server.baseUrl,
      huge,
      good({ "x-hub-signature-256": signGithub(SECRET, huge) }),
    );
    expect(big).toEqual({ status: 413, body: { error: "payload_too_large", limit: 1048576 } });
  });

  it("answers 400 to signed bytes that are not JSON, or a completed run without a commit", async () => {
    const notJson = Buffer.from("{not json");
    const bad = await deliver(server, "workflow_run", notJson, { secret: SECRET, delivery: "d-2" });
    expect(bad).toMatchObject({ status: 400, body: { error: "invalid_payload" } });
    const noSha = derived("workflow_run.completed.payload.json", (p) => {
      (p.workflow_run as Record<string, unknown>).head_sha = "main";
    });
    const reply = await deliver(server, "workflow_run", noSha, { secret: SECRET, delivery: "d-3" });
    expect(reply).toEqual({
      status: 400,
      body: {
        error: "invalid_payload",
        issues: [{ path: "workflow_run.head_sha", message: expect.any(String) }],
      },
    });
  });

  it("is off (404) without GITHUB_WEBHOOK_SECRET", async () => {
    const off = await startGithubServer({ secret: undefined });
    try {
      const reply = await postRaw(off.baseUrl, body, good());
      expect(reply.status).toBe(404);
      expect(reply.body.error).toBe("not_found");
    } finally {
      await off.close();
    }
  });
});
