/**
 * Freeze windows: `weekly: "Fri 16:00 - Mon 09:00"` and dated `{from: 2026-12-24, to: 2027-01-02}`.
 * Values are normalised here ("fri 16:00-mon 09:00" → "Fri 16:00 - Mon 09:00") so the evaluator
 * reads one spelling; times are wall-clock in the contract's timezone.
 */
import { z } from "zod";
import { expected, text } from "./contract-fields.js";
import { didYouMean } from "./suggest.js";

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
const WEEKLY = /^\s*([A-Za-z]+)\s+(\d{2}):(\d{2})\s*-\s*([A-Za-z]+)\s+(\d{2}):(\d{2})\s*$/;
const WEEKLY_HINT =
  'expected "Ddd HH:MM - Ddd HH:MM" (days Mon…Sun, 24-hour times), e.g. "Fri 16:00 - Mon 09:00"';

function weekday(word: string): string | undefined {
  return WEEKDAYS.find((day) => day.toLowerCase() === word.toLowerCase());
}

function clock(hours: string, minutes: string): string | undefined {
  return Number(hours) <= 23 && Number(minutes) <= 59 ? `${hours}:${minutes}` : undefined;
}

export const weeklySpec = z.string({ error: expected(WEEKLY_HINT) }).transform((value, ctx) => {
  const fail = (message: string) => {
    ctx.issues.push({ code: "custom", input: value, message });
    return z.NEVER;
  };
  const m = WEEKLY.exec(value);
  if (!m) return fail(`${WEEKLY_HINT}, got "${value}"`);
  const [, fromDay, fromH, fromM, toDay, toH, toM] = m as unknown as string[];
  for (const word of [fromDay!, toDay!]) {
    if (!weekday(word)) return fail(`unknown day "${word}"${didYouMean(word, WEEKDAYS)}; ${WEEKLY_HINT}`);
  }
  const start = clock(fromH!, fromM!);
  const end = clock(toH!, toM!);
  if (!start || !end) return fail(`times must be 00:00…23:59; ${WEEKLY_HINT}`);
  const spec = `${weekday(fromDay!)} ${start} - ${weekday(toDay!)} ${end}`;
  if (weekday(fromDay!) === weekday(toDay!) && start === end) {
    return fail(`"${value}" starts and ends at the same moment; give the window a length`);
  }
  return spec;
});

const DATE_HINT = "a date YYYY-MM-DD or a local date-time YYYY-MM-DDTHH:MM (in the contract's timezone)";
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/;

/**
 * Dates stay strings; YAML 1.1 loaders would hand us Date objects for unquoted dates, so those
 * are accepted too and written back as the date (or UTC date-time) they denote.
 */
export const freezeDate = z
  .union([z.string(), z.date()], { error: expected(DATE_HINT) })
  .transform((value, ctx) => {
    const normal = typeof value === "string" ? normaliseDate(value) : fromDate(value);
    if (normal !== undefined) return normal;
    ctx.issues.push({
      code: "custom",
      input: value,
      message: `expected ${DATE_HINT}, got "${String(value)}"`,
    });
    return z.NEVER;
  });

function normaliseDate(value: string): string | undefined {
  const m = DATE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (
    day.getUTCFullYear() !== Number(y) ||
    day.getUTCMonth() !== Number(mo) - 1 ||
    day.getUTCDate() !== Number(d)
  ) {
    return undefined;
  }
  if (h === undefined || mi === undefined) return `${y}-${mo}-${d}`;
  const time = clock(h, mi);
  return time === undefined ? undefined : `${y}-${mo}-${d}T${time}`;
}

function fromDate(value: Date): string | undefined {
  if (Number.isNaN(value.getTime())) return undefined;
  const iso = value.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 16);
}

/** A dated `to` covers its whole day, so `from: …T10:00, to: <same day>` is a valid window. */
function endKey(to: string): string {
  return to.length === 10 ? `${to}T24:00` : to;
}

export const freezeWindow = z
  .strictObject(
    {
      weekly: weeklySpec.optional(),
      from: freezeDate.optional(),
      to: freezeDate.optional(),
      reason: text.optional(),
    },
    {
      error: expected(
        'a freeze window: {weekly: "Fri 16:00 - Mon 09:00"} or {from: 2026-12-24, to: 2027-01-02}',
      ),
    },
  )
  .superRefine((window, ctx) => {
    const dated = window.from !== undefined || window.to !== undefined;
    if (window.weekly !== undefined && dated) {
      ctx.addIssue({
        code: "custom",
        message: "a freeze window is either weekly or dated (from/to), not both",
      });
    } else if (window.weekly === undefined && !dated) {
      ctx.addIssue({ code: "custom", message: "a freeze window needs weekly, or from and to" });
    } else if (dated && window.from === undefined) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "is required with to" });
    } else if (dated && window.to === undefined) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "is required with from" });
    } else if (window.from !== undefined && window.to !== undefined && window.from >= endKey(window.to)) {
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: `${window.to} must be after from (${window.from})`,
      });
    }
  });
