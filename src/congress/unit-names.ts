// A unit named loosely in chat (「北京一中」 for 北京市第一中学, 「上海实验」, a typo): the member units it
// may mean, best first. The dialog never picks one silently: it asks which, even when one is found.

/** Character bigrams of a name, for a typo-tolerant likeness. */
const bigrams = (s: string): string[] => Array.from({ length: Math.max(s.length - 1, 0) }, (_, i) => s.slice(i, i + 2));

/** Dice coefficient over character bigrams: 1 for the same name, 0 for nothing in common. */
export function likeness(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.length === 0 || y.length === 0) return 0;
  const rest = [...y];
  let common = 0;
  for (const g of x) {
    const i = rest.indexOf(g);
    if (i >= 0) {
      common += 1;
      rest.splice(i, 1);
    }
  }
  return (2 * common) / (x.length + y.length);
}

/** Every character of `short` appears in `long`, in order (北京一中 in 北京市第一中学). */
const within = (short: string, long: string): boolean => {
  let at = 0;
  for (const c of short) {
    at = long.indexOf(c, at);
    if (at < 0) return false;
    at += 1;
  }
  return true;
};

const squash = (s: string) => s.replace(/[\s()（）·.,，、]/g, '').toLowerCase();

/** The names `typed` may mean, best first (at most `max`); none when nothing is close. */
export function unitCandidates(typed: string, names: readonly string[], max = 5): string[] {
  const q = squash(typed);
  if (q.length < 2) return [];
  const scored = names
    .map((name) => {
      const n = squash(name);
      const score = n.includes(q) ? 2 + q.length / n.length : within(q, n) ? 1 + q.length / n.length : likeness(q, n);
      return { name, score };
    })
    .filter((c) => c.score >= 0.5)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name, 'zh'));
  return scored.slice(0, max).map((c) => c.name);
}
