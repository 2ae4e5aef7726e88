/**
 * Period boundaries of a budget: calendar days, weeks (from Monday) and months at local midnight in an IANA
 * time zone (across daylight-saving changes), or fixed periods of `periodSeconds`. Pure and deterministic, so the
 * workflow computes them from workflow time.
 */
import type { BudgetSpec } from './contract.ts';

export interface Period {
  readonly start: number;
  readonly end: number;
}

interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** Monday 0 … Sunday 6. */
  readonly weekday: number;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false; // RangeError: the runtime has no such zone; the caller reports the config field
  }
}

function wallClock(t: number, timeZone: string): LocalDate & { hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  const n = (key: string) => Number(parts[key] ?? 0);
  return { year: n('year'), month: n('month'), day: n('day'), weekday: WEEKDAYS.indexOf(parts['weekday'] ?? 'Mon'), hour: n('hour'), minute: n('minute'), second: n('second') };
}

/** The zone's offset from UTC at instant `t`, in ms. */
function offsetAt(t: number, timeZone: string): number {
  const w = wallClock(t, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
}

/** The instant of local 00:00 on year-month-day (month 1-based; overflowing days and months roll over). */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day);
  const first = guess - offsetAt(guess, timeZone);
  return guess - offsetAt(first, timeZone);
}

/** The calendar period containing `now`. */
export function calendarPeriod(now: number, spec: Pick<BudgetSpec, 'period' | 'timeZone'>): Period {
  const { year, month, day, weekday } = wallClock(now, spec.timeZone);
  const tz = spec.timeZone;
  switch (spec.period) {
    case 'day': return { start: localMidnight(year, month, day, tz), end: localMidnight(year, month, day + 1, tz) };
    case 'week': return { start: localMidnight(year, month, day - weekday, tz), end: localMidnight(year, month, day - weekday + 7, tz) };
    case 'month': return { start: localMidnight(year, month, 1, tz), end: localMidnight(year, month + 1, 1, tz) };
  }
}

/** The first period of a budget whose workflow starts at `now`: the calendar one, or a fixed one starting now. */
export function firstPeriod(now: number, spec: BudgetSpec): Period {
  return spec.periodSeconds === null ? calendarPeriod(now, spec) : { start: now, end: now + spec.periodSeconds * 1000 };
}

/** The period after `previous` that contains `now` (fixed periods stay aligned to the first one). */
export function nextPeriod(previous: Period, now: number, spec: BudgetSpec): Period {
  if (spec.periodSeconds === null) return calendarPeriod(Math.max(now, previous.end), spec);
  const length = spec.periodSeconds * 1000;
  const start = previous.end + Math.max(0, Math.floor((now - previous.end) / length)) * length;
  return { start, end: start + length };
}

/** When the period resets, in the budget's zone: `00:00 Europe/Berlin`, `Mon 00:00 UTC`, `1 Dec 00:00 UTC`, `14:03:20 UTC`. */
export function describeReset(end: number, spec: Pick<BudgetSpec, 'period' | 'periodSeconds' | 'timeZone'>): string {
  const w = wallClock(end, spec.timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(w.hour)}:${two(w.minute)}`;
  if (spec.periodSeconds !== null) return `${time}:${two(w.second)} ${spec.timeZone}`;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  if (spec.period === 'week') return `${WEEKDAYS[w.weekday] ?? ''} ${time} ${spec.timeZone}`;
  if (spec.period === 'month') return `${w.day} ${months[w.month - 1] ?? ''} ${time} ${spec.timeZone}`;
  return `${time} ${spec.timeZone}`;
}
