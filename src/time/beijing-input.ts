// A date and time as people type it on a phone, read as Beijing time: 「明天下午5点」「12月20日18:00」
// 「2026-12-20 18:00」「后天上午九点半」「下周五晚上8点」「今晚十点」. A date needs a clock time (a deadline
// of "12月20日" is ambiguous); a clock time alone means today. A month and day without a year that has
// passed this year means next year. Undefined for anything not understood.
import { parseChineseNumber } from '../knowledge/numerals.ts';
import { toHalfWidth } from '../application/normalize.ts';
import { beijingFields, beijingInstant } from './beijing.ts';

const DAY_MS = 86_400_000;
const NUM = '[0-9零〇一二两三四五六七八九十]{1,3}';
const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 0, 天: 0 };
/** With an explicit offset (the YAML form): taken as written. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})$/;

const num = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : parseChineseNumber(text.replace(/^0+(?=\d)/, ''));

type Day = { year: number; month: number; day: number };

function dayPart(text: string, now: Date): { day: Day; rest: string } | undefined {
  const today = beijingFields(now);
  const shift = (days: number): Day => beijingFields(new Date(now.getTime() + days * DAY_MS));
  let m = new RegExp(`^(\\d{4})\\s*[-/.年]\\s*(${NUM})\\s*[-/.月]\\s*(${NUM})\\s*[日号]?`).exec(text);
  if (m) {
    const [year, month, day] = [Number(m[1]), num(m[2]), num(m[3])];
    return month && day ? { day: { year, month, day }, rest: text.slice(m[0].length) } : undefined;
  }
  m = new RegExp(`^(${NUM})\\s*(?:月\\s*(${NUM})\\s*[日号]?|/\\s*(\\d{1,2})(?![:\\d]))`).exec(text);
  if (m) {
    const [month, day] = [num(m[1]), num(m[2] ?? m[3])];
    if (!month || !day) return undefined;
    const passed = month < today.month || (month === today.month && day < today.day);
    return { day: { year: today.year + (passed ? 1 : 0), month, day }, rest: text.slice(m[0].length) };
  }
  m = /^(今天|今日|今晚|明天|明日|明晚|后天|大后天)/.exec(text);
  if (m) {
    const offset = { 今天: 0, 今日: 0, 今晚: 0, 明天: 1, 明日: 1, 明晚: 1, 后天: 2, 大后天: 3 }[m[1]!]!;
    // 今晚 / 明晚 carry their part of the day.
    const rest = (m[1]!.endsWith('晚') ? '晚上' : '') + text.slice(m[0].length);
    return { day: shift(offset), rest };
  }
  m = /^(下下|下个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天])/.exec(text);
  if (m) {
    const target = WEEKDAY[m[2]!]!;
    // Weeks start on Monday: 周日 is the last day of its week.
    const monIndex = (d: number) => (d + 6) % 7;
    const weeks = m[1]?.startsWith('下下') ? 2 : m[1]?.startsWith('下') ? 1 : 0;
    let offset = monIndex(target) - monIndex(today.weekday) + 7 * weeks;
    if (weeks === 0 && offset < 0) offset += 7;
    return { day: shift(offset), rest: text.slice(m[0].length) };
  }
  return undefined;
}

function timePart(text: string): { hour: number; minute: number } | undefined {
  const m = new RegExp(
    `^(上午|早上|早晨|凌晨|中午|下午|傍晚|晚上|晚间|夜里)?(${NUM})(?:[:：](\\d{2})|[点时](?:(半)|(${NUM})分?|(整))?)(?:前|之前|以前|为止|截止)?$`,
  ).exec(text.replace(/\s+/g, ''));
  if (!m) return undefined;
  let hour = num(m[2]);
  const minute = m[4] ? 30 : m[3] !== undefined ? Number(m[3]) : (num(m[5]) ?? 0);
  if (hour === undefined || minute > 59) return undefined;
  const part = m[1];
  // 晚上12点 is midnight at the end of that day: the last minute of it.
  if (part && /晚|夜/.test(part) && hour === 12 && minute === 0) return { hour: 23, minute: 59 };
  if (part && /下午|傍晚|晚|夜/.test(part) && hour < 12) hour += 12;
  else if (part === '中午' && hour < 6) hour += 12;
  else if (part && /上午|早|凌晨/.test(part) && hour === 12) hour = 0;
  if (hour === 24 && minute === 0) return { hour: 23, minute: 59 };
  return hour <= 23 ? { hour, minute } : undefined;
}

export function parseBeijingDateTime(input: string, now: Date): Date | undefined {
  const text = toHalfWidth(input)
    .trim()
    .replace(/(?<![。.!！])[。.!！]+$/, '')
    .replace(/^(北京时间|截止到?|截至|到|至)\s*/, '');
  if (ISO_WITH_OFFSET.test(text)) {
    const d = new Date(text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  const found = dayPart(text, now);
  const day = found?.day ?? beijingFields(now);
  const rest = (found?.rest ?? text).replace(/^[\s,，的T]+/, '');
  const time = timePart(rest);
  if (!time) return undefined;
  return beijingInstant(day.year, day.month, day.day, time.hour, time.minute);
}
