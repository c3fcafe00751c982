/**
 * The page itself: `/` is index.html and `/static/<file>` the hand-written ES modules and CSS
 * from ./public (no build step). Only files that exist there at start-up are served, by exact
 * name, so no request path ever reaches the file system.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sendJson } from "../adapters/http/respond.js";
import type { SandboxContext } from "./sandbox-context.js";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
};

/** Beside this module when run from src/; in the source tree when run from dist/ (tsc copies no assets). */
export function publicDir(): string {
  const candidates = [
    new URL("./public/", import.meta.url),
    new URL("../../../src/sandbox/public/", import.meta.url),
  ];
  for (const candidate of candidates) {
    const dir = fileURLToPath(candidate);
    if (existsSync(`${dir}index.html`)) return dir;
  }
  throw new Error("sandbox page files not found (src/sandbox/public)");
}

function loadFiles(dir: string): Map<string, { type: string; body: Buffer }> {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(dir)) {
    const ext = name.split(".").pop() ?? "";
    if (!/^[a-z0-9-]+\.[a-z]+$/.test(name) || TYPES[ext] === undefined) continue;
    files.set(name, { type: TYPES[ext], body: readFileSync(`${dir}${name}`) });
  }
  return files;
}

// NOTE: the page builds its DOM with createElement/textContent only; this policy makes any
// slip (an inline script, an injected handler) inert as well.
const CSP =
  "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function registerPageRoutes(sandbox: SandboxContext): void {
  const files = loadFiles(publicDir());
  sandbox.app.http.mount("/", (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const name =
      path === "/" || path === "/index.html"
        ? "index.html"
        : path.startsWith("/static/")
          ? path.slice(8)
          : "";
    const file = files.get(name);
    if (file === undefined || (req.method !== "GET" && req.method !== "HEAD")) {
      return sendJson(res, 404, { error: "not_found", message: `no route for ${req.method} ${path}` });
    }
    res.writeHead(200, {
      "content-type": file.type,
      "content-length": String(file.body.length),
      "cache-control": "no-cache",
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : file.body);
  });
}
