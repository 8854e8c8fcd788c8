// The retrieval index scores with its own BM25 tables (src/knowledge/bm25.ts) instead of calling
// MiniSearch at every question. Its results must be MiniSearch's, to the last bit: the same hits, in
// the same order, with the same scores, and the same `linked`, for every question of every
// evaluation set (the reference below is the MiniSearch search the index used before), on the
// question as the index reads it (homophone typos read as the documents' words, added alongside).
import path from 'node:path';
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { loadCorpus, type Corpus } from '../../src/knowledge/corpus.ts';
import { createAnalyzer, type Analyzer } from '../../src/knowledge/analyzer.ts';
import { SearchIndex } from '../../src/knowledge/search.ts';
import { Bm25Index } from '../../src/knowledge/bm25.ts';
import { loadEvalSet } from '../eval/evaluate.ts';
import { BLIND_DIR, loadJsonl, type BlindQuestion } from '../eval/blind-eval.ts';

type Doc = { id: string; kind: 'section' | 'faq'; sections: string[]; text: string; py: string };

/** The index as it was: MiniSearch over the same documents, searched the same way. */
function miniSearchReference(corpus: Corpus, analyzer: Analyzer) {
  const mini = new MiniSearch<Doc>({
    fields: ['text', 'py'],
    storeFields: ['kind', 'sections'],
    tokenize: (text) => text.split(' ').filter(Boolean),
    processTerm: (term) => term,
  });
  const doc = (id: string, kind: Doc['kind'], sections: string[], raw: string): Doc => ({
    id,
    kind,
    sections,
    text: analyzer.terms(raw).join(' '),
    py: analyzer.pinyinTerms(raw).join(' '),
  });
  const docs: Doc[] = [];
  for (const s of corpus.sections)
    docs.push(doc(`s:${s.id}`, 'section', [s.id], `${s.label} ${s.title} ${s.chapter ?? ''} ${s.text}`));
  for (const e of corpus.faq) e.questions.forEach((q, i) => docs.push(doc(`f:${e.id}:${i}`, 'faq', e.sections, q)));
  mini.addAll(docs);
  return (question: string) => {
    const pinyinTerms = new Set(analyzer.pinyinTerms(question));
    const terms = [...new Set([...analyzer.terms(question), ...pinyinTerms])];
    if (terms.length === 0) return { hits: [], linked: false };
    const results = mini.search(terms.join(' '), {
      combineWith: 'OR',
      boost: { text: 1, py: 0.35 },
      boostTerm: (term) => (term.startsWith('=') ? 3 : 1),
    });
    const best = new Map<string, { section: string; score: number }>();
    let linked = false;
    for (const r of results) {
      const shared = r.terms.filter((t) => !pinyinTerms.has(t));
      if (shared.length >= 2 || shared.some((t) => t.startsWith('='))) linked = true;
      (r.sections as string[]).forEach((id, i) => {
        const weight = r.kind === 'faq' ? (i === 0 ? 1 : 0.85) : 1;
        const score = (r.score / Math.max(1, r.terms.length)) * weight;
        const prev = best.get(id);
        if (!prev || score > prev.score) best.set(id, { section: id, score });
      });
    }
    return { hits: [...best.values()].sort((a, b) => b.score - a.score).slice(0, 5), linked };
  };
}

const corpus = loadCorpus(loadConfig({}).knowledgeDir);
const analyzer = createAnalyzer(corpus.synonyms);
const index = new SearchIndex(corpus, analyzer);
const reference = miniSearchReference(corpus, analyzer);

const questions = [
  ...loadEvalSet(),
  ...loadEvalSet(path.join(import.meta.dirname, '../eval/holdout.jsonl')),
  ...loadJsonl<BlindQuestion>(path.join(BLIND_DIR, 'questions.jsonl')),
].map((i) => i.q);

describe('BM25 tables', () => {
  it('score every evaluation question exactly as MiniSearch did', () => {
    expect(questions.length).toBeGreaterThan(400);
    const differences = questions.flatMap((q) => {
      const ours = index.search(q, 5);
      const got = { hits: ours.hits.map((h) => ({ section: h.section.id, score: h.score })), linked: ours.linked };
      const want = reference(index.readTypos(q).question);
      return JSON.stringify(got) === JSON.stringify(want)
        ? []
        : [`${q}\n  got  ${JSON.stringify(got)}\n  want ${JSON.stringify(want)}`];
    });
    expect(differences.join('\n')).toBe('');
  });

  it('scores made-up documents as MiniSearch does, ties in MiniSearch’s order', () => {
    const texts = [
      ['a b c', 'x'],
      ['a a d', ''],
      ['b', 'x y'],
      ['c d e f', 'y'],
      ['e', 'x'],
    ];
    const mini = new MiniSearch<{ id: number; f0: string; f1: string }>({
      fields: ['f0', 'f1'],
      tokenize: (t) => t.split(' ').filter(Boolean),
      processTerm: (t) => t,
    });
    mini.addAll(texts.map(([f0, f1], id) => ({ id, f0: f0!, f1: f1! })));
    const bm25 = new Bm25Index(
      texts.map((fields) => fields.map((f) => f.split(' ').filter(Boolean))),
      [1, 0.5],
    );
    for (const query of [['a'], ['a', 'x'], ['x', 'y', 'e'], ['b', 'c', 'zz'], ['zz'], ['e', 'x']]) {
      const want = mini
        .search(query.join(' '), { boost: { f0: 1, f1: 0.5 }, boostTerm: (t) => (t === 'x' ? 2 : 1) })
        .map((r) => ({ doc: r.id as number, score: r.score / r.terms.length }));
      const got: { doc: number; score: number }[] = [];
      bm25.search(
        { terms: query, boost: (t) => (t === 'x' ? 2 : 1), isPlain: () => true, isStrong: () => false },
        (doc, score) => got.push({ doc, score }),
      );
      expect(got, query.join(' ')).toEqual(want);
    }
  });

  it('counts matched terms the caller calls plain, and notes a strong one', () => {
    const bm25 = new Bm25Index([[['退出', '联盟', '=退出']], [['联盟']]], [1]);
    const visited: { doc: number; plainTerms: number; strong: boolean }[] = [];
    bm25.search(
      {
        terms: ['退出', '联盟', '=退出', 'tui_chu'],
        boost: () => 1,
        isPlain: (t) => !t.includes('_'),
        isStrong: (t) => t.startsWith('='),
      },
      (doc, _score, plainTerms, strong) => visited.push({ doc, plainTerms, strong }),
    );
    const [first, second] = visited;
    expect(first).toMatchObject({ doc: 0, plainTerms: 3, strong: true });
    expect(second).toMatchObject({ doc: 1, plainTerms: 1, strong: false });
  });
});
