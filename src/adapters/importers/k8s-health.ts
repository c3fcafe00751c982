/**
 * Workload health as Argo CD's gitops-engine reports it (pkg/health: health_deployment.go,
 * health_pod.go), reduced to Healthy | Progressing | Degraded. Undefined for kinds or objects
 * without a status (a manifest that was never applied).
 */
import { isObject, type JsonObject } from "./import-helpers.js";

export type WorkloadHealth = "Healthy" | "Progressing" | "Degraded";

export function workloadHealth(object: JsonObject): WorkloadHealth | undefined {
  if (!isObject(object.status)) return undefined;
  if (object.kind === "Pod") return podHealth(object.status);
  if (object.kind === "Deployment" || object.kind === "StatefulSet")
    return rolloutHealth(object, object.status);
  return undefined;
}

function rolloutHealth(object: JsonObject, status: JsonObject): WorkloadHealth {
  const spec = isObject(object.spec) ? object.spec : {};
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const num = (value: unknown): number => (typeof value === "number" ? value : 0);
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isObject) : [];
  const progressing = conditions.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") return "Degraded";
  if (num(status.observedGeneration) < num(metadata.generation)) return "Progressing";
  const desired = typeof spec.replicas === "number" ? spec.replicas : 1;
  const updated = num(status.updatedReplicas);
  if (updated < desired) return "Progressing";
  if (num(status.replicas) > updated) return "Progressing";
  if (num(status.availableReplicas) < updated) return "Progressing";
  return "Healthy";
}

function podHealth(status: JsonObject): WorkloadHealth {
  if (status.phase === "Failed") return "Degraded";
  const containers = Array.isArray(status.containerStatuses) ? status.containerStatuses.filter(isObject) : [];
  const waiting = containers.some(
    (c) => isObject(c.state) && isObject(c.state.waiting) && c.state.waiting.reason === "CrashLoopBackOff",
  );
  if (waiting) return "Degraded";
  if (status.phase === "Succeeded") return "Healthy";
  if (status.phase === "Running" && containers.length > 0 && containers.every((c) => c.ready === true))
    return "Healthy";
  return "Progressing";
}
