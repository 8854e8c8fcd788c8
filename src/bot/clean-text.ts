// Cleans raw user text before any handler sees it: drops control and invisible characters, replaces
// lone UTF-16 surrogates (PostgreSQL's JSON rejects them), folds whitespace, and bounds the length so
// one message cannot slow the bot down for everyone else.

/**
 * The longest message the bot handles. Well above any real answer (the longest form field, the
 * profile, allows 5000 characters); a longer message is refused with a reply (see isTooLong).
 */
export const MAX_TEXT_LENGTH = 12_000;

// C0/C1 controls except tab/newline, zero-width and bidi marks, BOM, replacement char.
const INVISIBLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF\uFFFD]/g;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** True when a message is too long to handle at all: the bot answers with a reply instead. */
export function isTooLong(raw: string | undefined): boolean {
  return (raw?.length ?? 0) > MAX_TEXT_LENGTH;
}

export function cleanText(raw: string | undefined): string {
  if (!raw) return '';
  const text = raw.length > MAX_TEXT_LENGTH ? raw.slice(0, MAX_TEXT_LENGTH) : raw;
  return text
    .replace(INVISIBLE, '')
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00A0\u3000]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
