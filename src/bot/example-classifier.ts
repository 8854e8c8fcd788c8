// A small scored classifier over examples: each intent is a list of example phrasings; a message
// scores, per intent, its best cosine similarity with an example over character uni- and bigrams
// (Latin words count as whole tokens). Deterministic, microseconds per message, no training step —
// the examples are the model, so adding a phrasing is the way to teach it.

type Vector = Map<string, number>;

function features(text: string): Vector {
  const v: Vector = new Map();
  const add = (f: string, w: number) => v.set(f, (v.get(f) ?? 0) + w);
  const folded = text.toLowerCase();
  for (const word of folded.match(/[a-z]+/g) ?? []) add(`w:${word}`, 1.5);
  for (const run of folded.match(/[\u3400-\u9fff]+/gu) ?? []) {
    for (let i = 0; i < run.length; i++) {
      add(run[i]!, 0.5);
      if (i + 1 < run.length) add(run.slice(i, i + 2), 1);
    }
  }
  return v;
}

function norm(v: Vector): number {
  let s = 0;
  for (const x of v.values()) s += x * x;
  return Math.sqrt(s);
}

function cosine(a: Vector, an: number, b: Vector, bn: number): number {
  if (an === 0 || bn === 0) return 0;
  let dot = 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const [k, x] of small) {
    const y = large.get(k);
    if (y !== undefined) dot += x * y;
  }
  return dot / (an * bn);
}

export type Scores<I extends string> = { best: I; score: number; margin: number; all: Record<I, number> };

export class ExampleClassifier<I extends string> {
  private readonly examples: { intent: I; v: Vector; n: number }[] = [];

  constructor(private readonly intents: Record<I, readonly string[]>) {
    for (const intent of Object.keys(intents) as I[])
      for (const example of intents[intent]) {
        const v = features(example);
        this.examples.push({ intent, v, n: norm(v) });
      }
  }

  classify(text: string): Scores<I> {
    const v = features(text);
    const n = norm(v);
    const all = Object.fromEntries(Object.keys(this.intents).map((k) => [k, 0])) as Record<I, number>;
    for (const e of this.examples) all[e.intent] = Math.max(all[e.intent], cosine(v, n, e.v, e.n));
    const ranked = (Object.keys(all) as I[]).sort((a, b) => all[b] - all[a]);
    const best = ranked[0]!;
    return { best, score: all[best], margin: all[best] - (ranked[1] ? all[ranked[1]] : 0), all };
  }
}
