/**
 * Test knobs: rate limits (HTTP 429 + Retry-After, docs.slack.dev/apis/web-api/rate-limits), scripted
 * `ok:false` errors, 5xx outages and slowness. `"*"` matches every method.
 */
import type { ApiReply, Json } from "./types.js";

export type MethodMatcher = string;

interface Countdown {
  remaining: number;
}

export class FaultInjector {
  private readonly rateLimits = new Map<MethodMatcher, { until: number; retryAfter: number | undefined }>();
  private readonly failures = new Map<
    MethodMatcher,
    Array<Countdown & { error: string; extra: Record<string, Json> }>
  >();
  private readonly outages = new Map<MethodMatcher, Array<Countdown & { status: number }>>();
  private readonly delays = new Map<MethodMatcher, number>();

  constructor(private readonly now: () => number) {}

  rateLimit(method: MethodMatcher, options: { seconds: number; retryAfter?: number }): void {
    this.rateLimits.set(method, {
      until: this.now() + options.seconds * 1000,
      retryAfter: options.retryAfter,
    });
  }

  fail(
    method: MethodMatcher,
    error: string,
    options: { times?: number; extra?: Record<string, Json> } = {},
  ): void {
    const list = this.failures.get(method) ?? [];
    list.push({ error, remaining: options.times ?? 1, extra: options.extra ?? {} });
    this.failures.set(method, list);
  }

  serverError(method: MethodMatcher, status = 500, times = 1): void {
    const list = this.outages.get(method) ?? [];
    list.push({ status, remaining: times });
    this.outages.set(method, list);
  }

  /** Slowness for every call (`method` omitted) or one method; 0 removes it. */
  delay(ms: number, method: MethodMatcher = "*"): void {
    if (ms <= 0) this.delays.delete(method);
    else this.delays.set(method, ms);
  }

  clear(): void {
    this.rateLimits.clear();
    this.failures.clear();
    this.outages.clear();
    this.delays.clear();
  }

  delayFor(method: string): number {
    return Math.max(this.delays.get(method) ?? 0, this.delays.get("*") ?? 0);
  }

  /** Faults that happen before Slack even looks at the token: rate limits, then outages. */
  transportFault(method: string): ApiReply | undefined {
    for (const key of [method, "*"]) {
      const limit = this.rateLimits.get(key);
      if (limit === undefined) continue;
      const left = limit.until - this.now();
      if (left <= 0) {
        this.rateLimits.delete(key);
        continue;
      }
      const retryAfter = limit.retryAfter ?? Math.ceil(left / 1000);
      return {
        status: 429,
        headers: { "Retry-After": String(retryAfter) },
        body: { ok: false, error: "ratelimited" },
      };
    }
    const outage = take(this.outages, method);
    if (outage === undefined) return undefined;
    const error = outage.status === 503 ? "service_unavailable" : "fatal_error";
    return { status: outage.status, body: { ok: false, error } };
  }

  scriptedError(method: string): ApiReply | undefined {
    const failure = take(this.failures, method);
    if (failure === undefined) return undefined;
    return { status: 200, body: { ok: false, error: failure.error, ...failure.extra } };
  }
}

function take<T extends Countdown>(map: Map<MethodMatcher, T[]>, method: string): T | undefined {
  for (const key of [method, "*"]) {
    const list = map.get(key);
    const entry = list?.[0];
    if (list === undefined || entry === undefined) continue;
    entry.remaining -= 1;
    if (entry.remaining <= 0) list.shift();
    return entry;
  }
  return undefined;
}
