// Long answers are sent as several messages, cut at paragraph, then line, then sentence boundaries,
// so no message is cut mid-word and each stays readable on a phone.

export function splitText(text: string, limit: number): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const cut = lastBreak(window, '\n\n') ?? lastBreak(window, '\n') ?? lastSentenceEnd(window) ?? hardCut(rest, limit);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length > 0) parts.push(rest);
  return parts.filter((p) => p.length > 0);
}

function lastBreak(window: string, separator: string): number | undefined {
  const at = window.lastIndexOf(separator);
  // A break in the first third would leave a tiny message; prefer a later, coarser cut.
  return at > window.length / 3 ? at + separator.length : undefined;
}

function lastSentenceEnd(window: string): number | undefined {
  let best = -1;
  for (const mark of ['。', '！', '？', '；', '. ', '! ', '? ']) best = Math.max(best, window.lastIndexOf(mark));
  return best > window.length / 3 ? best + 1 : undefined;
}

/** No boundary at all: cut at the limit, but never between the two halves of an emoji. */
function hardCut(text: string, limit: number): number {
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff && limit > 1 ? limit - 1 : limit;
}
