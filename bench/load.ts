/**
 * A closed-loop load generator: `connections` clients on keep-alive sockets, each sending its next
 * request as soon as the previous answer arrives, for a fixed duration. Latency is measured per
 * request from write to the last byte of the answer.
 */
import { Agent, request } from "node:http";

export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<number, number>;
  errors: number;
}

export interface LoadSample {
  latencies: number[];
  durationMs: number;
  statuses: Record<number, number>;
  errors: number;
}

/** Several samples of one target (interleaved with other targets) as one figure. */
export function summarise(samples: LoadSample[]): LoadResult {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const statuses: Record<number, number> = {};
  for (const s of samples)
    for (const [k, v] of Object.entries(s.statuses)) statuses[Number(k)] = (statuses[Number(k)] ?? 0) + v;
  const seconds = samples.reduce((sum, s) => sum + s.durationMs, 0) / 1000;
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    requests: latencies.length,
    perSecond: latencies.length / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    statuses,
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
  };
}

export async function runLoad(options: {
  port: number;
  connections: number;
  durationMs: number;
  warmupMs?: number;
  next: (n: number) => LoadRequest;
  /** Called when the measured window (after the warm-up) starts and when it ends. */
  window?: { start(): void; end(): void };
}): Promise<LoadSample> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  let n = 0;
  const warmupEnd = performance.now() + (options.warmupMs ?? 0);
  const end = warmupEnd + options.durationMs;
  if (options.window) {
    setTimeout(options.window.start, options.warmupMs ?? 0);
    setTimeout(options.window.end, (options.warmupMs ?? 0) + options.durationMs);
  }
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  const client = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      const status = await send(agent, options.port, options.next(n++)).catch(() => 0);
      const finished = performance.now();
      if (started < warmupEnd || finished > end) continue;
      if (status === 0) errors++;
      else {
        statuses[status] = (statuses[status] ?? 0) + 1;
        latencies.push(finished - started);
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, client));
  agent.destroy();
  return { latencies, durationMs: options.durationMs, statuses, errors };
}

function send(agent: Agent, port: number, load: LoadRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port,
        method: "POST",
        path: load.path,
        headers: { ...load.headers, "content-length": String(load.body.length) },
      },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(load.body);
  });
}
