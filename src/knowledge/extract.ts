// Picks the part of a section that answers: the sentences sharing the most terms with the question,
// kept in document order, so a long article is trimmed to what matters.
import type { Section } from './corpus.ts';
import type { Analyzer } from './analyzer.ts';

const MAX_QUOTE = 220;

/** Splits into sentences (。；, item lines), keeping the punctuation. */
export function sentences(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line) => line.match(/[^。；;！？!?]+[。；;！？!?]?/g) ?? [])
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Lists (rights, duties, conditions) are answered by the whole list, up to this length. */
const MAX_LIST_QUOTE = 480;

/** `wanted` is the question's terms (analyzer.terms), computed once for all the sections quoted. */
export function quoteFor(section: Section, wanted: ReadonlySet<string>, analyzer: Analyzer): string {
  if (section.text.length <= MAX_QUOTE) return section.text;
  const isList = section.paragraphs.some((p) => /^[（(][一二三四五六七八九十]+[）)]/.test(p));
  if (isList && section.text.length <= MAX_LIST_QUOTE) return section.text;
  const parts = sentences(section.text);
  const scored = parts.map((sentence, index) => {
    const terms = new Set(analyzer.terms(sentence));
    let overlap = 0;
    for (const t of terms) if (wanted.has(t)) overlap += t.startsWith('=') ? 2 : 1;
    return { index, sentence, overlap };
  });
  const ranked = [...scored].sort((a, b) => b.overlap - a.overlap || a.index - b.index);
  const chosen = new Set<number>();
  let length = 0;
  for (const s of ranked) {
    if (chosen.size > 0 && (s.overlap === 0 || length + s.sentence.length > MAX_QUOTE)) continue;
    chosen.add(s.index);
    length += s.sentence.length;
  }
  // A list item alone reads badly without its lead-in ("必须具备下列条件：").
  if (![...chosen].includes(0) && /[：:]$/.test(parts[0] ?? '')) chosen.add(0);
  const ordered = [...chosen].sort((a, b) => a - b);
  return ordered
    .map((i, k) => {
      if (k === 0) return parts[i];
      if (ordered[k - 1] !== i - 1) return `…${parts[i]}`;
      return /^[（(]/.test(parts[i]!) ? `\n${parts[i]}` : parts[i];
    })
    .join('');
}
