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
      if (report.ready) return sendJson(res, 200, { status: "ready", components: report.components });
      const failing = Object.entries(report.components)
        .filter(([, component]) => !component.ok)
        .map(([name]) => name);
      // The listener's own state is "ready" while a component fails; saying so beside a 503 read
      // as a contradiction, so that case is "degraded", with the failing components named.
      const state = report.state === "ready" ? "degraded" : report.state;
      sendJson(res, 503, { error: "not_ready", state, failing, components: report.components });
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
