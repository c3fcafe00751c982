/** Durations in contracts: `30s`, `15m`, `24h`, `7d` (SPEC §4). Returned in milliseconds. */
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d{1,6})(s|m|h|d)$/;

export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] as keyof typeof UNIT_MS;
  return amount * UNIT_MS[unit];
}

/** The shortest exact spelling of a duration, for reasons shown to people ("soaked 3h of 24h"). */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= UNIT_MS.d && abs % UNIT_MS.d === 0) return `${ms / UNIT_MS.d}d`;
  if (abs >= UNIT_MS.h) {
    const hours = Math.floor(abs / UNIT_MS.h);
    const minutes = Math.floor((abs % UNIT_MS.h) / UNIT_MS.m);
    return `${ms < 0 ? "-" : ""}${hours}h${minutes ? `${minutes}m` : ""}`;
  }
  if (abs >= UNIT_MS.m) return `${Math.trunc(ms / UNIT_MS.m)}m`;
  return `${Math.trunc(ms / UNIT_MS.s)}s`;
}
