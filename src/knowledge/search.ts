// The retrieval index: MiniSearch (BM25) over the corpus sections and the curated FAQ questions,
// with our analyzer as the tokenizer. A FAQ hit lends its score to the sections it points at.
import MiniSearch from 'minisearch';
import type { Corpus, Section } from './corpus.ts';
import { STOPWORDS, type Analyzer } from './analyzer.ts';
import { createHomophoneFixer, type HomophoneFixer, type HomophoneTarget } from './homophones.ts';

type IndexedDoc = { id: string; kind: 'section' | 'faq'; sections: string[]; text: string; py: string };

export type SectionHit = {
  section: Section;
  score: number;
};

export type SearchResult = {
  hits: SectionHit[];
  /** Share of the question's content words that the corpus (or FAQ, or synonyms) knows. */
  coverage: number;
  /** Content words of the question that the corpus does not know. */
  unknownWords: string[];
  /**
   * Some indexed text (a section or a FAQ phrasing) shares more than one word with the question — two
   * of its terms, pinyin aside, or a curated synonym. When it is false, a single word of the question
   * (地址 in 地址可以填英文吗) is all that ties it to the documents.
   */
  linked: boolean;
};

const FAQ_WEIGHT = 1.0;
const FAQ_SECONDARY_WEIGHT = 0.85;
const SYNONYM_BOOST = 3;
/** Single characters that are function words: a homophone typo is never read across one. */
const FUNCTION_CHARS = new Set([...STOPWORDS].filter((w) => w.length === 1));

export class SearchIndex {
  private readonly mini: MiniSearch<IndexedDoc>;
  private readonly vocabulary = new Set<string>();
  private readonly homophones: HomophoneFixer;

  constructor(
    private readonly corpus: Corpus,
    private readonly analyzer: Analyzer,
  ) {
    this.mini = new MiniSearch<IndexedDoc>({
      fields: ['text', 'py'],
      storeFields: ['kind', 'sections'],
      // Documents arrive pre-analysed (space-joined terms), so splitting on spaces is exact.
      tokenize: (text) => text.split(' ').filter(Boolean),
      processTerm: (term) => term,
    });
    const docs: IndexedDoc[] = [];
    for (const s of corpus.sections) {
      const body = `${s.label} ${s.title} ${s.chapter ?? ''} ${s.text}`;
      docs.push(this.doc(`s:${s.id}`, 'section', [s.id], body));
    }
    for (const entry of corpus.faq) {
      entry.questions.forEach((q, i) => docs.push(this.doc(`f:${entry.id}:${i}`, 'faq', entry.sections, q)));
    }
    for (const group of corpus.synonyms) for (const w of group) this.learn(w);
    this.mini.addAll(docs);
    // What a homophone typo may stand for: every synonym (read as its group's first word), then the
    // words of the sections and the FAQ phrasings.
    const targets = new Map<string, HomophoneTarget>();
    for (const group of corpus.synonyms)
      for (const w of group) {
        const word = analyzer.fold(w);
        targets.set(word, { word, readAs: analyzer.fold(group[0]!), curated: true });
      }
    const texts = [...corpus.sections.map((s) => `${s.title} ${s.text}`), ...corpus.faq.flatMap((f) => f.questions)];
    for (const text of texts)
      for (const word of analyzer.contentWords(text))
        if (!targets.has(word)) targets.set(word, { word, readAs: word, curated: false });
    this.homophones = createHomophoneFixer(targets.values(), FUNCTION_CHARS);
  }

  private doc(id: string, kind: IndexedDoc['kind'], sections: string[], raw: string): IndexedDoc {
    this.learn(raw);
    return {
      id,
      kind,
      sections,
      text: this.analyzer.terms(raw).join(' '),
      py: this.analyzer.pinyinTerms(raw).join(' '),
    };
  }

  private learn(raw: string): void {
    for (const w of this.analyzer.contentWords(raw)) this.vocabulary.add(w);
    const folded = this.analyzer.fold(raw);
    // Bigrams too, so a word the segmenter cuts differently in the question is still "known".
    for (const run of folded.match(/\p{Script=Han}+/gu) ?? []) {
      for (let i = 0; i + 1 < run.length; i++) this.vocabulary.add(run.slice(i, i + 2));
    }
  }

  search(asked: string, limit = 5): SearchResult {
    // Homophone typos (义物, 公事) are read as the documents' word they sound like, added alongside.
    const fix = this.homophones(this.analyzer.segments(asked), (span) => this.known(span));
    const question = fix.words.length > 0 ? `${asked} ${fix.words.join(' ')}` : asked;
    const pinyinTerms = new Set(this.analyzer.pinyinTerms(question));
    const terms = [...new Set([...this.analyzer.terms(question), ...pinyinTerms])];
    const words = this.analyzer.contentWords(asked);
    const typo = (w: string) => [...fix.typos].some((t) => w.includes(t) || t.includes(w));
    const unknownWords = words.filter((w) => !this.known(w) && !typo(w));
    // No meaningful Han word at all (e.g. only a homophone typo): leave the decision to the score.
    const coverage = words.length === 0 ? 1 : 1 - unknownWords.length / words.length;
    if (terms.length === 0) return { hits: [], coverage, unknownWords, linked: false };

    const results = this.mini.search(terms.join(' '), {
      combineWith: 'OR',
      boost: { text: 1, py: 0.35 },
      // A curated synonym's canonical word is the strongest signal of what the question is about.
      boostTerm: (term) => (term.startsWith('=') ? SYNONYM_BOOST : 1),
    });
    const best = new Map<string, SectionHit>();
    let linked = false;
    for (const r of results) {
      const shared = r.terms.filter((t) => !pinyinTerms.has(t));
      if (shared.length >= 2 || shared.some((t) => t.startsWith('='))) linked = true;
      const sections = r.sections as string[];
      sections.forEach((id, i) => {
        const section = this.corpus.byId.get(id);
        if (!section) return;
        const weight = r.kind === 'faq' ? (i === 0 ? FAQ_WEIGHT : FAQ_SECONDARY_WEIGHT) : 1;
        // MiniSearch multiplies the BM25 sum by the number of matched terms, which lets long
        // sections win on many common bigrams; the plain sum keeps a precise FAQ match on top.
        const score = (r.score / Math.max(1, r.terms.length)) * weight;
        const prev = best.get(id);
        if (!prev || score > prev.score) best.set(id, { section, score });
      });
    }
    const hits = [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
    return { hits, coverage, unknownWords, linked };
  }

  /** A word is known when the corpus has it, or every bigram of it. */
  private known(word: string): boolean {
    if (this.vocabulary.has(word)) return true;
    if (!/^\p{Script=Han}+$/u.test(word) || word.length < 2) return false;
    for (let i = 0; i + 1 < word.length; i++) if (!this.vocabulary.has(word.slice(i, i + 2))) return false;
    return true;
  }
}
