/** The pure GitHub → Tollgate mapping, on GitHub's samples and on the traps they hide. */
import { describe, expect, it } from "vitest";
import { type GithubMapping, mapGithubEvent } from "../../../src/adapters/http/github-mapping.js";
import type { GithubIntake } from "../../../src/flows/record-github-event.js";
import { derived, fixture, set } from "../../helpers/github-webhook.js";

const NOW = new Date("2026-11-27T10:00:00Z");
const map = (event: string, body: string | Buffer) => mapGithubEvent(event, JSON.parse(body.toString()), NOW);

function intake(mapping: GithubMapping) {
  if (mapping.kind !== "intake") throw new Error(`expected an intake, got ${JSON.stringify(mapping)}`);
  return mapping.intake;
}

function intakeOf<K extends GithubIntake["kind"]>(
  mapping: GithubMapping,
  kind: K,
): Extract<GithubIntake, { kind: K }> {
  const found = intake(mapping);
  if (found.kind !== kind) throw new Error(`expected ${kind}, got ${found.kind}`);
  return found as Extract<GithubIntake, { kind: K }>;
}

describe("workflow_run", () => {
  it("prefers the run's name, then the workflow's, then the file name", () => {
    const named = derived("workflow_run.completed.payload.json", (p) =>
      set(p, "workflow_run.name", "CI / e2e"),
    );
    expect(intake(map("workflow_run", named))).toMatchObject({ evidence: { name: "CI / e2e" } });
    const workflow = derived("workflow_run.completed.payload.json", (p) => set(p, "workflow.name", "Build"));
    expect(intake(map("workflow_run", workflow))).toMatchObject({ evidence: { name: "Build" } });
    const file = derived("workflow_run.completed.payload.json", (p) => {
      set(p, "workflow.name", "");
      set(p, "workflow_run.path", ".github/workflows/unit-tests.yml");
    });
    expect(intake(map("workflow_run", file))).toMatchObject({ evidence: { name: "unit-tests" } });
  });

  it("takes a timestamp ahead of the server clock as now, and keeps details small", () => {
    const ahead = derived("workflow_run.completed.payload.json", (p) =>
      set(p, "workflow_run.updated_at", "2030-01-01T00:00:00Z"),
    );
    const { evidence } = intakeOf(map("workflow_run", ahead), "evidence");
    expect(evidence.observedAt).toEqual(NOW);
    expect(JSON.parse(evidence.detailsJson ?? "")).toEqual({
      source: "github",
      repository: "octo-org/octo-repo",
      conclusion: "success",
      run_id: 289782451,
      run_number: 163,
      run_attempt: 1,
      trigger: "repository_dispatch",
      head_branch: "master",
      workflow_path: ".github/workflows/test.yml",
    });
  });

  it("lists what a completed run lacks", () => {
    const broken = derived("workflow_run.completed.payload.json", (p) => {
      set(p, "workflow_run.head_sha", null);
      set(p, "workflow_run.name", "");
      set(p, "workflow_run.path", "");
      set(p, "workflow.name", "\u0007");
    });
    expect(map("workflow_run", broken)).toEqual({
      kind: "invalid",
      issues: [
        { path: "workflow_run.head_sha", message: "must be a commit SHA (7 to 40 hex characters)" },
        { path: "workflow_run.name", message: "no usable name for the evidence" },
      ],
    });
  });
});

describe("packages", () => {
  it("takes the first valid container digest and never pads the 40-hex ones", () => {
    const onlyBad = derived("registry_package.published.docker.payload.json", (p) => {
      set(p, "registry_package.package_version.name", "sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b");
      set(p, "registry_package.package_version.version", "latest");
    });
    expect(map("registry_package", onlyBad)).toEqual({
      kind: "ignored",
      reason: "the container package version has no sha256 digest (64 hex)",
    });
    const tagged = derived("registry_package.published.docker.payload.json", (p) => {
      set(p, "registry_package.package_version.container_metadata.tag", {
        name: "v2.1.0",
        digest: `sha256:${"C".repeat(64)}`,
      });
    });
    expect(intake(map("registry_package", tagged))).toMatchObject({
      artifact: { digest: `sha256:${"c".repeat(64)}`, version: "v2.1.0" },
    });
  });

  it("decides container or not by registry.type, so the npm sample's container digest is not used", () => {
    const { artifact } = intakeOf(map("package", fixture("package.published.npm.payload.json")), "artifact");
    expect(artifact).toEqual({
      name: "hello-world-npm",
      digest: "sha256:ba703915435b6ca2ca666b5d8332db34bf9dc37a198ed70d3a5fa5d08b8415c8",
      version: "1.0.0",
      commit: "6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b",
      repository: "Codertocat/hello-world-npm",
      url: "https://github.com/Codertocat/hello-world-npm/packages/10696?version=1.0.0",
    });
  });

  it("lower-cases names and ignores ones Tollgate cannot hold, and anything but published", () => {
    const upper = derived("registry_package.published.docker.payload.json", (p) =>
      set(p, "registry_package.name", "Hello-World"),
    );
    expect(intake(map("registry_package", upper))).toMatchObject({ artifact: { name: "hello-world" } });
    const odd = derived("registry_package.published.docker.payload.json", (p) =>
      set(p, "registry_package.name", "@scope/x"),
    );
    expect(map("registry_package", odd)).toMatchObject({ kind: "ignored" });
    const updated = derived("registry_package.published.docker.payload.json", (p) =>
      set(p, "action", "updated"),
    );
    expect(map("registry_package", updated)).toMatchObject({ kind: "ignored" });
  });
});

describe("deployment_status", () => {
  it("maps the sample to a succeeded deployment to production at deployment.sha", () => {
    expect(intake(map("deployment_status", fixture("deployment_status.payload.json")))).toEqual({
      kind: "deployment",
      deployment: {
        environment: "production",
        status: "succeeded",
        commit: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
        deployedAt: new Date("2019-05-15T15:20:55Z"),
        url: undefined,
      },
    });
  });

  it("reads a flat digest from a JSON-string payload, but not a flat name alone", () => {
    const digest = `sha256:${"d".repeat(64)}`;
    const flat = derived("deployment_status.payload.json", (p) =>
      set(p, "deployment.payload", JSON.stringify({ digest, name: "api" })),
    );
    expect(intake(map("deployment_status", flat))).toMatchObject({ deployment: { digest, name: "api" } });
    const nameOnly = derived("deployment_status.payload.json", (p) =>
      set(p, "deployment.payload", { name: "My App" }),
    );
    const { deployment } = intakeOf(map("deployment_status", nameOnly), "deployment");
    expect(deployment.name).toBeUndefined();
  });

  it("maps every state, and ignores environments Tollgate cannot name", () => {
    const states = { pending: "started", queued: "started", in_progress: "started", error: "failed" };
    for (const [state, status] of Object.entries(states)) {
      const body = derived("deployment_status.payload.json", (p) => set(p, "deployment_status.state", state));
      expect(intake(map("deployment_status", body))).toMatchObject({ deployment: { status } });
    }
    const pages = derived("deployment_status.payload.json", (p) =>
      set(p, "deployment.environment", "review/pr-12"),
    );
    expect(map("deployment_status", pages)).toMatchObject({ kind: "ignored" });
  });
});
