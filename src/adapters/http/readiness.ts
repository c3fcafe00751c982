/**
 * GET /readyz (SPEC §1): ready only when the app has finished starting, is not shutting down, and
 * every registered probe passes (database open, contracts loaded, Slack reachable, outbox healthy…).
 */
export interface ProbeResult {
  ok: boolean;
  detail?: string | undefined;
}

export type ReadinessProbe = () => ProbeResult | Promise<ProbeResult>;

export interface ReadinessReport {
  ready: boolean;
  state: string;
  components: Record<string, ProbeResult>;
}

const PROBE_TIMEOUT_MS = 2000;

export function createReadiness(state: () => string) {
  const probes = new Map<string, ReadinessProbe>();
  return {
    add(name: string, probe: ReadinessProbe): void {
      if (probes.has(name)) throw new Error(`readiness probe "${name}" is registered twice`);
      probes.set(name, probe);
    },
    async report(): Promise<ReadinessReport> {
      const entries = await Promise.all(
        [...probes].map(async ([name, probe]) => [name, await runProbe(probe)] as const),
      );
      const components = Object.fromEntries(entries);
      const current = state();
      return { ready: current === "ready" && entries.every(([, r]) => r.ok), state: current, components };
    },
  };
}

async function runProbe(probe: ReadinessProbe): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: "probe timed out" }), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve().then(probe), timeout]);
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
