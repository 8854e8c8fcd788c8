// Beijing time (北京时间, Asia/Shanghai): UTC+8 all year, no daylight saving since 1991. Every
// deadline, date and clock time a person reads is in Beijing time; this is the one place that turns
// an instant into a Beijing calendar day or wall-clock time and back. The process's own time zone
// (TZ) never matters: the arithmetic is on UTC fields of an instant shifted by eight hours.

/** The IANA name, for libraries that take one (cron schedules, Intl). */
export const BEIJING_TZ = 'Asia/Shanghai';

const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The instant shifted so that its UTC fields read as Beijing wall-clock time. */
const wall = (date: Date): Date => new Date(date.getTime() + OFFSET_MS);
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The Beijing calendar year of an instant (e.g. for `LM-2026-0007`). */
export const beijingYear = (date: Date): number => wall(date).getUTCFullYear();

/** The Beijing calendar day of an instant, `YYYY-MM-DD`. */
export function beijingDay(date: Date): string {
  const b = wall(date);
  return `${pad(b.getUTCFullYear(), 4)}-${pad(b.getUTCMonth() + 1)}-${pad(b.getUTCDate())}`;
}

/** 00:00 Beijing time of the day the instant falls on (16:00 UTC the day before). */
export function startOfBeijingDay(date: Date): Date {
  const b = wall(date).getTime();
  return new Date(b - (((b % DAY_MS) + DAY_MS) % DAY_MS) - OFFSET_MS);
}

/** The last millisecond (23:59:59.999) of the Beijing day the instant falls on. */
export const endOfBeijingDay = (date: Date): Date => new Date(startOfBeijingDay(date).getTime() + DAY_MS - 1);

/**
 * `YYYY-MM-DD` read as a Beijing calendar day: its first and last millisecond. Undefined for
 * anything else, including dates that do not exist (2026-02-30).
 */
export function parseBeijingDay(text: string): { startsAt: Date; endsAt: Date } | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [y, m, d] = match.slice(1).map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  const check = new Date(utcMidnight);
  // Date.UTC maps years 0–99 to 1900–1999; such dates are not days anyone means here either.
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined;
  const startsAt = new Date(utcMidnight - OFFSET_MS);
  return { startsAt, endsAt: new Date(startsAt.getTime() + DAY_MS - 1) };
}

/** `2026年1月15日` */
export function formatBeijingDate(date: Date): string {
  const b = wall(date);
  return `${b.getUTCFullYear()}年${b.getUTCMonth() + 1}月${b.getUTCDate()}日`;
}

/** `YYYY-MM-DD` (a Beijing calendar day, as configured) → `2019年9月26日`; other text is returned as is. */
export function formatBeijingDayText(day: string): string {
  const parsed = parseBeijingDay(day);
  return parsed ? formatBeijingDate(parsed.startsAt) : day;
}

/** `2026年1月15日 09:00` */
export function formatBeijingDateTime(date: Date): string {
  const b = wall(date);
  return `${formatBeijingDate(date)} ${pad(b.getUTCHours())}:${pad(b.getUTCMinutes())}`;
}

/** `1/15 09:00` — compact, for a deadline under a card's options (WeChat text cards). */
export function formatBeijingShort(date: Date): string {
  return date.toLocaleString('zh-CN', {
    timeZone: BEIJING_TZ,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * The same Beijing wall-clock time `years` later (a lockout of two years). 29 February goes to
 * 1 March in a year without one.
 */
export function addBeijingYears(date: Date, years: number): Date {
  return addBeijingMonths(date, 12 * years);
}

/**
 * The same Beijing wall-clock time `months` later (a lockout of 18 months). As with years, a day the
 * target month does not have runs over into the next (31 August + 6 months → 3 March).
 */
export function addBeijingMonths(date: Date, months: number): Date {
  const b = wall(date);
  b.setUTCMonth(b.getUTCMonth() + months);
  return new Date(b.getTime() - OFFSET_MS);
}

/** The instant of a Beijing wall-clock time; undefined when the date or time does not exist. */
export function beijingInstant(year: number, month: number, day: number, hour = 0, minute = 0): Date | undefined {
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return undefined;
  return new Date(utc - OFFSET_MS);
}

/** The Beijing wall-clock fields of an instant. */
export function beijingFields(date: Date): { year: number; month: number; day: number; weekday: number } {
  const b = wall(date);
  return { year: b.getUTCFullYear(), month: b.getUTCMonth() + 1, day: b.getUTCDate(), weekday: b.getUTCDay() };
}

/** `2026-12-20T18:00:00+08:00`: an instant written in Beijing time with its offset. */
export function isoBeijing(date: Date): string {
  const b = wall(date);
  return `${beijingDay(date)}T${pad(b.getUTCHours())}:${pad(b.getUTCMinutes())}:${pad(b.getUTCSeconds())}+08:00`;
}

const WEEKDAY_NAMES = ['日', '一', '二', '三', '四', '五', '六'];

/** `2026年12月18日（周五）17:00`: a time someone must act by, with its weekday. */
export function formatBeijingDateTimeWeekday(date: Date): string {
  const b = wall(date);
  return `${formatBeijingDate(date)}（周${WEEKDAY_NAMES[b.getUTCDay()]}）${pad(b.getUTCHours())}:${pad(b.getUTCMinutes())}`;
}
