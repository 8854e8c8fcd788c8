// A date and time as people type it on a phone, read as Beijing time: 「明天下午5点」「12月20日18:00」
// 「2026-12-20 18:00」「后天上午九点半」「下周五晚上8点」「今晚十点」「明早9点」「12.20 18点」「20号下午6点」
// 「3天后下午5点」「后天中午」. A clock time alone means today. A month and day without a year that has
// passed this year means next year; a day of the month alone (「20号」) that has passed, next month's.
//
// readBeijingDateTime says what kind of answer it was: a full date and time; a day only (「12月20日」
// 「三天后」「下周五」「月底」: the caller decides which time, and says so); or a day with a part of it
// but no clock time (「明天下午」: the caller asks which hour). parseBeijingDateTime keeps only the first.
import { parseChineseNumber } from '../knowledge/numerals.ts';
import { toHalfWidth } from '../application/normalize.ts';
import { beijingFields, beijingInstant } from './beijing.ts';

const DAY_MS = 86_400_000;
const NUM = '[0-9零〇一二两三四五六七八九十]{1,3}';
const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 0, 天: 0 };
/** With an explicit offset (the YAML form): taken as written. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})$/;
/** The parts of a day, longest first. */
const PART = '上午|早上|早晨|清晨|凌晨|中午|下午|傍晚|晚上|晚间|夜里|夜间|早|晚';
/** Words after a time that add nothing: 「前」「截止」「开始」. */
const TAIL = /(?:之前|以前|前|为止|截止|截至|结束|开始|投票)$/;
const stripTail = (text: string): string => {
  let s = text;
  for (let i = 0; i < 3 && TAIL.test(s); i += 1) s = s.replace(TAIL, '');
  return s;
};

const num = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : parseChineseNumber(text.replace(/^0+(?=\d)/, ''));

export type BeijingDay = { year: number; month: number; day: number };

export type BeijingReading =
  /** A date and a clock time. */
  | { kind: 'time'; at: Date }
  /** A day without a time of day. */
  | { kind: 'day'; day: BeijingDay }
  /** A day and a part of it without the hour: 「明天下午」. */
  | { kind: 'vague'; day: BeijingDay; part: string };

/** The day `days` after the Beijing day of `now`. */
function shiftDay(now: Date, days: number): BeijingDay {
  const { year, month, day } = beijingFields(new Date(now.getTime() + days * DAY_MS));
  return { year, month, day };
}

const isDay = (d: BeijingDay): boolean => beijingInstant(d.year, d.month, d.day) !== undefined;

function dayPart(text: string, now: Date): { day: BeijingDay; rest: string } | undefined {
  const today = beijingFields(now);
  let m = new RegExp(`^(\\d{4})\\s*[-/.年]\\s*(${NUM})\\s*[-/.月]\\s*(${NUM})\\s*[日号]?`).exec(text);
  if (m) {
    const [year, month, day] = [Number(m[1]), num(m[2]), num(m[3])];
    return month && day ? { day: { year, month, day }, rest: text.slice(m[0].length) } : undefined;
  }
  // 12月20日, 12/20, 12.20, 12-20 (not 12.5 of a share nor 12:20 of a clock).
  m = new RegExp(`^(${NUM})\\s*(?:月\\s*(${NUM})\\s*[日号]?|[/.-]\\s*(\\d{1,2})(?![:.\\d]))`).exec(text);
  if (m) {
    const [month, day] = [num(m[1]), num(m[2] ?? m[3])];
    if (!month || !day) return undefined;
    const passed = month < today.month || (month === today.month && day < today.day);
    return { day: { year: today.year + (passed ? 1 : 0), month, day }, rest: text.slice(m[0].length) };
  }
  // 3天后, 三天以后, 一周后, 两个星期后.
  m = new RegExp(`^(${NUM}|半)\\s*(?:个)?(天|日|周|星期|礼拜)(?:之后|以后|后)`).exec(text);
  if (m) {
    const n = m[1] === '半' ? undefined : num(m[1]);
    if (n === undefined || n > 366) return undefined;
    return { day: shiftDay(now, /天|日/.test(m[2]!) ? n : 7 * n), rest: text.slice(m[0].length) };
  }
  m = /^(今天|今日|今晚|今早|明天|明日|明晚|明早|明晨|后天|大后天|昨天|昨晚|前天)/.exec(text);
  if (m) {
    const word = m[1]!;
    // 昨天 and 前天 are read too: the caller says they have passed rather than 「没看懂」.
    const offset = { 今: 0, 明: 1, 后: 2, 大: 3, 昨: -1, 前: -2 }[word[0] as '今']!;
    // 今晚 / 明早 carry their part of the day.
    const part = word.endsWith('晚') ? '晚上' : /[早晨]$/.test(word) ? '早上' : '';
    return { day: shiftDay(now, offset), rest: part + text.slice(m[0].length) };
  }
  // 20号, 20日: this month's, or next month's when it has passed.
  m = new RegExp(`^(${NUM})\\s*[日号]`).exec(text);
  if (m) {
    const day = num(m[1]);
    if (!day || day > 31) return undefined;
    let { year, month } = today;
    if (day < today.day) [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
    return { day: { year, month, day }, rest: text.slice(m[0].length) };
  }
  m = /^(本|这个?|下个?)?月(底|末)/.exec(text);
  if (m) {
    const next = m[1]?.startsWith('下') ?? false;
    const [year, month] = next
      ? today.month === 12
        ? [today.year + 1, 1]
        : [today.year, today.month + 1]
      : [today.year, today.month];
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return { day: { year, month, day: last }, rest: text.slice(m[0].length) };
  }
  m = /^(下下|下个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天1-7])/.exec(text);
  if (m) {
    const target = /\d/.test(m[2]!) ? Number(m[2]) % 7 : WEEKDAY[m[2]!]!;
    // Weeks start on Monday: 周日 is the last day of its week.
    const monIndex = (d: number) => (d + 6) % 7;
    const weeks = m[1]?.startsWith('下下') ? 2 : m[1]?.startsWith('下') ? 1 : 0;
    let offset = monIndex(target) - monIndex(today.weekday) + 7 * weeks;
    if (weeks === 0 && offset < 0) offset += 7;
    return { day: shiftDay(now, offset), rest: text.slice(m[0].length) };
  }
  return undefined;
}

function timePart(text: string): { hour: number; minute: number } | { part: string } | undefined {
  const s = stripTail(text.replace(/\s+/g, ''));
  if (s === '中午') return { hour: 12, minute: 0 };
  if (new RegExp(`^(?:${PART})$`).test(s)) return { part: s };
  const m = new RegExp(`^(${PART})?(${NUM})(?:[:：.](\\d{2})分?|[点时]钟?(?:(半)|(${NUM})分?|(整))?)$`).exec(s);
  if (!m) return undefined;
  let hour = num(m[2]);
  const minute = m[4] ? 30 : m[3] !== undefined ? Number(m[3]) : (num(m[5]) ?? 0);
  if (hour === undefined || minute > 59) return undefined;
  const part = m[1];
  // 晚上12点 is midnight at the end of that day: the last minute of it.
  if (part && /晚|夜/.test(part) && hour === 12 && minute === 0) return { hour: 23, minute: 59 };
  if (part && /下午|傍晚|晚|夜/.test(part) && hour < 12) hour += 12;
  else if (part === '中午' && hour < 6) hour += 12;
  else if (part && /上午|早|凌晨|清晨/.test(part) && hour === 12) hour = 0;
  if (hour === 24 && minute === 0) return { hour: 23, minute: 59 };
  return hour <= 23 ? { hour, minute } : undefined;
}

/** What a typed date and time says, or undefined when it is not understood. */
export function readBeijingDateTime(input: string, now: Date): BeijingReading | undefined {
  const text = toHalfWidth(input)
    .trim()
    .replace(/(?<![。.!！])[。.!！]+$/, '')
    .replace(/^(北京时间|截止到?|截至|到|至|在)\s*/, '');
  if (ISO_WITH_OFFSET.test(text)) {
    const d = new Date(text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(d.getTime()) ? undefined : { kind: 'time', at: d };
  }
  // 2小时后, 半小时后, 30分钟后: from now, to the next whole minute.
  const later = new RegExp(`^(${NUM}|半)\\s*(?:个\\s*)?(小时|钟头|分钟)(?:之后|以后|后)$`).exec(text);
  if (later) {
    const n = later[1] === '半' ? 0.5 : num(later[1]);
    if (n === undefined || (later[2] === '分钟' && later[1] === '半')) return undefined;
    const ms = n * (later[2] === '分钟' ? 60_000 : 3_600_000);
    return { kind: 'time', at: new Date(Math.ceil((now.getTime() + ms) / 60_000) * 60_000) };
  }
  const found = dayPart(text, now);
  if (found && !isDay(found.day)) return undefined;
  const day = found?.day ?? beijingFields(now);
  const rest = (found?.rest ?? text).replace(/^[\s,，的T]+/, '');
  if (found && stripTail(rest) === '') return { kind: 'day', day };
  const time = timePart(rest);
  if (!time) return undefined;
  if ('part' in time) return found ? { kind: 'vague', day, part: time.part } : undefined;
  const at = beijingInstant(day.year, day.month, day.day, time.hour, time.minute);
  return at ? { kind: 'time', at } : undefined;
}

/** A date with a clock time, as an instant; undefined for anything else (a day alone is ambiguous). */
export function parseBeijingDateTime(input: string, now: Date): Date | undefined {
  const read = readBeijingDateTime(input, now);
  return read?.kind === 'time' ? read.at : undefined;
}
