// BM25 over documents that arrive as terms, scored exactly as MiniSearch 7 scores an OR query without
// prefix or fuzzy matching (BM25+: k 1.2, b 0.7, d 0.5; field length = distinct terms; the average
// field length kept the way MiniSearch keeps it), so the same documents rank the same way and with
// the same scores (test/unit/bm25.test.ts compares the two on every evaluation question).
// The difference is the cost of a search: every term's BM25 weight in every document is computed
// once, when the index is built, and a search only adds numbers into arrays it reuses. MiniSearch
// builds an options object, a result map and a match object per query term and document (≈210 KB
// per question), and that garbage made the answer latency's tail.

const K = 1.2;
const B = 0.7;
const D = 0.5;
const STAMP_LIMIT = 2 ** 30;

/** One field of one term: the documents holding it (ascending) and the term's BM25 weight in each. */
type Posting = { docs: Int32Array; weights: Float64Array };

/**
 * One matching document: its position in the list the index was built from; MiniSearch's `score /
 * terms.length` for it (the plain sum over the matched terms); how many matched query terms `isPlain`
 * calls plain; whether one of them `isStrong` calls strong.
 */
export type Bm25Visit = (doc: number, score: number, plainTerms: number, strong: boolean) => void;

export type Bm25Query = {
  terms: readonly string[];
  /** A term's weight (MiniSearch's `boostTerm`). */
  boost(term: string): number;
  /** Counted in `plainTerms` when it matches. */
  isPlain(term: string): boolean;
  /** Sets `strong` when it matches. */
  isStrong(term: string): boolean;
};

export class Bm25Index {
  private readonly postings = new Map<string, (Posting | undefined)[]>();
  private readonly size: number;
  // Reused by every search (a search runs to the end synchronously).
  private readonly total: Float64Array;
  private readonly perTerm: Float64Array;
  private readonly termStamp: Int32Array;
  private readonly searchStamp: Int32Array;
  private readonly matched: Int32Array;
  private readonly plain: Int32Array;
  private readonly strong: Uint8Array;
  private readonly order: Int32Array;
  private readonly termDocs: Int32Array;
  /** MiniSearch's score (the sum times the number of matched terms): what it sorts by. */
  private readonly rank: Float64Array;
  /** Higher rank first; answers -1, 0 or 1 (a small integer: no number is boxed per comparison). */
  private readonly byRank = (a: number, b: number): number => {
    const ra = this.rank[a]!;
    const rb = this.rank[b]!;
    return rb > ra ? 1 : rb < ra ? -1 : 0;
  };
  private stamp = 0;

  /**
   * `docs[d][f]` are the terms of field `f` of document `d`; `fieldBoosts[f]` weighs field `f`.
   */
  constructor(
    docs: readonly (readonly (readonly string[])[])[],
    private readonly fieldBoosts: readonly number[],
  ) {
    const fields = fieldBoosts.length;
    this.size = docs.length;
    const average = new Array<number>(fields).fill(0);
    const lengths = docs.map(() => new Array<number>(fields).fill(0));
    const frequencies = new Map<string, Map<number, number>[]>();
    docs.forEach((doc, d) => {
      for (let f = 0; f < fields; f++) {
        const terms = doc[f] ?? [];
        const length = new Set(terms).size;
        lengths[d]![f] = length;
        average[f] = (average[f]! * d + length) / (d + 1);
        for (const term of terms) {
          let byField = frequencies.get(term);
          if (!byField) frequencies.set(term, (byField = Array.from({ length: fields }, () => new Map<number, number>())));
          byField[f]!.set(d, (byField[f]!.get(d) ?? 0) + 1);
        }
      }
    });
    for (const [term, byField] of frequencies) {
      this.postings.set(
        term,
        byField.map((freqs, f) => {
          if (freqs.size === 0) return undefined;
          const docIds = Int32Array.from([...freqs.keys()].sort((a, b) => a - b));
          const weights = Float64Array.from(docIds, (d) =>
            bm25(freqs.get(d)!, freqs.size, this.size, lengths[d]![f]!, average[f]!),
          );
          return { docs: docIds, weights };
        }),
      );
    }
    const n = this.size;
    this.total = new Float64Array(n);
    this.perTerm = new Float64Array(n);
    this.termStamp = new Int32Array(n);
    this.searchStamp = new Int32Array(n);
    this.matched = new Int32Array(n);
    this.plain = new Int32Array(n);
    this.strong = new Uint8Array(n);
    this.order = new Int32Array(n);
    this.termDocs = new Int32Array(n);
    this.rank = new Float64Array(n);
  }

  /**
   * Visits the documents matching any term, best first, ties in the order MiniSearch returns them
   * (documents are not listed in an array of objects: a search leaves no garbage behind). `visit`
   * must not search this index again: the arrays it is read from are reused.
   */
  search(query: Bm25Query, visit: Bm25Visit): void {
    const { total, perTerm, termStamp, searchStamp, matched, plain, strong, order, termDocs, rank } = this;
    // Stamps tell "first time this term (or this search) meets the document" without clearing arrays.
    if (this.stamp > STAMP_LIMIT) this.resetStamps();
    const search = ++this.stamp;
    let found = 0;
    for (let t = 0; t < query.terms.length; t++) {
      const term = query.terms[t]!;
      const byField = this.postings.get(term);
      if (!byField) continue;
      const termMark = ++this.stamp;
      const boost = query.boost(term);
      let termFound = 0;
      for (let f = 0; f < byField.length; f++) {
        const posting = byField[f];
        if (!posting) continue;
        const factor = boost * this.fieldBoosts[f]!;
        for (let i = 0; i < posting.docs.length; i++) {
          const d = posting.docs[i]!;
          const weighted = factor * posting.weights[i]!;
          if (termStamp[d] === termMark) perTerm[d]! += weighted;
          else {
            termStamp[d] = termMark;
            perTerm[d] = weighted;
            termDocs[termFound++] = d;
          }
        }
      }
      const isPlain = query.isPlain(term);
      const isStrong = query.isStrong(term);
      for (let i = 0; i < termFound; i++) {
        const d = termDocs[i]!;
        if (searchStamp[d] === search) {
          total[d] = total[d]! + perTerm[d]!;
          matched[d]! += 1;
          if (isPlain) plain[d]! += 1;
          if (isStrong) strong[d] = 1;
        } else {
          searchStamp[d] = search;
          total[d] = perTerm[d]!;
          matched[d] = 1;
          plain[d] = isPlain ? 1 : 0;
          strong[d] = isStrong ? 1 : 0;
          order[found++] = d;
        }
      }
    }
    for (let i = 0; i < found; i++) {
      const d = order[i]!;
      rank[d] = total[d]! * matched[d]!;
    }
    // MiniSearch sorts by that score, stably (typed arrays sort stably too): ties keep its order.
    const ranked = order.subarray(0, found).sort(this.byRank);
    for (let i = 0; i < found; i++) {
      const d = ranked[i]!;
      // MiniSearch multiplies by the number of matched terms; dividing again gives the plain sum,
      // rounded as `score * n / n` rounds.
      visit(d, rank[d]! / matched[d]!, plain[d]!, strong[d] === 1);
    }
  }

  private resetStamps(): void {
    this.termStamp.fill(0);
    this.searchStamp.fill(0);
    this.stamp = 0;
  }
}

/** MiniSearch's calcBM25Score, written the same way so it rounds the same way. */
function bm25(termFreq: number, matchingCount: number, totalCount: number, fieldLength: number, avgFieldLength: number) {
  const invDocFreq = Math.log(1 + (totalCount - matchingCount + 0.5) / (matchingCount + 0.5));
  return invDocFreq * (D + (termFreq * (K + 1)) / (termFreq + K * (1 - B + (B * fieldLength) / avgFieldLength)));
}
