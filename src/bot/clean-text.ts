// Cleans raw user text before any handler sees it: drops control and invisible characters, folds
// whitespace, caps the length so a pasted book cannot slow the bot down.

export const MAX_TEXT_LENGTH = 20_000;

// C0/C1 controls except tab/newline, zero-width and bidi marks, BOM, replacement char.
const INVISIBLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF\uFFFD]/g;

export function cleanText(raw: string | undefined): string {
  if (!raw) return '';
  const text = raw.length > MAX_TEXT_LENGTH ? raw.slice(0, MAX_TEXT_LENGTH) : raw;
  return text
    .replace(INVISIBLE, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00A0\u3000]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
