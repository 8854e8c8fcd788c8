// The Q&A module's answerer: retrieval → refuse, or quote (extractive), or an LLM-grounded answer.
// With an LLM configured, the question is also rewritten into the documents' words (rewrite.ts) and
// what that finds is merged in (merge.ts); the retrieval without it stays the floor.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Texts } from '../bot/texts.ts';
import type { Citation } from '../bot/outbound.ts';
import { loadCorpus, type Amendment, type Corpus, type Section } from './corpus.ts';
import { createAnalyzer, type Analyzer, type Segment } from './analyzer.ts';
import { SearchIndex, type SearchResult, type SectionHit } from './search.ts';
import { quoteFor } from './extract.ts';
import { looksLikeInstruction } from './injection.ts';
import type { Answer, Answerer } from './answer.ts';
import { createLlmAnswerer } from './llm.ts';
import { lazyClient } from './openai-client.ts';
import { createQueryRewriter } from './rewrite.ts';
import { mergeHits } from './merge.ts';
import { createCharterAnswers } from './charter.ts';
import { createForeignExpander } from './foreign-words.ts';
import { missingFacts } from './fact-types.ts';

/** Questions longer than this are understood by their beginning only. */
export const MAX_QUESTION_CHARS = 300;

/** Retrieval thresholds, tuned on test/eval (see README "问答评测"). */
export const THRESHOLDS = {
  minScore: 10,
  minCoverage: 0.34,
  relatedRatio: 0.45,
  secondQuoteRatio: 0.75,
};

export type Retrieval = {
  result: SearchResult;
  relevant: SectionHit[];
  instruction: boolean;
  note?: string;
  /** The whole answer when the charter's numbering answers the question (第二十六条, 一共几条, 第三章). */
  reply?: Answer;
  /** Said before the answer: an article asked for that does not exist, next to ones that do. */
  preface?: string;
  /**
   * The question's rewrite into the documents' words may add to this: the question was searched (no
   * article number, no learned mapping, no instruction), and it was not refused as off topic — a fact
   * the documents do not hold, a word they never use with nothing else tying it to them, or no word
   * of theirs at all.
   */
  rewritable?: boolean;
  /** The rewrite whose hits were merged in (its words help pick the sentences quoted). */
  rewrite?: string;
  /**
   * The question's own relevant sections, when the rewrite added to them: whether the documents hold
   * the kind of fact asked for (fact-types.ts) is judged on these, as without the rewrite.
   */
  own?: SectionHit[];
  /**
   * The question alone was refused and the rewrite found these: quoted only as the nearest rule
   * ("文件没有写到…；最接近的规定是…"), never as if the documents answered it.
   */
  nearestOnly?: boolean;
};

export type Knowledge = Answerer & {
  corpus: Corpus;
  analyzer: Analyzer;
  index: SearchIndex;
  retrieve(question: string): Retrieval;
  extractive(question: string): Answer;
  /** The secretariat's mappings (learned.ts): consulted before retrieval. */
  useLearned(lookup: LearnedLookup): void;
  /** A section by its id, or by its label when that names one section first (第十八条, 通知). */
  sectionFor(idOrLabel: string): Section | undefined;
};

export type LearnedLookup = (question: string) => { section: string | null } | undefined;

export function sourceOf(texts: Texts, section: Section): string {
  return texts.t(`knowledge.source_${section.doc}`, { label: section.label, title: section.title });
}

export function citationOf(section: Section, quote: string): Citation {
  return { section: section.label, title: section.title, quote };
}

export function createKnowledge(
  config: Config,
  texts: Texts,
  log: Logger,
  options: { segment?: Segment; amendments?: readonly Amendment[] } = {},
): Knowledge {
  const corpus = loadCorpus(config.knowledgeDir, options.amendments);
  const analyzer = createAnalyzer(corpus.synonyms, options.segment);
  const index = new SearchIndex(corpus, analyzer);
  const charter = createCharterAnswers(corpus.charter, analyzer, texts);
  const expandForeign = createForeignExpander(corpus, analyzer);

  const refusal = (instruction: boolean, note?: string): Answer => ({
    answer: [note, texts.t(instruction ? 'knowledge.refused_instruction' : 'knowledge.refused')].filter(Boolean).join('\n'),
    citations: [],
    refused: true,
    mode: 'refused',
    ...(instruction ? { instruction } : {}),
  });

  /** A fact the documents cannot hold: a curated unanswered topic, or a year they never mention. */
  const notCovered = (question: string): string | undefined => {
    const folded = analyzer.fold(question);
    const topic = corpus.unanswered.find((t) => t.match.some((m) => m.test(folded)));
    if (topic) return topic.note;
    const years = folded.match(/(?:19|20)\d{2}(?=\s*年)/g) ?? [];
    const unknownYear = years.find((y) => !corpus.years.has(y));
    return unknownYear ? texts.t('knowledge.unknown_year', { year: unknownYear }) : undefined;
  };

  let learned: LearnedLookup | undefined;
  const sectionFor = (idOrLabel: string): Section | undefined =>
    corpus.byId.get(idOrLabel) ?? corpus.sections.find((s) => s.label === idOrLabel);

  const retrieve: Knowledge['retrieve'] = (raw) => {
    const question = raw.slice(0, MAX_QUESTION_CHARS);
    const instruction = looksLikeInstruction(question);
    const mapped = learned?.(question);
    if (mapped && !instruction) {
      const result: SearchResult = { hits: [], coverage: 1, unknownWords: [], linked: true };
      const section = mapped.section === null ? undefined : sectionFor(mapped.section);
      if (section) return { result, relevant: [{ section, score: THRESHOLDS.minScore }], instruction };
      return { result, relevant: [], instruction, note: texts.t('knowledge.not_covered_mapped') };
    }
    const asked = charter.read(question);
    const { named } = asked;
    // Articles asked for by number are the answer; only the rest of the question is searched, so
    // their numbers do not pull in look-alikes (第二条 → 第二十二条).
    const result = index.search(expandForeign(named.length > 0 ? asked.rest : question), 5);
    const missing = charter.missingNote(asked);
    if (missing !== undefined && named.length === 0 && !asked.asksChapter) {
      return { result, relevant: [], instruction, reply: charter.missing(asked) };
    }
    const note = notCovered(question);
    if (note === undefined && asked.asksSize && named.length === 0) {
      return { result, relevant: [], instruction, reply: charter.size(asked) };
    }
    // 第三章讲什么: the chapter's articles, not whatever its number happens to match (第二章 → 申请表).
    if (note === undefined && asked.asksChapter) {
      return { result, relevant: [], instruction, reply: charter.chapter(asked, missing) };
    }
    const top = result.hits[0];
    // A word the documents never use, and only one other word in common with them (地址 in
    // 地址可以填英文吗, 地址要写到门牌号不): they name the thing but say nothing of what is asked.
    const offTopic = result.unknownWords.length > 0 && !result.linked;
    const answerable =
      note === undefined &&
      !offTopic &&
      top !== undefined &&
      top.score >= THRESHOLDS.minScore &&
      result.coverage >= THRESHOLDS.minCoverage;
    let relevant = answerable
      ? result.hits.filter((h) => h.score >= top.score * THRESHOLDS.relatedRatio).slice(0, 3)
      : [];
    if (note === undefined && named.length > 0) {
      // Scored alike, so each named article is quoted; what the rest of the question found follows.
      const score = Math.max(answerable ? top.score : 0, THRESHOLDS.minScore);
      const related = asked.topical ? relevant.filter((h) => !named.includes(h.section)) : [];
      relevant = [...named.map((section) => ({ section, score })), ...related].slice(0, 3);
    }
    const rewritable =
      !instruction && named.length === 0 && note === undefined && !offTopic && result.coverage > 0 && top !== undefined;
    return { result, relevant, instruction, note, preface: missing, rewritable };
  };

  /** The retrieval with what the rewritten question finds merged in (see Retrieval.rewritable). */
  const withRewrite = (plain: Retrieval, terms: string): Retrieval => {
    const result = index.search(expandForeign(terms), 5);
    const top = result.hits[0];
    const answerable =
      top !== undefined &&
      top.score >= THRESHOLDS.minScore &&
      result.coverage >= THRESHOLDS.minCoverage &&
      !(result.unknownWords.length > 0 && !result.linked);
    if (!answerable) return plain;
    const found = result.hits.filter((h) => h.score >= top.score * THRESHOLDS.relatedRatio).slice(0, 3);
    if (plain.relevant.length > 0)
      return { ...plain, relevant: mergeHits(plain.relevant, found), rewrite: terms, own: plain.relevant };
    // The question alone was refused on its score or coverage. The rewrite may offer the nearest rule,
    // and only among the sections the question's own words reach too (its candidates): a model that
    // calls anything a charter matter cannot make an unrelated question answered.
    const candidates = new Set(plain.result.hits.map((h) => h.section));
    const relevant = found.filter((h) => candidates.has(h.section));
    return relevant.length > 0 ? { ...plain, relevant, rewrite: terms, nearestOnly: true } : plain;
  };

  const extractiveFrom = (raw: string, retrieval: Retrieval): Answer => {
    const { relevant, instruction, note, reply, preface, rewrite } = retrieval;
    if (reply) return reply;
    if (relevant.length === 0) return refusal(instruction, note);
    const question = raw.slice(0, MAX_QUESTION_CHARS);
    const wanted = new Set(analyzer.terms(question));
    if (rewrite) for (const t of analyzer.terms(rewrite)) wanted.add(t);
    const quotes = relevant.map((h) => quoteFor(h.section, wanted, analyzer));
    // One citation per document heading: several notice paragraphs are all "通知".
    const citations = relevant
      .map((h, i) => citationOf(h.section, quotes[i]!))
      .filter((c, i, all) => all.findIndex((o) => o.section === c.section) === i);
    const [first, ...rest] = relevant;
    const lines = [texts.t('knowledge.extractive', { source: sourceOf(texts, first!.section), quote: quotes[0]! })];
    // Asked for an amount, a date, a place…, and the nearest rule holds none: said first, not hidden.
    const folded = analyzer.fold(question);
    const missing =
      retrieval.nearestOnly === true ||
      (retrieval.own ?? relevant).every((h) => missingFacts(folded, h.section.text).length > 0);
    if (missing) lines.unshift(texts.t('knowledge.not_covered_nearest'));
    const second = rest[0];
    if (second && second.score >= first!.score * THRESHOLDS.secondQuoteRatio) {
      lines.push(texts.t('knowledge.extractive_more', { source: sourceOf(texts, second.section), quote: quotes[1]! }));
    }
    const shown = lines.length;
    if (preface) lines.unshift(preface);
    const others = relevant.slice(shown).map((h) => (h.section.doc === 'charter' ? texts.t('knowledge.article_with_title', { label: h.section.label, title: h.section.title }) : sourceOf(texts, h.section)));
    if (others.length > 0) lines.push(texts.t('knowledge.see_also', { list: others.join('、') }));
    if (raw.length > MAX_QUESTION_CHARS) lines.push(texts.t('knowledge.too_long_note', { n: MAX_QUESTION_CHARS }));
    return {
      answer: lines.join('\n\n'),
      citations,
      refused: false,
      mode: 'extractive',
      ...(missing ? { weak: true } : {}),
    };
  };
  const extractive: Knowledge['extractive'] = (raw) => extractiveFrom(raw, retrieve(raw));

  const client = config.llm ? lazyClient(config.llm) : undefined;
  const llm = config.llm && client ? createLlmAnswerer(config.llm, texts, log, client) : undefined;
  const rewriter =
    config.llm?.rewrite && client
      ? createQueryRewriter({
          model: config.llm.model,
          timeoutMs: config.llm.rewrite.timeoutMs,
          client,
          texts,
          log,
          titles: corpus.sections.map((s) => `${s.label} ${s.title}`).join('；'),
          // The same question however it is punctuated or spaced.
          key: (question) => analyzer.fold(question).replace(/[^\p{L}\p{N}]+/gu, ''),
        })
      : undefined;

  return {
    corpus,
    analyzer,
    index,
    retrieve,
    extractive,
    sectionFor,
    useLearned(lookup) {
      learned = lookup;
    },
    async answer(raw) {
      let retrieval = retrieve(raw);
      if (rewriter && retrieval.rewritable) {
        const rewrite = await rewriter.rewrite(raw.slice(0, MAX_QUESTION_CHARS));
        if (rewrite?.kind === 'terms') retrieval = withRewrite(retrieval, rewrite.terms);
      }
      const fallback = extractiveFrom(raw, retrieval);
      if (!llm || fallback.refused || retrieval.reply) return fallback;
      const grounded = await llm.answer(raw.slice(0, MAX_QUESTION_CHARS), retrieval.relevant, fallback);
      if (!grounded) return fallback;
      const before = [retrieval.preface, fallback.weak ? texts.t('knowledge.not_covered_nearest') : undefined].filter(Boolean);
      const answer = before.length > 0 ? `${before.join('\n\n')}\n\n${grounded.answer}` : grounded.answer;
      return { ...grounded, answer, ...(fallback.weak ? { weak: true } : {}) };
    },
  };
}
