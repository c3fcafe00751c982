/**
 * Kubernetes objects (`kubectl get … -o json`: one object or a `List`) and Argo CD Applications
 * → snapshot config:
 * - `images.<kind>/<name>.<container>`: `repo@sha256:…` when the digest is known (from the
 *   image reference or, for Pods, the running `imageID`), else the reference as written;
 *   `images.application/<name>`: Argo CD's `status.summary.images`, sorted.
 * - `scale.<kind>/<name>`: desired `spec.replicas` (status counts move mid-rollout; not config).
 * - `resources.<kind>/<name>.<container>.{requests,limits}.<resource>`, when set.
 * - `health.<kind>/<name>`: Healthy | Progressing | Degraded, after Argo CD's rules for workloads.
 * - `gitops.<app>.{sync,health,revision}` for Argo CD Applications.
 * Keys leave out the namespace (it usually differs per environment) unless the input spans
 * several namespaces.
 */
import type { ConfigValue } from "../../domain/evidence.js";
import { invalid, isObject, type JsonObject, type SnapshotConfig, toConfigValue } from "./import-helpers.js";
import { workloadHealth } from "./k8s-health.js";

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]);
const DIGEST_IN_ID = /([^/@]+(?:\/[^@]+)?)@(sha256:[0-9a-f]{64})$/;

export function importK8s(doc: unknown): SnapshotConfig {
  const objects = isObject(doc) && Array.isArray(doc.items) ? doc.items.filter(isObject) : [doc];
  const namespaces = new Set(objects.filter(isObject).map((o) => namespaceOf(o)));
  const config: Record<string, Record<string, ConfigValue>> = {};
  const put = (category: string, key: string, value: ConfigValue): void => {
    config[category] = { ...config[category], [key]: value };
  };
  for (const object of objects) {
    if (!isObject(object))
      throw invalid("k8s", "expected a Kubernetes object, a List, or an Argo CD Application");
    const prefix = namespaces.size > 1 ? `${namespaceOf(object)}/` : "";
    if (isApplication(object)) addApplication(object, prefix, put);
    else if (typeof object.kind === "string" && WORKLOADS.has(object.kind)) addWorkload(object, prefix, put);
    else
      throw invalid(
        "k8s",
        `unsupported kind "${String(object.kind ?? "none")}"`,
        `supported: ${[...WORKLOADS].join(", ")}, Application`,
      );
  }
  return config;
}

type Put = (category: string, key: string, value: ConfigValue) => void;

function addWorkload(object: JsonObject, prefix: string, put: Put): void {
  const kind = String(object.kind);
  const key = `${prefix}${kind.toLowerCase()}/${nameOf(object)}`;
  const podSpec = podSpecOf(object);
  const running = runningDigests(object);
  const images: Record<string, ConfigValue> = {};
  const resources: Record<string, ConfigValue> = {};
  for (const container of [...asArray(podSpec.initContainers), ...asArray(podSpec.containers)].filter(
    isObject,
  )) {
    const name = String(container.name ?? "");
    images[name] = imageRef(String(container.image ?? ""), running.get(name));
    const set = isObject(container.resources) ? container.resources : {};
    const limits = { requests: set.requests, limits: set.limits };
    const present = Object.fromEntries(
      Object.entries(limits).filter(([, v]) => isObject(v) && Object.keys(v).length > 0),
    );
    if (Object.keys(present).length > 0) resources[name] = toConfigValue(present);
  }
  if (Object.keys(images).length > 0) put("images", key, images);
  if (Object.keys(resources).length > 0) put("resources", key, resources);
  const spec = isObject(object.spec) ? object.spec : {};
  if (typeof spec.replicas === "number") put("scale", key, spec.replicas);
  const health = workloadHealth(object);
  if (health !== undefined) put("health", key, health);
}

function addApplication(object: JsonObject, prefix: string, put: Put): void {
  const name = `${prefix}${nameOf(object, "application")}`;
  const status = isObject(object.status) ? object.status : {};
  const sync = isObject(status.sync) ? status.sync : {};
  const health = isObject(status.health) ? status.health : {};
  const app: Record<string, ConfigValue> = {};
  if (typeof sync.status === "string") app.sync = sync.status;
  if (typeof health.status === "string") app.health = health.status;
  if (typeof sync.revision === "string") app.revision = sync.revision;
  put("gitops", name, app);
  const summary = isObject(status.summary) ? status.summary : {};
  const images = asArray(summary.images).filter((i): i is string => typeof i === "string");
  if (images.length > 0) put("images", `application/${name}`, [...images].sort());
}

/** Pod `imageID`s carry the digest actually pulled, even when the spec names a tag. */
function runningDigests(object: JsonObject): Map<string, string> {
  const status = isObject(object.status) ? object.status : {};
  const digests = new Map<string, string>();
  for (const cs of [...asArray(status.initContainerStatuses), ...asArray(status.containerStatuses)].filter(
    isObject,
  )) {
    const match = typeof cs.imageID === "string" ? DIGEST_IN_ID.exec(cs.imageID) : null;
    if (match?.[2] !== undefined && typeof cs.name === "string") digests.set(cs.name, match[2]);
  }
  return digests;
}

function imageRef(image: string, runningDigest: string | undefined): string {
  if (image.includes("@sha256:") || runningDigest === undefined) return image;
  // Drop the tag (a colon after the last slash; an earlier one is a registry port).
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  const repository = colon > slash ? image.slice(0, colon) : image;
  return `${repository}@${runningDigest}`;
}

function podSpecOf(object: JsonObject): JsonObject {
  const spec = isObject(object.spec) ? object.spec : {};
  if (object.kind === "Pod") return spec;
  if (object.kind === "CronJob") {
    const job = isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec : {};
    return isObject(job.template) && isObject(job.template.spec) ? job.template.spec : {};
  }
  return isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : {};
}

function isApplication(object: JsonObject): boolean {
  if (object.kind === "Application") return true;
  // Argo CD's docs show bare `status` blocks; sync + health identify them.
  const status = isObject(object.status) ? object.status : undefined;
  return (
    object.kind === undefined && status !== undefined && isObject(status.sync) && isObject(status.health)
  );
}

function nameOf(object: JsonObject, fallback = "unnamed"): string {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  return typeof metadata.name === "string" ? metadata.name : fallback;
}

function namespaceOf(object: JsonObject): string {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  return typeof metadata.namespace === "string" ? metadata.namespace : "default";
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
