/**
 * A stand-in for Tollgate's write API on 127.0.0.1:0, for CLI tests while the real server is
 * composed elsewhere: verifies the v1 signature with the product's verifyV1, remembers delivery
 * keys (200 duplicate), and answers scripted SPEC statuses so every exit code can be provoked.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyV1 } from "../../src/adapters/http/v1-signature.js";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  signatureValid: boolean;
}

export interface Scripted {
  status: number;
  body?: unknown;
  /** Sent as is, as text/html, instead of `body` (a proxy page, a wrong URL). */
  html?: string;
}

export interface LoopbackTollgate {
  url: string;
  received: Received[];
  /** Answers for the next requests, in order, before normal handling resumes. */
  script: Scripted[];
  close(): Promise<void>;
}

export async function startLoopbackTollgate(secret: string): Promise<LoopbackTollgate> {
  const deliveries = new Map<string, string>();
  const state = { received: [] as Received[], script: [] as Scripted[] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const header = (name: string): string | undefined => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const signatureValid = verifyV1(
        [secret],
        header("x-tollgate-timestamp"),
        header("x-tollgate-signature"),
        raw,
        Math.floor(Date.now() / 1000),
      );
      state.received.push({
        path: req.url ?? "",
        headers: req.headers,
        body: JSON.parse(raw.toString("utf8")),
        signatureValid,
      });
      const answer = (status: number, body: unknown): void => {
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      };
      const scripted = state.script.shift();
      if (scripted?.html !== undefined)
        return res.writeHead(scripted.status, { "content-type": "text/html" }).end(scripted.html);
      if (scripted !== undefined) return answer(scripted.status, scripted.body);
      if (!signatureValid) return answer(401, { error: "unauthorized" });
      const delivery = header("x-tollgate-delivery");
      const seen = delivery === undefined ? undefined : deliveries.get(delivery);
      if (seen !== undefined) return answer(200, { status: "accepted", id: seen, duplicate: true });
      const id = randomUUID();
      if (delivery !== undefined) deliveries.set(delivery, id);
      return answer(202, { status: "accepted", id, duplicate: false });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get received() {
      return state.received;
    },
    get script() {
      return state.script;
    },
    set script(value: Scripted[]) {
      state.script = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: bound, then released. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export interface CapturedIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  out: () => string;
  err: () => string;
}

export function captureIo(env: Record<string, string | undefined>, cwd: string): CapturedIo {
  let out = "";
  let err = "";
  return {
    env,
    cwd,
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    out: () => out,
    err: () => err,
  };
}
