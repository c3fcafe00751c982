/** What GitHub deliveries add up to, end to end: the real route, flows, stores and database. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  deliver,
  derived,
  EXAMPLE_SECRET,
  fixture,
  type GithubServer,
  set,
  startGithubServer,
} from "../../helpers/github-webhook.js";

const SECRET = EXAMPLE_SECRET;
const RUN_SHA = "3484a3fb816e0859fd6e1cea078d76385ff50625";
const DEPLOY_SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
const DIGEST_A = `sha256:${"a1".repeat(32)}`;
const DIGEST_B = `sha256:${"b2".repeat(32)}`;

let server: GithubServer;
let n = 0;
beforeEach(async () => {
  server = await startGithubServer({ secret: SECRET });
});
afterEach(async () => {
  await server.close();
});

const send = (event: string, body: string | Buffer, delivery = `d-${++n}`) =>
  deliver(server, event, body, { secret: SECRET, delivery });

/** GitHub's container sample, published for another digest, name and commit. */
function containerPublished(digest: string, commit: string, name = "hello-world"): string {
  return derived("registry_package.published.docker.payload.json", (p) => {
    const version = "registry_package.package_version";
    set(p, "registry_package.name", name);
    set(p, `${version}.name`, digest);
    set(p, `${version}.version`, digest);
    const labels = `${version}.container_metadata.labels.all_labels`.split(".");
    set(p, [...labels, "org.opencontainers.image.revision"], commit);
  });
}

function workflowRun(
  change: (run: Record<string, unknown>, payload: Record<string, unknown>) => void,
): string {
  return derived("workflow_run.completed.payload.json", (p) =>
    change(p.workflow_run as Record<string, unknown>, p),
  );
}

describe("commit-scoped evidence", () => {
  it("counts for an artifact registered later from that commit", async () => {
    expect((await send("workflow_run", fixture("workflow_run.completed.payload.json"))).status).toBe(202);
    expect((await send("registry_package", containerPublished(DIGEST_A, RUN_SHA))).status).toBe(202);
    const artifact = server.stores.artifacts.getArtifact(DIGEST_A);
    expect(artifact).toMatchObject({ name: "hello-world", commit: RUN_SHA });
    const evidence = server.stores.evidence.evidenceFor(artifact ?? { digest: DIGEST_A, commit: undefined });
    expect(evidence.map((e) => [e.kind, e.name, e.status])).toEqual([["test", "test", "passed"]]);
  });

  it("keeps every result of a workflow: a later failure is stored next to the pass", async () => {
    await send("workflow_run", fixture("workflow_run.completed.payload.json"));
    await send("workflow_run", fixture("workflow_run.completed.failure.DERIVED.payload.json"));
    await send("registry_package", containerPublished(DIGEST_A, RUN_SHA));
    const stored = server.stores.evidence.evidenceFor({ digest: DIGEST_A, commit: RUN_SHA });
    expect(stored.map((e) => e.status)).toEqual(["passed", "failed"]);
  });
});

describe("conclusions and actions", () => {
  const cases: [string, string, string | null][] = [
    ["completed", "cancelled", "error"],
    ["completed", "timed_out", "failed"],
    ["completed", "startup_failure", "failed"],
    ["completed", "action_required", "failed"],
    ["completed", "some_future_value", "error"],
    ["completed", "skipped", null],
    ["completed", "neutral", null],
    ["completed", "stale", null],
    ["in_progress", "success", null],
    ["requested", "success", null],
  ];
  for (const [action, conclusion, status] of cases) {
    it(`${action}/${conclusion} → ${status ?? "ignored"}`, async () => {
      const body = workflowRun((run, p) => {
        p.action = action;
        run.conclusion = conclusion;
      });
      const reply = await send("workflow_run", body);
      const stored = server.stores.evidence.evidenceFor({ digest: DIGEST_B, commit: RUN_SHA });
      if (status === null) {
        expect(reply).toMatchObject({ status: 202, body: { status: "ignored" } });
        expect(stored).toEqual([]);
      } else {
        expect(reply).toMatchObject({ status: 202, body: { status: "accepted" } });
        expect(stored.map((e) => e.status)).toEqual([status]);
      }
    });
  }

  it("names a run without any name after its workflow file", async () => {
    const body = workflowRun((run, p) => {
      run.name = "";
      delete p.workflow;
      run.path = ".github/workflows/e2e.yaml";
    });
    expect((await send("workflow_run", body)).status).toBe(202);
    expect(server.stores.evidence.evidenceFor({ digest: DIGEST_B, commit: RUN_SHA })[0]?.name).toBe("e2e");
  });

  it("ignores check suites of GitHub Actions (one per workflow, all named github-actions)", async () => {
    const body = derived("check_suite.completed.payload.json", (p) => {
      set(p, "check_suite.app.slug", "github-actions");
    });
    expect(await send("check_suite", body)).toMatchObject({ status: 202, body: { status: "ignored" } });
  });
});

describe("ping and other events", () => {
  it("answers ping with 200 and anything unknown with 202 ignored", async () => {
    const ping = JSON.stringify({
      zen: "Keep it logically awesome.",
      hook_id: 1,
      hook: { type: "Repository" },
    });
    expect(await send("ping", ping)).toEqual({ status: 200, body: { status: "ok", event: "ping" } });
    const push = await send("push", JSON.stringify({ ref: "refs/heads/main" }));
    expect(push).toEqual({
      status: 202,
      body: { status: "ignored", event: "push", reason: "push events are not used by Tollgate" },
    });
  });
});

describe("deployment_status", () => {
  const deployment = fixture("deployment_status.payload.json");

  it("becomes a deployment of the artifact built from deployment.sha, once", async () => {
    await send("registry_package", containerPublished(DIGEST_A, DEPLOY_SHA));
    const first = await send("deployment_status", deployment, "deploy-1");
    expect(first).toMatchObject({ status: 202, body: { status: "accepted", duplicate: false } });
    expect(server.stores.deployments.currentlyRunning("production")).toMatchObject({
      digest: DIGEST_A,
      name: "hello-world",
      status: "succeeded",
      deployedAt: new Date("2019-05-15T15:20:55Z"),
    });
    const again = await send("deployment_status", deployment, "deploy-1");
    expect(again).toEqual({ status: 200, body: { status: "accepted", id: first.body.id, duplicate: true } });
    expect(server.stores.deployments.deploymentsIn("production")).toHaveLength(1);
  });

  it("is ignored, with the candidates, when the commit built several artifacts", async () => {
    await send("registry_package", containerPublished(DIGEST_A, DEPLOY_SHA, "web"));
    await send("registry_package", containerPublished(DIGEST_B, DEPLOY_SHA, "worker"));
    const reply = await send("deployment_status", deployment);
    expect(reply).toMatchObject({ status: 202, body: { status: "ignored" } });
    expect(reply.body.reason).toMatch(
      /built 2 artifacts \(.*web@.*worker@|built 2 artifacts \(.*worker@.*web@/,
    );
  });

  it("uses the artifact named in deployment.payload, and maps the state", async () => {
    const body = derived("deployment_status.payload.json", (p) => {
      (p.deployment as Record<string, unknown>).payload = JSON.stringify({
        artifact: { name: "api", digest: DIGEST_B },
      });
      (p.deployment as Record<string, unknown>).environment = "Staging";
      (p.deployment_status as Record<string, unknown>).state = "failure";
      (p.deployment_status as Record<string, unknown>).target_url = "https://ci.example.com/deploys/7";
    });
    expect((await send("deployment_status", body)).status).toBe(202);
    expect(server.stores.deployments.deploymentsIn("staging")).toMatchObject([
      { digest: DIGEST_B, name: "api", status: "failed", url: "https://ci.example.com/deploys/7" },
    ]);
    expect(server.stores.artifacts.getArtifact(DIGEST_B)?.commit).toBeUndefined();
  });

  it("ignores inactive statuses and refuses a malformed digest in the payload", async () => {
    const inactive = derived("deployment_status.payload.json", (p) => {
      (p.deployment_status as Record<string, unknown>).state = "inactive";
    });
    expect(await send("deployment_status", inactive)).toMatchObject({
      status: 202,
      body: { status: "ignored" },
    });
    const malformed = derived("deployment_status.payload.json", (p) => {
      (p.deployment as Record<string, unknown>).payload = {
        digest: "sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b",
      };
    });
    expect(await send("deployment_status", malformed)).toEqual({
      status: 400,
      body: {
        error: "invalid_payload",
        issues: [{ path: "deployment.payload.digest", message: "must be sha256: followed by 64 hex" }],
      },
    });
  });
});

describe("package publications", () => {
  it("refuse a known digest under another name with 409, and store nothing for it", async () => {
    expect((await send("registry_package", containerPublished(DIGEST_A, RUN_SHA, "web"))).status).toBe(202);
    const reply = await send("registry_package", containerPublished(DIGEST_A, RUN_SHA, "other"));
    expect(reply.status).toBe(409);
    expect(reply.body.error).toBe("artifact_conflict");
    expect(server.stores.artifacts.getArtifact(DIGEST_A)?.name).toBe("web");
  });

  it("ignore an npm version without exactly one file checksum", async () => {
    const body = derived("package.published.npm.payload.json", (p) => {
      set(p, "package.package_version.package_files", []);
    });
    const reply = await send("package", body);
    expect(reply).toMatchObject({ status: 202, body: { status: "ignored" } });
    expect(reply.body.reason).toMatch(/0 files with a sha256/);
  });
});
