// Dates and times as the secretariat types them, read as Beijing time whatever the server's zone.
import { describe, expect, it } from 'vitest';
import { parseBeijingDateTime } from '../../src/time/beijing-input.ts';
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
  ])('%s → %s', (text, expected) => expect(read(text)).toBe(expected));

  it.each(['12月20日', '明天', '25点', '2月30日 10:00', '下午5点61分', '后年吧', ''])('%s is not understood', (text) =>
    expect(read(text)).toBeUndefined(),
  );
});
