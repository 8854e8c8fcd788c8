// The retrieval index: BM25 (bm25.ts, MiniSearch's scoring) over the corpus sections and the curated
// FAQ questions, with our analyzer as the tokenizer. A FAQ hit lends its score to the sections it
// points at.
import type { Corpus, Section } from './corpus.ts';
import { STOPWORDS, type Analyzer } from './analyzer.ts';
import { Bm25Index } from './bm25.ts';
import { createHomophoneFixer, type HomophoneFixer, type HomophoneTarget } from './homophones.ts';

type IndexedDoc = { kind: 'section' | 'faq'; sections: Section[] };

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

/** Fields of an indexed text: its terms, and its pinyin bigrams (weighed less). */
const FIELD_BOOSTS = [1, 0.35];

/** Terms as the index keeps them: one word per space-separated piece, each once. */
function pieces(terms: readonly string[]): string[] {
  const out = new Set<string>();
  for (const term of terms) {
    if (!term.includes(' ')) {
      if (term) out.add(term);
    }
    else for (const piece of term.split(' ')) if (piece) out.add(piece);
  }
  return [...out];
}

export class SearchIndex {
  private readonly bm25: Bm25Index;
  private readonly docs: IndexedDoc[] = [];
  private readonly vocabulary = new Set<string>();
  private readonly homophones: HomophoneFixer;

  constructor(
    corpus: Corpus,
    private readonly analyzer: Analyzer,
  ) {
    const fields: string[][][] = [];
    const add = (kind: IndexedDoc['kind'], sectionIds: string[], raw: string) => {
      this.learn(raw);
      const sections = sectionIds.map((id) => corpus.byId.get(id)).filter((s) => s !== undefined);
      this.docs.push({ kind, sections });
      fields.push([this.analyzer.terms(raw), this.analyzer.pinyinTerms(raw)].map((t) => t.join(' ').split(' ').filter(Boolean)));
    };
    for (const s of corpus.sections) add('section', [s.id], `${s.label} ${s.title} ${s.chapter ?? ''} ${s.text}`);
    for (const entry of corpus.faq) for (const q of entry.questions) add('faq', entry.sections, q);
    for (const group of corpus.synonyms) for (const w of group) this.learn(w);
    this.bm25 = new Bm25Index(fields, FIELD_BOOSTS);
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

  private learn(raw: string): void {
    for (const w of this.analyzer.contentWords(raw)) this.vocabulary.add(w);
    const folded = this.analyzer.fold(raw);
    // Bigrams too, so a word the segmenter cuts differently in the question is still "known".
    for (const run of folded.match(/\p{Script=Han}+/gu) ?? []) {
      for (let i = 0; i + 1 < run.length; i++) this.vocabulary.add(run.slice(i, i + 2));
    }
  }

  /** Homophone typos (义物, 公事) read as the documents' word they sound like, added alongside. */
  readTypos(asked: string): { question: string; typos: ReadonlySet<string> } {
    const fix = this.homophones(this.analyzer.segments(asked), (span) => this.known(span));
    return { question: fix.words.length > 0 ? `${asked} ${fix.words.join(' ')}` : asked, typos: fix.typos };
  }

  search(asked: string, limit = 5): SearchResult {
    const { question, typos } = this.readTypos(asked);
    const pinyinTerms = new Set(this.analyzer.pinyinTerms(question));
    const terms = pieces([...this.analyzer.terms(question), ...pinyinTerms]);
    const words = this.analyzer.contentWords(asked);
    const typo = (w: string) => [...typos].some((t) => w.includes(t) || t.includes(w));
    const unknownWords = words.filter((w) => !this.known(w) && !typo(w));
    // No meaningful Han word at all (e.g. only a homophone typo): leave the decision to the score.
    const coverage = words.length === 0 ? 1 : 1 - unknownWords.length / words.length;
    if (terms.length === 0) return { hits: [], coverage, unknownWords, linked: false };

    const best = new Map<Section, SectionHit>();
    let linked = false;
    this.bm25.search(
      {
        terms,
        // A curated synonym's canonical word is the strongest signal of what the question is about.
        boost: (term) => (term.startsWith('=') ? SYNONYM_BOOST : 1),
        isPlain: (term) => !pinyinTerms.has(term),
        isStrong: (term) => term.startsWith('=') && !pinyinTerms.has(term),
      },
      (doc, score, plainTerms, strong) => {
        if (plainTerms >= 2 || strong) linked = true;
        const { kind, sections } = this.docs[doc]!;
        for (let i = 0; i < sections.length; i++) {
          const section = sections[i]!;
          const weight = kind === 'faq' ? (i === 0 ? FAQ_WEIGHT : FAQ_SECONDARY_WEIGHT) : 1;
          // BM25 summed over the matched terms (not multiplied by their number, as MiniSearch does,
          // which lets long sections win on many common bigrams): a precise FAQ match stays on top.
          const weighted = score * weight;
          const prev = best.get(section);
          if (!prev) best.set(section, { section, score: weighted });
          else if (weighted > prev.score) prev.score = weighted;
        }
      },
    );
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
