// Dates and times as the secretariat types them, read as Beijing time whatever the server's zone.
import { describe, expect, it } from 'vitest';
import { parseBeijingDateTime, readBeijingDateTime } from '../../src/time/beijing-input.ts';
import { formatBeijingDateTime } from '../../src/time/beijing.ts';

// Monday 7 December 2026, 04:30 in Beijing (still Sunday in UTC).
const now = new Date('2026-12-06T20:30:00Z');
const read = (text: string) => {
  const d = parseBeijingDateTime(text, now);
  return d ? formatBeijingDateTime(d) : undefined;
};

describe('parseBeijingDateTime', () => {
  it.each([
    ['明天下午5点', '2026年12月8日 17:00'],
    ['12月20日18:00', '2026年12月20日 18:00'],
    ['12月20号下午6点前', '2026年12月20日 18:00'],
    ['十二月二十日十八点', '2026年12月20日 18:00'],
    ['2026-12-20 18:00', '2026年12月20日 18:00'],
    ['2026-12-20T18:00:00+08:00', '2026年12月20日 18:00'],
    ['2026-12-20T10:00:00Z', '2026年12月20日 18:00'],
    ['１２月２０日　１８：００', '2026年12月20日 18:00'],
    ['12/20 18:00', '2026年12月20日 18:00'],
    ['后天上午九点半', '2026年12月9日 09:30'],
    ['明天下午5点30分', '2026年12月8日 17:30'],
    ['今晚十点', '2026年12月7日 22:00'],
    ['晚上12点', '2026年12月7日 23:59'],
    ['中午12点', '2026年12月7日 12:00'],
    ['下午5点', '2026年12月7日 17:00'],
    ['下周五晚上8点', '2026年12月18日 20:00'],
    ['周日下午三点', '2026年12月13日 15:00'],
    // A month and day already past this year is next year's.
    ['1月5日 9:00', '2027年1月5日 09:00'],
    ['12.20 18点', '2026年12月20日 18:00'],
    ['12-20 18:00', '2026年12月20日 18:00'],
    ['20号18点', '2026年12月20日 18:00'],
    ['20日下午6点', '2026年12月20日 18:00'],
    // A day of the month already past is next month's.
    ['5号上午10点', '2027年1月5日 10:00'],
    ['明早9点', '2026年12月8日 09:00'],
    ['明天晚上八点', '2026年12月8日 20:00'],
    ['后天中午', '2026年12月9日 12:00'],
    ['3天后下午5点', '2026年12月10日 17:00'],
    ['两周后上午10点', '2026年12月21日 10:00'],
    ['晚8点', '2026年12月7日 20:00'],
    ['下周五下午5点前', '2026年12月18日 17:00'],
    ['2026/12/20 18:00', '2026年12月20日 18:00'],
    // From now (04:30), to the next whole minute.
    ['2小时后', '2026年12月7日 06:30'],
    ['半小时后', '2026年12月7日 05:00'],
    ['48小时后', '2026年12月9日 04:30'],
    ['90分钟后', '2026年12月7日 06:00'],
    // Read, so that the caller can say it has passed.
    ['昨天下午5点', '2026年12月6日 17:00'],
    ['12月20日18点前截止', '2026年12月20日 18:00'],
    ['12月20号晚上12点', '2026年12月20日 23:59'],
    ['明天下午五点钟', '2026年12月8日 17:00'],
    ['12月20日17：30分', '2026年12月20日 17:30'],
    ['明天下午5.30', '2026年12月8日 17:30'],
    ['下礼拜一上午十点', '2026年12月14日 10:00'],
  ])('%s → %s', (text, expected) => expect(read(text)).toBe(expected));

  it.each(['12月20日', '明天', '25点', '2月30日 10:00', '下午5点61分', '后年吧', '', '明天下午', '0.5', '32号'])(
    '%s is not understood',
    (text) => expect(read(text)).toBeUndefined(),
  );
});

describe('readBeijingDateTime', () => {
  const day = (text: string) => {
    const r = readBeijingDateTime(text, now);
    return r?.kind === 'day' ? `${r.day.year}-${r.day.month}-${r.day.day}` : r?.kind;
  };
  it.each([
    ['2026-12-20', '2026-12-20'],
    ['2026年12月20日', '2026-12-20'],
    ['十二月二十日', '2026-12-20'],
    ['12月20日前', '2026-12-20'],
    ['明天', '2026-12-8'],
    ['3天后', '2026-12-10'],
    ['三天后截止', '2026-12-10'],
    ['一周后', '2026-12-14'],
    ['下周五', '2026-12-18'],
    ['周五', '2026-12-11'],
    ['月底', '2026-12-31'],
    ['下个月底', '2027-1-31'],
    ['2月30日', undefined],
  ])('a day alone: %s → %s', (text, expected) => expect(day(text)).toBe(expected));

  it('a part of a day without its hour is vague, not a time', () => {
    expect(readBeijingDateTime('明天下午', now)).toEqual({
      kind: 'vague',
      day: { year: 2026, month: 12, day: 8 },
      part: '下午',
    });
    expect(readBeijingDateTime('12月20日晚上', now)).toMatchObject({ kind: 'vague', part: '晚上' });
    // 中午 has one hour only.
    expect(readBeijingDateTime('明天中午', now)).toMatchObject({ kind: 'time' });
    // A part of the day without any day is not understood (「下午」 alone).
    expect(readBeijingDateTime('下午', now)).toBeUndefined();
  });
});
