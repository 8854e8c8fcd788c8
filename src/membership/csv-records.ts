// CSV records from a stream of text, one physical line at a time, with the line each record starts on.
// A record may span lines (a quoted name with a line break); a malformed line (a stray or unclosed
// quote) is reported and skipped, and reading starts again on the next line — so the rows after it,
// multi-line ones included, are still split right. Memory holds one record, never the file.
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';

/** No real record spans more lines than this; an unclosed quote is given up on after it. */
export const MAX_RECORD_LINES = 10;

export type CsvItem = { line: number; record: string[] } | { line: number; malformed: string };

export async function* csvRecords(input: string | Readable): AsyncGenerator<CsvItem> {
  const stream = typeof input === 'string' ? Readable.from([input]) : input;
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let number = 0;
  let pending: { line: number; text: string }[] = [];
  for await (const raw of lines) {
    number += 1;
    const text = number === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    pending.push({ line: number, text });
    // Re-reading after a malformed line may settle several records at once.
    let settled: CsvItem[];
    ({ settled, pending } = settle(pending, false));
    yield* settled;
  }
  const { settled } = settle(pending, true);
  yield* settled;
}

/** Turns the buffered lines into records as far as they go; returns what is left unfinished. */
function settle(
  lines: { line: number; text: string }[],
  atEnd: boolean,
): { settled: CsvItem[]; pending: { line: number; text: string }[] } {
  const settled: CsvItem[] = [];
  let rest = lines;
  while (rest.length > 0) {
    const next = nextRecord(rest);
    if (next === 'more' && !atEnd) break;
    if (next === 'more' || next === 'bad') {
      // Unreadable, or a quote never closed: the first line is the bad one, and the lines after
      // it are read again on their own.
      settled.push({ line: rest[0]!.line, malformed: rest[0]!.text });
      rest = rest.slice(1);
      continue;
    }
    if (next.record.length > 0) settled.push({ line: rest[0]!.line, record: next.record });
    rest = rest.slice(next.lines);
  }
  return { settled, pending: rest };
}

/** The record the buffered lines begin with; 'more' when it needs more lines. */
function nextRecord(lines: { text: string }[]): { lines: number; record: string[] } | 'more' | 'bad' {
  let quotes = 0;
  for (let n = 1; n <= lines.length; n++) {
    quotes += count(lines[n - 1]!.text, '"');
    if (quotes % 2 === 0) {
      const text = lines
        .slice(0, n)
        .map((l) => l.text)
        .join('\n');
      const record = read(text);
      return record === undefined ? 'bad' : { lines: n, record };
    }
    if (n >= MAX_RECORD_LINES) return 'bad';
  }
  return 'more';
}

/** One record, [] for a blank line, undefined when the text is not exactly one CSV record. */
function read(text: string): string[] | undefined {
  if (!text.trim()) return [];
  try {
    const records = parse(text, { relax_column_count: true, trim: true }) as string[][];
    return records.length === 1 ? records[0] : undefined;
  } catch {
    return undefined;
  }
}

function count(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++;
  return n;
}
