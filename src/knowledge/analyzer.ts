// Turns Chinese text into search terms: folded (full-width, traditional, case, article numbers),
// segmented into words (Intl.Segmenter, ICU's dictionary), plus character bigrams for typos and
// unknown words, plus pinyin bigrams so homophone typos (张程 → 章程) still meet, plus the canonical
// word of every curated synonym found (退会 → 退出).
import { pinyin } from 'pinyin-pro';
import { NUMERAL_CHARS, ordinal } from './numerals.ts';
import { hkToSimplified } from '../bot/simplified.ts';

const segmenter = new Intl.Segmenter('zh-CN', { granularity: 'word' });
const CJK = /\p{Script=Han}/u;
const CJK_RUN = /\p{Script=Han}+/gu;

/** Function words that say nothing about the topic; they neither score nor count as unknown. */
export const STOPWORDS = new Set(
  (
    '的 了 吗 呢 啊 吧 呀 么 嘛 哦 哈 嗯 啥 是 有 在 和 与 及 或 也 都 就 还 又 被 把 给 让 对 从 向 到 我 你 他 她 它 您 ' +
    '我们 你们 他们 咱们 自己 这个 那个 这些 那些 什么 怎么 怎样 怎么样 如何 为什么 哪里 哪儿 哪些 哪个 多少 几 谁 ' +
    '可以 能 能不能 会 会不会 要 要不要 需要 是否 是不是 请问 请 一下 一个 一些 没有 不 没 吗 么 呢 想 问 问问 知道 告诉 ' +
    '现在 以后 之后 时候 然后 还是 就是 而且 但是 所以 因为 如果 那么 这样 那样 哪 呀 啦 咋 咋办 咋整 怎么办 行 行不行 ' +
    '一 个 些 多 下 上 里 中 后 前 时 说 看 做 弄 搞 得 地 着 过 来 去 人'
  ).split(/\s+/),
);

/** A bigram that is itself a function word, or made of two function characters (什么, 是什, 的单 …). */
function isFunctionBigram(bigram: string): boolean {
  return STOPWORDS.has(bigram) || (STOPWORDS.has(bigram[0]!) && STOPWORDS.has(bigram[1]!)) || bigram[0] === '的' || bigram[1] === '的';
}

export type Analyzer = {
  fold(text: string): string;
  /** Terms for the text index: words, bigrams, canonical synonyms. */
  terms(text: string): string[];
  /** Pinyin bigrams of the Han runs: the homophone-typo index. */
  pinyinTerms(text: string): string[];
  /** Han words of two or more characters that carry meaning (segmenter words minus stop words). */
  contentWords(text: string): string[];
  /** Canonical words of the synonyms that occur in the text. */
  canonicals(text: string): string[];
  /** The folded text's words as the segmenter cuts them, function words included. */
  segments(text: string): readonly string[];
};

/** Splits folded text into words; the default is ICU's dictionary segmenter (bench/segmenters.ts compares jieba). */
export type Segment = (text: string) => string[];

const icuSegment: Segment = (text) => [...segmenter.segment(text)].filter((s) => s.isWordLike).map((s) => s.segment);

export function createAnalyzer(synonyms: string[][], segment: Segment = icuSegment): Analyzer {
  const canonicalOf = new Map<string, string>();
  for (const group of synonyms) {
    const canonical = foldBasic(group[0]!);
    for (const word of group) canonicalOf.set(foldBasic(word), canonical);
  }
  const variants = [...canonicalOf.keys()].filter((w) => w.length >= 2).sort((a, b) => b.length - a.length);
  const variantPattern =
    variants.length > 0 ? new RegExp(variants.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g') : undefined;

  const canonicals = (folded: string): string[] => {
    if (!variantPattern) return [];
    const found = new Set<string>();
    for (const m of folded.matchAll(variantPattern)) found.add(canonicalOf.get(m[0])!);
    return [...found];
  };

  // One question is folded (foldBasic remembers its last few) and segmented several times on its way
  // through the answerer: the last few results are kept. Callers never change what they get.
  const fold = foldBasic;
  const words = recent((folded: string): readonly string[] => segment(folded).filter((w) => /[\p{L}\p{N}]/u.test(w)));

  return {
    fold,
    canonicals: (text) => canonicals(fold(text)),
    segments: (text) => words(fold(text)),
    terms(text) {
      const folded = fold(text);
      const out: string[] = [];
      for (const w of words(folded)) if (!STOPWORDS.has(w) && (w.length >= 2 || !CJK.test(w))) out.push(w);
      for (const run of folded.match(CJK_RUN) ?? []) {
        for (let i = 0; i + 1 < run.length; i++) {
          const bigram = run.slice(i, i + 2);
          if (!isFunctionBigram(bigram)) out.push(bigram);
        }
      }
      for (const c of canonicals(folded)) out.push(`=${c}`);
      return out;
    },
    pinyinTerms(text) {
      const out: string[] = [];
      for (const run of fold(text).match(CJK_RUN) ?? []) {
        const syllables = pinyin(run, { toneType: 'none', type: 'array' });
        for (let i = 0; i + 1 < syllables.length; i++) out.push(`${syllables[i]}_${syllables[i + 1]}`);
      }
      return out;
    },
    contentWords(text) {
      const folded = fold(text);
      // Single characters and Latin words (pinyin, English) are too ambiguous to judge coverage by.
      return words(folded).filter((w) => w.length >= 2 && CJK.test(w) && !STOPWORDS.has(w));
    },
  };
}

/**
 * The last few results of a pure text function. One question is folded seven times and segmented
 * three times on its way through the answerer (the learned mappings, the charter's numbering,
 * retrieval, coverage, the quote); each is now done once.
 */
function recent<T>(fn: (text: string) => T, size = 8): (text: string) => T {
  const memo = new Map<string, T>();
  return (text) => {
    let value = memo.get(text);
    if (value === undefined) {
      value = fn(text);
      if (memo.size >= size) memo.delete(memo.keys().next().value!);
      memo.set(text, value);
    }
    return value;
  };
}

const DI_TYPO = new RegExp(`弟(?=\\s*[${NUMERAL_CHARS}]+\\s*[条章])`, 'g');

/**
 * Full-width → half-width, lower case, traditional → simplified, runs of spaces → one, and the
 * homophone typo 弟 → 第 before an article or chapter number (弟20条, 弟二十条); digits stay as written.
 */
export const foldChars = recent((text: string): string =>
  hkToSimplified(text.normalize('NFKC').toLowerCase())
    .replace(/\s+/g, ' ')
    .replace(DI_TYPO, '第'),
);

/**
 * foldChars, and article and chapter numbers written the way the charter does: 19条, 第19条 → 第十九条,
 * 第4章 → 第四章 (a bare 4章 stays).
 */
const foldBasic = recent((text: string): string =>
  foldChars(text)
    .replace(/(?<!\d)第?\s{0,4}(\d+)\s*条/g, (_: string, n: string) => ordinal(n, '条'))
    .replace(/第\s*(\d+)\s*章/g, (_: string, n: string) => ordinal(n, '章')),
);
