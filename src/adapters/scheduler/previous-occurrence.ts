/**
 * The most recent time at or before `now` that a node-cron expression fires, in a time zone.
 * node-cron 4 only looks forward (getNextRun), and the start-up catch-up (SPEC §6) needs the
 * slot that was missed. Candidates come from node-cron's own `parse`; node-cron's own matcher
 * (`ScheduledTask.match`) confirms each one, so day-of-month/`L`/`#` rules are never re-implemented.
 */
import { TZDate } from "@date-fns/tz";
import cron from "node-cron";

export type CronMatcher = (date: Date) => boolean;

const desc = (values: readonly number[]) => [...values].sort((a, b) => b - a);

function calendarDay(year: number, month: number, day: number, back: number) {
  const d = new Date(Date.UTC(year, month, day - back));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth(), day: d.getUTCDate() };
}

export function previousOccurrence(
  expression: string,
  timezone: string,
  now: Date,
  matches: CronMatcher,
  maxDays = 366 * 5,
): Date | undefined {
  const fields = cron.parse(expression);
  const hours = desc(fields.hour);
  const minutes = desc(fields.minute);
  const seconds = desc(fields.second);
  const nowMs = Math.floor(now.getTime() / 1000) * 1000;
  const local = new TZDate(nowMs, timezone);
  const start = { year: local.getFullYear(), month: local.getMonth(), day: local.getDate() };
  const at = (d: { year: number; month: number; day: number }, h: number, m: number, s: number) =>
    new TZDate(d.year, d.month, d.day, h, m, s, timezone).getTime();
  for (let back = 0; back <= maxDays; back++) {
    const day = calendarDay(start.year, start.month, start.day, back);
    const latest = at(day, hours[0] ?? 0, minutes[0] ?? 0, seconds[0] ?? 0);
    // NOTE: a day whose latest slot is in the past and does not match fails on its date fields,
    // so every other slot of it fails too; skipping it keeps sparse schedules cheap.
    if (latest <= nowMs && !matches(new Date(latest))) continue;
    for (const h of hours) {
      for (const m of minutes) {
        for (const s of seconds) {
          const ts = at(day, h, m, s);
          if (ts <= nowMs && matches(new Date(ts))) return new Date(ts);
        }
      }
    }
  }
  return undefined;
}
