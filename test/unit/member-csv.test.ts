// The streaming CSV reader of `members import` (issue 17, finding 10): a malformed line is reported
// by its number and skipped; the rows after it, multi-line quoted ones included, are split right.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { csvRecords, MAX_RECORD_LINES } from '../../src/membership/csv-records.ts';

const all = async (input: string | Readable) => {
  const out = [];
  for await (const item of csvRecords(input)) out.push(item);
  return out;
};

describe('csvRecords', () => {
  it('splits multi-line quoted rows right after an unclosed quote, and keeps the good rows', async () => {
    const text = [
      '\uFEFForgName,orgType,repName,channel,userId',
      '"坏行,企业,代表,console,bad',
      '"多行',
      '单位",企业,代表,console,u2',
      '好单位,企业,代表,console,u3',
      '"a"x,企业,代表,console,u4',
      '"多行',
      '单位2",企业,代表,console,u5',
      '',
      '末行,企业,代表,console,u6',
    ].join('\r\n');
    expect(await all(text)).toEqual([
      { line: 1, record: ['orgName', 'orgType', 'repName', 'channel', 'userId'] },
      { line: 2, malformed: '"坏行,企业,代表,console,bad' },
      { line: 3, record: ['多行\n单位', '企业', '代表', 'console', 'u2'] },
      { line: 5, record: ['好单位', '企业', '代表', 'console', 'u3'] },
      { line: 6, malformed: '"a"x,企业,代表,console,u4' },
      { line: 7, record: ['多行\n单位2', '企业', '代表', 'console', 'u5'] },
      { line: 10, record: ['末行', '企业', '代表', 'console', 'u6'] },
    ]);
  });

  it('gives up on a quote never closed after a few lines, and on one open at the end', async () => {
    const good = Array.from({ length: MAX_RECORD_LINES + 2 }, (_, i) => `单位${i},企业,代表,console,u${i}`);
    const items = await all(['"未闭合,企业,代表,console,x', ...good, '"最后也未闭合'].join('\n'));
    expect(items[0]).toEqual({ line: 1, malformed: '"未闭合,企业,代表,console,x' });
    expect(items.filter((i) => 'record' in i)).toHaveLength(good.length);
    expect(items.at(-1)).toEqual({ line: good.length + 2, malformed: '"最后也未闭合' });
  });

  it('reads a stream in pieces that cut lines and characters anywhere', async () => {
    const text = 'a,b\n"x\ny",z\n中文,值\n';
    const bytes = Buffer.from(text);
    const pieces = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    const stream = Readable.from(pieces).setEncoding('utf8');
    expect(await all(stream)).toEqual([
      { line: 1, record: ['a', 'b'] },
      { line: 2, record: ['x\ny', 'z'] },
      { line: 4, record: ['中文', '值'] },
    ]);
  });
});
