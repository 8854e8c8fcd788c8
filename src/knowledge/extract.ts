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

/** A long section's sentences and the terms of each: the same at every question, so kept. */
type Sentences = { analyzer: Analyzer; parts: string[]; terms: ReadonlySet<string>[] };
const sentencesOf = new WeakMap<Section, Sentences>();

function analysed(section: Section, analyzer: Analyzer): Sentences {
  const kept = sentencesOf.get(section);
  if (kept?.analyzer === analyzer) return kept;
  const parts = sentences(section.text);
  const made = { analyzer, parts, terms: parts.map((sentence) => new Set(analyzer.terms(sentence))) };
  sentencesOf.set(section, made);
  return made;
}

/** `wanted` is the question's terms (analyzer.terms), computed once for all the sections quoted. */
export function quoteFor(section: Section, wanted: ReadonlySet<string>, analyzer: Analyzer): string {
  if (section.text.length <= MAX_QUOTE) return section.text;
  const isList = section.paragraphs.some((p) => /^[（(][一二三四五六七八九十]+[）)]/.test(p));
  if (isList && section.text.length <= MAX_LIST_QUOTE) return section.text;
  const { parts, terms: termsOf } = analysed(section, analyzer);
  const scored = parts.map((sentence, index) => {
    const terms = termsOf[index]!;
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

/** Where a short quote may end: after a clause. */
const CLAUSE_END = /[。；;，,：:]/g;

/**
 * The start of a text, about `max` characters (list items run on), for a one-line excerpt: whole when it
 * fits, else up to the last clause end (。；，：) within `max`, or — when that would leave less than
 * half — the first one within 1.5 × `max`, or cut at `max`; ended with “……”.
 */
export function shortQuote(text: string, max: number): string {
  const flat = text
    .split('\n')
    .map((l) => l.trim())
    .join('');
  if (flat.length <= max) return flat;
  const ends = [...flat.matchAll(CLAUSE_END)].map((m) => m.index);
  const within = ends.filter((i) => i >= max / 2 && i < max).at(-1);
  const end = within ?? ends.find((i) => i >= max / 2 && i < max * 1.5) ?? max;
  // Keep a colon (必须具备下列条件：……); drop a comma or a full stop before the ellipsis.
  const kept = /[：:]/.test(flat[end] ?? '') ? flat.slice(0, end + 1) : flat.slice(0, end);
  return `${kept}……`;
}
