// The lock period read from the charter's wording (第十九条 除名, 第二十条 退出): the ways an article may
// state it, the wordings that state none (or two) and fall back to the seed charter's period, and the
// end date of a lock.
import { describe, expect, it, vi } from 'vitest';
import {
  lockEnd,
  lockPeriod,
  parseLockPeriod,
  periodText,
  SEED_LOCK,
  storedPeriod,
} from '../../src/membership/lock-period.ts';
import { loadCorpus } from '../../src/knowledge/corpus.ts';
import { articleFinder } from '../../src/congress/articles.ts';
import { formatBeijingDateTime } from '../../src/time/beijing.ts';

const SEED_19 =
  '联盟成员违反联盟章程及有关协议、规约，或一年以上不履行义务，情节严重的，经秘书处核实，提交成员大会审议决定除名。联盟成员除名后两年内不得申请重新加入联盟。';
const with19 = (period: string) => SEED_19.replace('两年', period);
const months = (text: string) => parseLockPeriod(text)?.months;

describe('parseLockPeriod', () => {
  it('reads the seed charter: 第十九条 and 第二十条 both say what SEED_LOCK says', () => {
    const find = articleFinder(loadCorpus('knowledge').charter);
    expect(parseLockPeriod(find('第十九条')!.text)).toEqual(SEED_LOCK);
    expect(parseLockPeriod(find('第二十条')!.text)).toEqual(SEED_LOCK);
    expect(periodText(SEED_LOCK)).toBe('两年');
  });

  it.each([
    ['两年', 24],
    ['三年', 36],
    ['二年', 24],
    ['2年', 24],
    ['2 年', 24],
    ['２年', 24],
    ['十年', 120],
    ['一年半', 18],
    ['半年', 6],
    ['十二个月', 12],
    ['18个月', 18],
    ['六 个 月', 6],
    ['三周年', 36],
    ['两年零六个月', 30],
    ['1年6个月', 18],
  ])('%s内不得申请 → %i months', (period, expected) => {
    expect(months(with19(period))).toBe(expected);
  });

  it('reads the other ways a lock is worded', () => {
    expect(months('一经退出，三年以内，不得申请重新加入联盟。')).toBe(36);
    expect(months('除名后三年之内该单位不得再次申请。')).toBe(36);
    expect(months('除名的成员不得在三年内申请重新加入。')).toBe(36);
    expect(months('除名的成员满三年后方可重新申请加入。')).toBe(36);
    expect(months('除名的成员三年后方可重新申请加入。')).toBe(36);
    expect(months('退出三年后可重新申请加入。')).toBe(36);
    expect(months('除名后10年內不得申請重新加入聯盟。')).toBe(120);
    expect(months('退出后两年内不予受理其入盟申请。')).toBe(24);
    // The same period said twice is one period.
    expect(months('两年内不得申请；两年内亦不得以其他单位名义申请。')).toBe(24);
  });

  it('is not fooled by other periods in the article', () => {
    // 一年以上不履行义务 is a period, not a lock; with the lock sentence gone nothing is read.
    expect(parseLockPeriod(SEED_19.replace('联盟成员除名后两年内不得申请重新加入联盟。', ''))).toBeUndefined();
    expect(months(with19('三年'))).toBe(36);
    // The amended-note's date and 经批准后方可退出 say nothing of a lock.
    expect(parseLockPeriod('（第十九条 经成员大会第3号表决修订，自 2026年12月7日 起施行。）')).toBeUndefined();
    expect(parseLockPeriod('成员可自愿退出联盟，经批准后方可退出。')).toBeUndefined();
  });

  it.each([
    ['two different periods (ambiguous)', '除名后两年内不得申请，情节特别严重的三年内不得申请。'],
    ['零年', with19('零年')],
    ['a misread year (2026年内)', '2026年内不得申请重新加入联盟。'],
    ['a period in days', '除名后九十天内不得申请。'],
    ['a period without 内 (三年以上)', '除名三年以上的单位不得申请。'],
    ['a lock for ever', '联盟成员除名后不得再申请加入联盟。'],
    ['nothing', ''],
    ['not Chinese at all', 'lorem ipsum 12345'],
  ])('refuses %s', (_what, text) => {
    expect(parseLockPeriod(text)).toBeUndefined();
  });
});

describe('periodText', () => {
  it.each([
    [24, '两年'],
    [36, '三年'],
    [12, '一年'],
    [6, '半年'],
    [18, '一年半'],
    [30, '两年半'],
    [9, '九个月'],
    [2, '两个月'],
    [20, '二十个月'],
  ])('%i months → %s', (n, text) => {
    expect(periodText({ months: n })).toBe(text);
  });
});

describe('lockEnd and storedPeriod', () => {
  it('ends on the same Beijing wall-clock time, a leap day running over into March', () => {
    const leftAt = new Date('2028-02-29T02:00:00Z'); // 10:00 Beijing
    expect(formatBeijingDateTime(lockEnd(leftAt, { months: 24 }))).toBe(
      formatBeijingDateTime(new Date('2030-03-01T02:00:00Z')),
    );
    expect(lockEnd(leftAt, { months: 36 }).toISOString()).toBe('2031-03-01T02:00:00.000Z');
    // 23:30 on 31 December in Beijing is already the next day's year-end in UTC terms.
    expect(lockEnd(new Date('2026-12-31T15:30:00Z'), { months: 6 }).toISOString()).toBe('2027-07-01T15:30:00.000Z');
  });

  it('gives back the period a stored lock was set with, and none for a date set by hand', () => {
    const leftAt = new Date('2026-12-07T03:00:00Z');
    for (const n of [6, 12, 18, 24, 36])
      expect(storedPeriod(leftAt, lockEnd(leftAt, { months: n }))).toEqual({ months: n });
    expect(storedPeriod(leftAt, new Date(leftAt.getTime() + 700 * 86_400_000))).toBeUndefined();
    expect(storedPeriod(leftAt, leftAt)).toBeUndefined();
  });
});

describe('lockPeriod (the article as published now)', () => {
  const services = (text: string | undefined | Error) => {
    const warn = vi.fn();
    return {
      warn,
      services: {
        log: { warn } as never,
        currentArticle: async (label: string) => {
          if (text instanceof Error) throw text;
          return text === undefined ? undefined : { label, text };
        },
      },
    };
  };

  it('reads 第十九条 for an expulsion and 第二十条 for a withdrawal', async () => {
    const asked: string[] = [];
    const s = {
      log: { warn: vi.fn() } as never,
      currentArticle: async (label: string) => {
        asked.push(label);
        return { label, text: label === '第十九条' ? with19('三年') : '一经退出，两年内不得申请重新加入联盟。' };
      },
    };
    expect(await lockPeriod(s, 'expelled')).toEqual({ months: 36 });
    expect(await lockPeriod(s, 'withdrawn')).toEqual({ months: 24 });
    expect(asked).toEqual(['第十九条', '第二十条']);
  });

  it.each([
    ['unreadable wording', '联盟成员除名后不得再申请加入联盟。'],
    ['a missing article', undefined],
    ['a failing read', new Error('connection lost')],
  ])('falls back to the seed period on %s, with a warning', async (_what, text) => {
    const { services: s, warn } = services(text);
    expect(await lockPeriod(s, 'expelled')).toEqual(SEED_LOCK);
    expect(warn).toHaveBeenCalledOnce();
  });
});
