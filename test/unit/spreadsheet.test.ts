// CSV export for Excel: every cell that starts like a formula is defused (test gap of issue 17: removing
// '-' from the escape set went unnoticed).
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { spreadsheetCsv } from '../../src/spreadsheet.ts';

describe('spreadsheetCsv', () => {
  it.each(['=', '+', '-', '@', '\t', '\r'])('prefixes a cell starting with %j with a quote', (start) => {
    const cell = `${start}HYPERLINK("http://evil")`;
    const csv = spreadsheetCsv(['a'], [[cell]]);
    const rows = parse(csv.replace(/^\uFEFF/, '')) as string[][];
    expect(rows[1]?.[0]).toBe(`'${cell}`);
  });

  it('leaves ordinary cells, and those characters later in a cell, alone', () => {
    const cells = ['北京市数字教育中心', '0851-85571487', 'a=b', 'x@y.cn', ' -1'];
    const csv = spreadsheetCsv(['a', 'b', 'c', 'd', 'e'], [cells]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect((parse(csv.replace(/^\uFEFF/, '')) as string[][])[1]).toEqual(cells);
  });
});
