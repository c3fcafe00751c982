/** GET /healthz (process up), /readyz (ready to serve, with each component), /metrics (Prometheus). */

import { sendJson } from "./respond.js";
import type { HttpServer } from "./server.js";

export function registerHealthRoutes(http: HttpServer): void {
  const always = { servedWhenNotReady: true };
  http.route("GET", "/healthz", (_req, res) => sendJson(res, 200, { status: "ok" }), always);
  http.route(
    "GET",
    "/readyz",
    async (_req, res) => {
      const report = await http.readiness();
      if (report.ready) sendJson(res, 200, { status: "ready", components: report.components });
      else sendJson(res, 503, { error: "not_ready", state: report.state, components: report.components });
    },
    always,
  );
  http.route(
    "GET",
    "/metrics",
    async (_req, res) => {
      const text = await http.metrics.registry.metrics();
      res.writeHead(200, { "content-type": http.metrics.registry.contentType });
      res.end(text);
    },
    always,
  );
}
