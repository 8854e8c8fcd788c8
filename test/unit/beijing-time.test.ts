// Beijing time at its edges: 16:00 UTC is midnight in Beijing, the year turns eight hours before it
// does in UTC, and there is no daylight saving. The process's own zone must not matter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addBeijingYears,
  beijingDay,
  beijingYear,
  endOfBeijingDay,
  formatBeijingDate,
  formatBeijingDateTime,
  formatBeijingDayText,
  formatBeijingShort,
  parseBeijingDay,
  startOfBeijingDay,
} from '../../src/time/beijing.ts';
import { chineseDate, resolveDeadline } from '../../src/application/notice.ts';
import { loadConfig } from '../../src/config.ts';

const at = (iso: string) => new Date(iso);

describe.each(['UTC', 'America/New_York', 'Asia/Shanghai'])('Beijing time with the process in %s', (zone) => {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.TZ;
    process.env.TZ = zone;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('16:00 UTC is midnight in Beijing: the day turns there', () => {
    expect(beijingDay(at('2026-03-10T15:59:59.999Z'))).toBe('2026-03-10');
    expect(beijingDay(at('2026-03-10T16:00:00.000Z'))).toBe('2026-03-11');
    expect(startOfBeijingDay(at('2026-03-10T16:00:00.000Z')).toISOString()).toBe('2026-03-10T16:00:00.000Z');
    expect(startOfBeijingDay(at('2026-03-10T15:59:59.999Z')).toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(endOfBeijingDay(at('2026-03-10T03:00:00Z')).toISOString()).toBe('2026-03-10T15:59:59.999Z');
    expect(formatBeijingDateTime(at('2026-03-10T16:00:00Z'))).toBe('2026年3月11日 00:00');
    expect(formatBeijingDateTime(at('2026-03-10T15:59:00Z'))).toBe('2026年3月10日 23:59');
  });

  it('the year ends eight hours earlier than in UTC', () => {
    expect(beijingYear(at('2026-12-31T15:59:59.999Z'))).toBe(2026);
    expect(beijingYear(at('2026-12-31T16:00:00.000Z'))).toBe(2027);
    expect(formatBeijingDate(at('2026-12-31T16:00:00Z'))).toBe('2027年1月1日');
    expect(beijingDay(at('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });

  it('has no daylight saving: every day is 24 hours, summer and winter alike', () => {
    for (const day of ['2026-01-15', '2026-03-29', '2026-07-01', '2026-10-25', '2026-11-01']) {
      const { startsAt, endsAt } = parseBeijingDay(day)!;
      expect(endsAt.getTime() - startsAt.getTime()).toBe(86_400_000 - 1);
      expect(startsAt.getUTCHours()).toBe(16);
    }
  });

  it('reads YYYY-MM-DD as a Beijing day and refuses days that do not exist', () => {
    expect(parseBeijingDay('2019-09-26')).toEqual({
      startsAt: at('2019-09-25T16:00:00.000Z'),
      endsAt: at('2019-09-26T15:59:59.999Z'),
    });
    expect(parseBeijingDay('2028-02-29')?.startsAt.toISOString()).toBe('2028-02-28T16:00:00.000Z');
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-1-5', '26/09/2019', '', 'none'])
      expect(parseBeijingDay(bad)).toBeUndefined();
    expect(formatBeijingDayText('2019-09-26')).toBe('2019年9月26日');
  });

  it('the application deadline lasts to the end of its Beijing day', () => {
    const facts = { noticeDeadline: '2019-09-26', howToApply: '', contact: '', conditions: [] };
    expect(resolveDeadline(undefined, facts)?.endsAt.toISOString()).toBe('2019-09-26T15:59:59.999Z');
    expect(resolveDeadline('2026-12-31', facts)?.endsAt.toISOString()).toBe('2026-12-31T15:59:59.999Z');
    expect(chineseDate('2019-09-26')).toBe('2019年9月26日');
    expect(chineseDate(at('2019-09-25T16:30:00Z'))).toBe('2019年9月26日');
    expect(() => loadConfig({ APPLICATION_DEADLINE: '2026-02-30' })).toThrow(/APPLICATION_DEADLINE/);
    expect(loadConfig({ APPLICATION_DEADLINE: '2028-02-29' }).application.deadline).toBe('2028-02-29');
  });

  it('adds years on the Beijing calendar', () => {
    expect(addBeijingYears(at('2026-05-01T02:00:00Z'), 2).toISOString()).toBe('2028-05-01T02:00:00.000Z');
    // 29 February 2028, 07:00 in Beijing (still 28 February in UTC) → 1 March 2030 in Beijing.
    expect(formatBeijingDateTime(addBeijingYears(at('2028-02-28T23:00:00Z'), 2))).toBe('2030年3月1日 07:00');
  });

  it('writes the short deadline of a WeChat card in Beijing time', () => {
    expect(formatBeijingShort(at('2026-01-14T16:05:00Z'))).toBe('1/15 00:05');
  });
});
