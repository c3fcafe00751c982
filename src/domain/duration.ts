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

/**
 * A configured or typed duration, exactly: `90s` is "1m30s", not "1m" (a lock `for 90s` must not
 * be confirmed as a lock for a minute). Whole days stay days; anything else longer is in hours.
 */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  if (abs >= UNIT_MS.d && abs % UNIT_MS.d === 0) return `${sign}${abs / UNIT_MS.d}d`;
  const hours = Math.floor(abs / UNIT_MS.h);
  const minutes = Math.floor((abs % UNIT_MS.h) / UNIT_MS.m);
  const seconds = Math.floor((abs % UNIT_MS.m) / UNIT_MS.s);
  const parts = [hours && `${hours}h`, minutes && `${minutes}m`, seconds && `${seconds}s`].filter(Boolean);
  return `${sign}${parts.length > 0 ? parts.join("") : "0s"}`;
}

/**
 * An elapsed time for people ("soaking 3h of 24h"): above an hour, whole hours and minutes, since
 * a card is not re-rendered every second and seconds there would only look stale.
 */
export function formatAge(ms: number): string {
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
