// CSV for people who open it in Excel: a BOM, so Windows reads the Chinese text as UTF-8, and any
// cell that starts like a formula (=, +, -, @) quoted with a leading ' so that opening the file
// cannot run it.
import { stringify } from 'csv-stringify/sync';

export function spreadsheetCsv(header: string[], rows: string[][]): string {
  const safe = rows.map((row) => row.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)));
  return stringify([header, ...safe], { bom: true });
}
