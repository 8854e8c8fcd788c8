// Merging what the question found with what its rewrite (rewrite.ts) found. The question's own hits
// are the floor: every one of them stays, ahead of anything only the rewrite found. Among them, each
// is weighed by its score relative to the best of its own search (two searches' scores do not
// compare), plus its relative score in the rewrite's search when that found it too — so the rewrite
// can bring forward a section the question ranked lower. Sections only the rewrite found follow, in
// its order, while there is room.
import type { Section } from './corpus.ts';
import type { SectionHit } from './search.ts';

/** At most this many sections in all; the question's own are never dropped for it. */
export const MERGED_LIMIT = 4;

export function mergeHits(
  plain: readonly SectionHit[],
  rewritten: readonly SectionHit[],
  limit = MERGED_LIMIT,
): SectionHit[] {
  const best = plain[0]?.score;
  if (best === undefined || rewritten.length === 0) return [...plain];
  const bestRewritten = rewritten[0]!.score;
  const alsoFound = new Map<Section, number>(rewritten.map((h) => [h.section, h.score / bestRewritten]));
  // Sorting is stable: equal weights keep the question's order. Scores stay in the question's units,
  // so "is the second close enough to the first to quote" reads as before.
  const own = plain
    .map((h) => ({ section: h.section, score: (h.score / best + (alsoFound.get(h.section) ?? 0)) * best }))
    .sort((a, b) => b.score - a.score);
  const ownSections = new Set(plain.map((h) => h.section));
  const added = rewritten
    .filter((h) => !ownSections.has(h.section))
    .slice(0, Math.max(0, limit - own.length))
    .map((h) => ({ section: h.section, score: (h.score / bestRewritten) * best }));
  return [...own, ...added];
}
