import { describe, expect, it } from "vitest";
import { importK8s } from "../../../src/adapters/importers/k8s.js";
import { codeOf, envFixture } from "./fixtures.js";

const GUESTBOOK = "gcr.io/heptio-images/ks-guestbook-demo:0.3";
const ALPINE = "alpine@sha256:621c2f39f8133acb8e64023a94dbdf0d5ca81896102b9e57c0dc184cadaf5528";

describe("importK8s", () => {
  it("reads a Deployment stuck past its progress deadline", () => {
    expect(importK8s(envFixture("k8s.deployment.degraded.json"))).toEqual({
      images: { "deployment/guestbook-ui": { "guestbook-ui": GUESTBOOK } },
      scale: { "deployment/guestbook-ui": 1 },
      health: { "deployment/guestbook-ui": "Degraded" },
    });
  });

  it("reads a Deployment mid-rollout (2 replicas, 1 updated) as Progressing", () => {
    expect(importK8s(envFixture("k8s.deployment.progressing.json"))).toEqual({
      images: { "deployment/guestbook-ui": { "guestbook-ui": GUESTBOOK } },
      scale: { "deployment/guestbook-ui": 1 },
      health: { "deployment/guestbook-ui": "Progressing" },
    });
  });

  it("takes a Pod's running digest from imageID although the spec names a tag", () => {
    expect(importK8s(envFixture("k8s.pod.running-with-imageID.json"))).toEqual({
      images: { "pod/my-pod": { main: ALPINE } },
      health: { "pod/my-pod": "Healthy" },
    });
  });

  it("reads an Argo CD Application's sync, health, revision and images", () => {
    expect(importK8s(envFixture("argocd.application.synced-healthy.json"))).toEqual({
      gitops: { "velero-test": { sync: "Synced", health: "Healthy", revision: "rev1" } },
      images: { "application/velero-test": ["nginx:latest"] },
    });
  });

  it("reads bare Argo CD status blocks (persisted and app-tree health) alike", () => {
    const expected = { gitops: { application: { sync: "OutOfSync", health: "Healthy" } } };
    expect(importK8s(envFixture("argocd.application-status.outofsync.persisted-health.json"))).toEqual(
      expected,
    );
    expect(importK8s(envFixture("argocd.application-status.outofsync.apptree-health.json"))).toEqual(
      expected,
    );
  });

  it("keeps resource requests and limits, and an image pinned by digest as written", () => {
    const deployment = envFixture("k8s.deployment.degraded.json");
    const spec = deployment.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
    const container = spec.template.spec.containers[0] ?? {};
    container.resources = { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } };
    container.image = `gcr.io/heptio-images/ks-guestbook-demo@sha256:${"a".repeat(64)}`;
    const config = importK8s(deployment);
    expect(config.resources).toEqual({
      "deployment/guestbook-ui": {
        "guestbook-ui": { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
      },
    });
    expect(config.images).toEqual({ "deployment/guestbook-ui": { "guestbook-ui": container.image } });
  });

  it("reads a kubectl List and qualifies keys by namespace when several appear", () => {
    const list = {
      kind: "List",
      items: [envFixture("k8s.deployment.progressing.json"), envFixture("k8s.pod.running-with-imageID.json")],
    };
    expect(importK8s(list)).toEqual({
      images: {
        "default/deployment/guestbook-ui": { "guestbook-ui": GUESTBOOK },
        "argocd/pod/my-pod": { main: ALPINE },
      },
      scale: { "default/deployment/guestbook-ui": 1 },
      health: { "default/deployment/guestbook-ui": "Progressing", "argocd/pod/my-pod": "Healthy" },
    });
  });

  it("refuses kinds it does not understand", () => {
    expect(codeOf(() => importK8s({ kind: "ConfigMap", metadata: { name: "x" } }))).toMatch(
      /^invalid_payload: k8s: unsupported kind "ConfigMap"/,
    );
    expect(codeOf(() => importK8s("text"))).toMatch(/^invalid_payload: k8s: /);
  });
});
