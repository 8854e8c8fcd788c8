// CSV for people who open it in Excel: a BOM, so Windows reads the Chinese text as UTF-8, and any
// cell that starts like a formula (=, +, -, @) quoted with a leading ' so that opening the file
// cannot run it.
import { stringify } from 'csv-stringify/sync';

export function spreadsheetCsv(header: string[], rows: string[][], options: { preamble?: string[][] } = {}): string {
  const safe = (list: string[][]) =>
    list.map((row) => row.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)));
  // Rows before the table (what the records are about), then an empty line, then the table.
  const before = options.preamble?.length ? [...safe(options.preamble), []] : [];
  return stringify([...before, header, ...safe(rows)], { bom: true });
}
