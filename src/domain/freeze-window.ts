/**
 * Freeze windows (SPEC §4 `freeze`), evaluated on the wall clock of the contract's timezone so
 * "Fri 16:00 - Mon 09:00" means 16:00 local on both sides of a daylight-saving change.
 *
 * - Weekly: `Fri 16:00 - Mon 09:00`; the start is inclusive, the end exclusive, and a range whose
 *   end comes before its start in the week wraps over the weekend. Equal ends are an empty window.
 * - Dated: `from`/`to` are calendar dates, both inclusive: frozen from `from` 00:00 until the
 *   midnight that ends `to`, local time. Either may instead be a local `YYYY-MM-DDTHH:MM`
 *   (start inclusive, end exclusive), as the contract loader accepts.
 */
import { TZDate } from "@date-fns/tz";
import type { FreezeWindow } from "./contract.js";

export const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const MINUTES_PER_DAY = 1_440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const WEEKLY = /^([a-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})\s*-\s*([a-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/;

export interface WeeklyRange {
  /** Minutes since Sunday 00:00, local time. */
  start: number;
  end: number;
}

export interface ActiveFreeze {
  window: FreezeWindow;
  endsAt: Date;
}

function minuteOfWeek(day: string, hours: string, minutes: string): number | undefined {
  const index = WEEKDAYS.findIndex((d) => d.toLowerCase() === day.toLowerCase());
  const h = Number(hours);
  const m = Number(minutes);
  if (index === -1 || h > 24 || m > 59 || (h === 24 && m !== 0)) return undefined;
  return index * MINUTES_PER_DAY + h * 60 + m;
}

/** Parses `Fri 16:00 - Mon 09:00`; undefined when malformed (the contract loader reports it). */
export function parseWeeklySpec(spec: string): WeeklyRange | undefined {
  const match = WEEKLY.exec(spec.trim());
  if (!match) return undefined;
  const [, d1 = "", h1 = "", m1 = "", d2 = "", h2 = "", m2 = ""] = match;
  const start = minuteOfWeek(d1, h1, m1);
  const end = minuteOfWeek(d2, h2, m2);
  if (start === undefined || end === undefined) return undefined;
  return { start: start % MINUTES_PER_WEEK, end: end % MINUTES_PER_WEEK };
}

const zoneCache = new Map<string, boolean>();

/** An unknown zone must not make evaluation throw or read NaN; the loader rejects it earlier. */
export function safeTimeZone(timezone: string): string {
  let valid = zoneCache.get(timezone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: timezone });
      valid = true;
    } catch {
      valid = false;
    }
    zoneCache.set(timezone, valid);
  }
  return valid ? timezone : "UTC";
}

function localDateKey(local: TZDate): string {
  const mm = String(local.getMonth() + 1).padStart(2, "0");
  const dd = String(local.getDate()).padStart(2, "0");
  return `${local.getFullYear()}-${mm}-${dd}`;
}

function weeklyEnd(range: WeeklyRange, local: TZDate, tz: string): Date | undefined {
  const now = local.getDay() * MINUTES_PER_DAY + local.getHours() * 60 + local.getMinutes();
  const inside =
    range.start < range.end
      ? now >= range.start && now < range.end
      : range.start > range.end && (now >= range.start || now < range.end);
  if (!inside) return undefined;
  const ahead = (range.end - now + MINUTES_PER_WEEK) % MINUTES_PER_WEEK || MINUTES_PER_WEEK;
  const days = Math.floor((now + ahead) / MINUTES_PER_DAY) - Math.floor(now / MINUTES_PER_DAY);
  const endMinute = range.end % MINUTES_PER_DAY;
  // Built from local calendar fields, so a DST change inside the window does not shift the end.
  return new Date(
    new TZDate(
      local.getFullYear(),
      local.getMonth(),
      local.getDate() + days,
      Math.floor(endMinute / 60),
      endMinute % 60,
      tz,
    ).getTime(),
  );
}

/** `YYYY-MM-DD` (a whole day) or `YYYY-MM-DDTHH:MM`, as a local instant; `endOfDay` moves a date to its end. */
function localInstant(text: string, tz: string, endOfDay: boolean): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m;
  const whole = h === undefined || mi === undefined;
  const day = Number(d) + (whole && endOfDay ? 1 : 0);
  return new TZDate(
    Number(y),
    Number(mo) - 1,
    day,
    whole ? 0 : Number(h),
    whole ? 0 : Number(mi),
    tz,
  ).getTime();
}

function datedEnd(from: string, to: string, now: Date, tz: string): Date | undefined {
  const start = localInstant(from, tz, false);
  const end = localInstant(to, tz, true);
  if (start === undefined || end === undefined || Number.isNaN(start) || Number.isNaN(end)) return undefined;
  const t = now.getTime();
  return t >= start && t < end ? new Date(end) : undefined;
}

function endOf(window: FreezeWindow, local: TZDate, tz: string): Date | undefined {
  if (window.kind === "dated") return datedEnd(window.from, window.to, local, tz);
  const range = parseWeeklySpec(window.spec);
  return range && weeklyEnd(range, local, tz);
}

/** The active window that ends last, or undefined when no window covers `now`. */
export function activeFreeze(
  windows: readonly FreezeWindow[],
  timezone: string,
  now: Date,
): ActiveFreeze | undefined {
  const tz = safeTimeZone(timezone);
  const local = new TZDate(now.getTime(), tz);
  let best: ActiveFreeze | undefined;
  for (const window of windows) {
    const endsAt = endOf(window, local, tz);
    if (endsAt && (best === undefined || endsAt > best.endsAt)) best = { window, endsAt };
  }
  return best;
}

/**
 * When promotions may resume: windows that touch or overlap (a holiday range running into a
 * weekly freeze) are followed until none is active. Undefined when not frozen at `now`.
 */
export function nextFreezeEnd(
  windows: readonly FreezeWindow[],
  timezone: string,
  now: Date,
): Date | undefined {
  let end: Date | undefined;
  let at = now;
  // Bounded: each step moves forward to a window's end, and there are few windows.
  for (let step = 0; step <= windows.length; step++) {
    const active = activeFreeze(windows, timezone, at);
    if (!active) return end;
    end = active.endsAt;
    at = active.endsAt;
  }
  return end;
}

/** `Mon 09:00` within the coming week, `Sun 2027-01-03 00:00` beyond it; local to `timezone`. */
export function formatLocalMoment(at: Date, timezone: string, now: Date): string {
  const tz = safeTimeZone(timezone);
  const local = new TZDate(at.getTime(), tz);
  const time = `${String(local.getHours()).padStart(2, "0")}:${String(local.getMinutes()).padStart(2, "0")}`;
  const day = WEEKDAYS[local.getDay()] ?? "";
  const soon = at.getTime() - now.getTime() < 6 * 86_400_000;
  return soon ? `${day} ${time}` : `${day} ${localDateKey(local)} ${time}`;
}

export function describeWindow(window: FreezeWindow): string {
  if (window.reason) return window.reason;
  return window.kind === "weekly" ? `weekly freeze ${window.spec}` : `freeze ${window.from} – ${window.to}`;
}

const HOUR_MS = 3_600_000;

/**
 * A dated window's local date-time that a daylight-saving change skips or repeats, said plainly,
 * or undefined for an ordinary one (and for a whole date). Such a time is still read (as the
 * time after the gap, or the first of the two), but a person writing 03:30 on the night clocks
 * jump from 03:00 to 04:00 meant something the file cannot say.
 */
export function localTimeNote(text: string, tz: string): string | undefined {
  const m = DATE.exec(text);
  if (!m || m[4] === undefined || m[5] === undefined) return undefined;
  const [, y, mo, d, h, mi] = m;
  const at = new TZDate(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), tz).getTime();
  const wallClock = (ms: number) => {
    const local = new TZDate(ms, tz);
    return `${String(local.getHours()).padStart(2, "0")}:${String(local.getMinutes()).padStart(2, "0")}`;
  };
  const written = `${h}:${mi}`;
  if (wallClock(at) !== written)
    return `${text} does not exist in ${tz} (the clocks skip it): read as ${wallClock(at)}`;
  if (wallClock(at + HOUR_MS) === written)
    return `${text} happens twice in ${tz} (the clocks go back): read as the first`;
  return undefined;
}
