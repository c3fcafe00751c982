/**
 * Prometheus metrics (GET /metrics). One registry for the process: other adapters add their own
 * metrics to `registry` (e.g. `new Counter({ ..., registers: [metrics.registry] })`).
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface HttpMetrics {
  registry: Registry;
  requests: Counter<"route" | "method" | "status">;
  ingestLatency: Histogram<"route">;
  evidenceStored: Counter;
  groupCommit: Histogram;
}

export function createMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "tollgate_" });
  return {
    registry,
    requests: new Counter({
      name: "tollgate_http_requests_total",
      help: "HTTP requests by route, method and status",
      labelNames: ["route", "method", "status"],
      registers: [registry],
    }),
    ingestLatency: new Histogram({
      name: "tollgate_ingest_duration_seconds",
      help: "Time from request start to a durable answer on the intake routes",
      labelNames: ["route"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    evidenceStored: new Counter({
      name: "tollgate_evidence_stored_total",
      help: "Evidence items committed to the database",
      registers: [registry],
    }),
    groupCommit: new Histogram({
      name: "tollgate_group_commit_requests",
      help: "Requests written per database commit (group commit)",
      buckets: [1, 2, 5, 10, 25, 50, 100, 250],
      registers: [registry],
    }),
  };
}
