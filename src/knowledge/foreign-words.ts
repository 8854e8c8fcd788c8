// Questions in English or pinyin, matched as such: English words through the curated glossary in
// knowledge/faq.yaml (`glossary:`), pinyin through the corpus's own words — every word the documents
// use is indexed by its toneless pinyin ("chengyuan" → 成员, "tui chu" → 退出). The Chinese words
// found are added to the question, so retrieval, coverage and quoting work as for a Chinese one.
import { pinyin } from 'pinyin-pro';
import type { Corpus } from './corpus.ts';
import type { Analyzer } from './analyzer.ts';

export type Expand = (question: string) => string;

const LATIN_WORD = /[a-z]+/g;
const MAX_SYLLABLE_TOKENS = 4;
/** Letters a word spelled inside a longer run may take: 秘书 "mishu" … 国家体系 "guojiatixi". */
const MIN_RUN_WORD = 4;
const MAX_RUN_WORD = 18;

export function createForeignExpander(corpus: Corpus, analyzer: Analyzer): Expand {
  const glossary = [...corpus.glossary.entries()].sort((a, b) => b[0].length - a[0].length);
  const glossaryPattern =
    glossary.length > 0
      ? new RegExp(`\\b(?:${glossary.map(([k]) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+')).join('|')})\\b`, 'g')
      : undefined;
  const englishOf = new Map(glossary);

  // toneless pinyin of every content word the documents (and FAQ, synonyms) use → the word.
  const byPinyin = new Map<string, string>();
  const learn = (text: string) => {
    for (const word of analyzer.contentWords(text)) {
      if (word.length < 2 || word.length > 6) continue;
      const key = pinyin(word, { toneType: 'none', type: 'array' }).join('');
      if (!byPinyin.has(key)) byPinyin.set(key, word);
    }
  };
  for (const s of corpus.sections) learn(`${s.title} ${s.text}`);
  for (const f of corpus.faq) for (const q of f.questions) learn(q);
  for (const group of corpus.synonyms)
    for (const w of group) {
      learn(w);
      // The whole synonym too: the segmenter cuts 秘书处 into 秘书 + 处, and "mishuchu" is one word.
      const whole = analyzer.fold(w);
      if (/^\p{Script=Han}{2,6}$/u.test(whole)) {
        const key = pinyin(whole, { toneType: 'none', type: 'array' }).join('');
        if (!byPinyin.has(key)) byPinyin.set(key, whole);
      }
    }

  return (question) => {
    const lower = question.toLowerCase();
    if (!/[a-z]{2,}/.test(lower)) return question;
    const found: string[] = [];
    let rest = lower;
    if (glossaryPattern)
      rest = lower.replace(glossaryPattern, (m) => {
        const zh = englishOf.get(m.replace(/\s+/g, ' '));
        if (zh) found.push(zh);
        return ' ';
      });
    const tokens = rest.match(LATIN_WORD) ?? [];
    for (let i = 0; i < tokens.length; i++) {
      // The longest run of tokens that spells a word: "tui chu" and "tuichu" alike.
      for (let n = Math.min(MAX_SYLLABLE_TOKENS, tokens.length - i); n >= 1; n--) {
        const word = byPinyin.get(tokens.slice(i, i + n).join(''));
        if (word) {
          found.push(word);
          i += n - 1;
          break;
        }
        // One token with no spaces for several words ("shenqingtiaojian"): the longest known prefixes.
        if (n === 1) found.push(...splitRun(tokens[i]!));
      }
    }
    return found.length > 0 ? `${question} ${found.join(' ')}` : question;
  };

  /** Words spelled one after another in a run of letters, each the longest known from where it starts. */
  function splitRun(run: string): string[] {
    const out: string[] = [];
    let at = 0;
    while (at < run.length) {
      let end = Math.min(run.length, at + MAX_RUN_WORD);
      while (end > at + MIN_RUN_WORD && !byPinyin.has(run.slice(at, end))) end--;
      const word = byPinyin.get(run.slice(at, end));
      if (!word) return [];
      out.push(word);
      at = end;
    }
    return out;
  }
}
