// How long a unit that left may not apply again, read from the charter as currently published (the
// wording Q&A answers from): 第十九条 for an expulsion (除名后两年内不得申请重新加入联盟), 第二十条 for a
// withdrawal (一经退出，两年内不得申请重新加入联盟). The congress may amend either article
// (第二十三条); whatever it says once published is what expel() and a withdrawal enforce and what
// every reply states. This module is the one place that reads the period.
import type { Services } from '../bot/services.ts';
import type { Tx } from '../delivery/outbox.ts';
import { addBeijingMonths } from '../time/beijing.ts';
import { chineseNumber, parseChineseNumber } from '../knowledge/numerals.ts';
import { toHalfWidth } from '../application/normalize.ts';

/** A lock period in whole months (两年 → 24, 半年 → 6, 十八个月 → 18). */
export type LockPeriod = { months: number };

/** Why a unit left, and the article that sets its lock. */
export type LeaveReason = 'expelled' | 'withdrawn';
export const LOCK_ARTICLES: Record<LeaveReason, string> = { expelled: '第十九条', withdrawn: '第二十条' };

/** The reason whose lock an article sets (第十九条 → expelled), undefined for other articles. */
export const lockReasonOf = (article: string): LeaveReason | undefined =>
  (Object.keys(LOCK_ARTICLES) as LeaveReason[]).find((r) => LOCK_ARTICLES[r] === article);

/**
 * The seed charter's period (第十九条 and 第二十条: 两年内不得申请), used when the published wording
 * cannot be read. A unit test reads knowledge/charter.md and checks both articles still say this.
 */
export const SEED_LOCK: LockPeriod = { months: 24 };

/** Periods outside this are a misreading (a year number, 零年), not a lock: refused. */
const MAX_MONTHS = 20 * 12;

const NUM = '[0-9零〇一二两三四五六七八九十]{1,4}';
/** 两年, 三年半, 两年零六个月, 半年, 2 年, 十二个月, 18个月, 三周年 (five groups). */
const PERIOD = `(?:(${NUM})\\s*周?年(?:(半)|[零又]?(${NUM})\\s*个\\s*月)?|(${NUM})\\s*个\\s*月|(半)\\s*年)`;
/** 内, and 內 as a pasted traditional-character text writes it. */
const INSIDE = '(?:以[内內]|之[内內]|[内內])';
const NOT = '(?:不得|不能|不可|不予|不再|禁止)';
const ONLY_THEN = '(?:方可|方能|才可|才能|可以|可)';
/**
 * A period worded as a lock: 两年内不得申请, 三年以内，不得…, 不得在两年内申请, 满三年后方可重新申请,
 * 两年后方可申请, 两年后可重新申请. Not 一年以上不履行义务 (a period, but not of a lock).
 */
const LOCK = new RegExp(
  [
    `${PERIOD}\\s*${INSIDE}[^。；;]{0,12}${NOT}`,
    `${NOT}\\s*在\\s*${PERIOD}\\s*${INSIDE}`,
    `满\\s*${PERIOD}(?:之后|以后|后)?\\s*${ONLY_THEN}`,
    `${PERIOD}\\s*(?:之后|以后|后)\\s*${ONLY_THEN}`,
  ].join('|'),
  'gu',
);

/** The months of one PERIOD match's groups (five per alternative), undefined when not a numeral. */
function monthsOf(groups: (string | undefined)[]): number | undefined {
  for (let i = 0; i + 4 < groups.length; i += 5) {
    const [years, half, extra, months, halfYear] = groups.slice(i, i + 5);
    if (years !== undefined) {
      const n = parseChineseNumber(years);
      const more = extra === undefined ? (half ? 6 : 0) : parseChineseNumber(extra);
      return n === undefined || more === undefined ? undefined : n * 12 + more;
    }
    if (months !== undefined) return parseChineseNumber(months);
    if (halfYear !== undefined) return 6;
  }
  return undefined;
}

/**
 * The lock period an article's wording states; undefined when it states none that can be read, or
 * two different ones (then the caller falls back and says so in the log).
 */
export function parseLockPeriod(text: string): LockPeriod | undefined {
  const found = new Set<number | undefined>();
  for (const m of toHalfWidth(text).matchAll(LOCK)) found.add(monthsOf(m.slice(1)));
  if (found.size !== 1) return undefined;
  const [months] = [...found];
  return months !== undefined && months >= 1 && months <= MAX_MONTHS ? { months } : undefined;
}

/** 两年, 三年, 一年半, 半年, 十八个月: the period the charter's way. */
export function periodText(period: LockPeriod): string {
  const { months } = period;
  const years = Math.floor(months / 12);
  const yearWord = (n: number) => (n === 2 ? '两' : chineseNumber(n));
  if (months % 12 === 0) return `${yearWord(years)}年`;
  if (months === 6) return '半年';
  if (months % 12 === 6) return `${yearWord(years)}年半`;
  return `${months === 2 ? '两' : chineseNumber(months)}个月`;
}

/** The day a lock of `period` starting at `from` ends (same Beijing wall-clock time). */
export const lockEnd = (from: Date, period: LockPeriod): Date => addBeijingMonths(from, period.months);

/**
 * The period a stored lock was given (leftAt → lockedUntil), for the words of a refusal: a unit
 * expelled under the two-year wording is told 两年 even after the charter says 三年. Undefined when
 * the two dates are not a whole number of months apart (a lock set by hand).
 */
export function storedPeriod(leftAt: Date, until: Date): LockPeriod | undefined {
  const approx = Math.round((until.getTime() - leftAt.getTime()) / (30.436875 * 86_400_000));
  for (const months of [approx - 1, approx, approx + 1])
    if (months >= 1 && lockEnd(leftAt, { months }).getTime() === until.getTime()) return { months };
  return undefined;
}

/**
 * The period the charter as published now sets for units that leave this way. Read at the moment of
 * the expulsion or withdrawal (inside its transaction when `tx` is given); unreadable wording falls
 * back to the seed charter's period with a warning — never an error.
 */
export async function lockPeriod(
  services: Pick<Services, 'currentArticle' | 'log'>,
  reason: LeaveReason,
  tx?: Tx,
): Promise<LockPeriod> {
  const label = LOCK_ARTICLES[reason];
  let text: string | undefined;
  try {
    text = (await services.currentArticle(label, tx))?.text;
  } catch (error) {
    services.log.warn({ err: error, article: label }, 'could not read the article; the seed lock period applies');
    return SEED_LOCK;
  }
  const period = text === undefined ? undefined : parseLockPeriod(text);
  if (period) return period;
  services.log.warn(
    { article: label, text, fallback: periodText(SEED_LOCK) },
    'the article states no readable lock period; the seed charter period applies',
  );
  return SEED_LOCK;
}
