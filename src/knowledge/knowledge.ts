// The Q&A module's answerer: retrieval → refuse, or quote (extractive), or an LLM-grounded answer.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Texts } from '../bot/texts.ts';
import type { Citation } from '../bot/outbound.ts';
import { loadCorpus, type Corpus, type Section } from './corpus.ts';
import { createAnalyzer, type Analyzer } from './analyzer.ts';
import { SearchIndex, type SearchResult, type SectionHit } from './search.ts';
import { quoteFor } from './extract.ts';
import { looksLikeInstruction } from './injection.ts';
import type { Answer, Answerer } from './answer.ts';
import { createLlmAnswerer } from './llm.ts';

/** Questions longer than this are understood by their beginning only. */
export const MAX_QUESTION_CHARS = 300;

/** Retrieval thresholds, tuned on test/eval (see README "问答评测"). */
export const THRESHOLDS = {
  minScore: 6,
  minCoverage: 0.5,
  relatedRatio: 0.45,
  secondQuoteRatio: 0.75,
};

export type Knowledge = Answerer & {
  corpus: Corpus;
  analyzer: Analyzer;
  index: SearchIndex;
  retrieve(question: string): { result: SearchResult; relevant: SectionHit[]; instruction: boolean };
  extractive(question: string): Answer;
};

export function sourceOf(texts: Texts, section: Section): string {
  return texts.t(`knowledge.source_${section.doc}`, { label: section.label, title: section.title });
}

export function citationOf(section: Section, quote: string): Citation {
  return { section: section.label, title: section.title, quote };
}

export function createKnowledge(config: Config, texts: Texts, log: Logger): Knowledge {
  const corpus = loadCorpus(config.knowledgeDir);
  const analyzer = createAnalyzer(corpus.synonyms);
  const index = new SearchIndex(corpus, analyzer);

  const refusal = (instruction: boolean): Answer => ({
    answer: texts.t(instruction ? 'knowledge.refused_instruction' : 'knowledge.refused'),
    citations: [],
    refused: true,
    mode: 'refused',
  });

  const retrieve: Knowledge['retrieve'] = (raw) => {
    const question = raw.slice(0, MAX_QUESTION_CHARS);
    const instruction = looksLikeInstruction(question);
    const result = index.search(question, 5);
    const top = result.hits[0];
    const answerable = top !== undefined && top.score >= THRESHOLDS.minScore && result.coverage >= THRESHOLDS.minCoverage;
    const relevant = answerable
      ? result.hits.filter((h) => h.score >= top.score * THRESHOLDS.relatedRatio).slice(0, 3)
      : [];
    return { result, relevant, instruction };
  };

  const extractive: Knowledge['extractive'] = (raw) => {
    const { relevant, instruction } = retrieve(raw);
    if (relevant.length === 0) return refusal(instruction);
    const question = raw.slice(0, MAX_QUESTION_CHARS);
    const citations = relevant.map((h) => citationOf(h.section, quoteFor(h.section, question, analyzer)));
    const [first, ...rest] = relevant;
    const lines = [texts.t('knowledge.extractive', { source: sourceOf(texts, first!.section), quote: citations[0]!.quote })];
    const second = rest[0];
    if (second && second.score >= first!.score * THRESHOLDS.secondQuoteRatio) {
      lines.push(texts.t('knowledge.extractive_more', { source: sourceOf(texts, second.section), quote: citations[1]!.quote }));
    }
    const shown = lines.length;
    const others = relevant.slice(shown).map((h) => `${h.section.label}（${h.section.title}）`);
    if (others.length > 0) lines.push(texts.t('knowledge.see_also', { list: others.join('、') }));
    if (raw.length > MAX_QUESTION_CHARS) lines.push(texts.t('knowledge.too_long_note', { n: MAX_QUESTION_CHARS }));
    return { answer: lines.join('\n\n'), citations, refused: false, mode: 'extractive' };
  };

  const llm = config.llm ? createLlmAnswerer(config.llm, texts, log) : undefined;

  return {
    corpus,
    analyzer,
    index,
    retrieve,
    extractive,
    async answer(raw) {
      const fallback = extractive(raw);
      if (!llm || fallback.refused) return fallback;
      const { relevant } = retrieve(raw);
      return (await llm.answer(raw.slice(0, MAX_QUESTION_CHARS), relevant, fallback)) ?? fallback;
    },
  };
}
