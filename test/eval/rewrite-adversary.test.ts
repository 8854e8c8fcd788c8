// The query rewrite (src/knowledge/rewrite.ts) on every evaluation question, with a fake model that
// lies: it calls every question a charter matter and names charter words — a fixed phrase, or the
// words of the section the question itself ranks first or second (the lie hardest to tell from a
// true rewrite). The answering model says NO_ANSWER, so what is quoted shows what retrieval found.
// Whatever the rewrite says, no question the plain path refuses or answers as "not covered" is
// answered as if the documents covered it, every injection stays safe, and no set's top-3 citation
// hits drop. A truthful rewrite (the expected section's words; OUT_OF_SCOPE otherwise) must not lose
// anything either.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { loadTexts } from '../../src/bot/texts.ts';
import { createLogger } from '../../src/log.ts';
import { createKnowledge, type Knowledge } from '../../src/knowledge/knowledge.ts';
import type { Answer } from '../../src/knowledge/answer.ts';
import type { Section } from '../../src/knowledge/corpus.ts';
import { startFakeOpenAI, type ChatRequest, type FakeOpenAI } from '../support/fake-openai.ts';
import { judge, type EvalItem } from './evaluate.ts';
import { NOT_COVERED, judgeBlindQuestion } from './blind-eval.ts';

type Item = EvalItem & { set: string };
const SETS = ['questions.jsonl', 'holdout.jsonl', 'blind/questions.jsonl'];
const items: Item[] = SETS.flatMap((set) =>
  fs
    .readFileSync(path.join(import.meta.dirname, set), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => ({ ...(JSON.parse(l) as EvalItem), set })),
);
const outOfScope = (i: Item) => i.kind !== 'injection' && (i.refuse === true || i.expect.length === 0);
const ok = (i: Item, a: Answer) => (i.set.startsWith('blind') ? judgeBlindQuestion(i, a) : judge(i, a)).ok;
/** Refused, or said first not to be covered by the documents. */
const notAnswered = (a: Answer) => a.refused || NOT_COVERED.test(a.answer.slice(0, 80));

const base = loadConfig({});
const texts = loadTexts(base.promptsDir);
const plain = createKnowledge({ ...base, llm: undefined }, texts, createLogger('silent'));
const words = (s: Section | undefined) =>
  s ? `${s.label} ${s.title} ${plain.analyzer.contentWords(s.text).slice(0, 6).join(' ')}` : '联盟 成员';
const byQuestion = new Map(items.map((i) => [i.q, i]));

const models: Record<string, (question: string) => string> = {
  'a fixed charter phrase': () => '成员 退出 联盟 申请 批准',
  'the section the question ranks first': (q) => words(plain.retrieve(q).result.hits[0]?.section),
  'the section the question ranks second': (q) => {
    const hits = plain.retrieve(q).result.hits;
    return words((hits[1] ?? hits[0])?.section);
  },
};

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  fake.reply = () => ({ content: 'NO_ANSWER' });
});
afterAll(async () => {
  await fake?.close();
});

const questionOf = (request: ChatRequest) => /"""\n([\s\S]*)\n"""/.exec(request.messages[1]!.content)![1]!;

async function answerAll(rewrite: (question: string) => string): Promise<Map<Item, Answer>> {
  fake.rewrite = (request) => ({ content: rewrite(questionOf(request)) });
  fake.rewriteRequests.length = 0;
  const config = loadConfig({ OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'k', LLM_REWRITE_TIMEOUT_MS: '5000' });
  const knowledge: Knowledge = createKnowledge(config, texts, createLogger('silent'));
  const answers = new Map<Item, Answer>();
  for (const item of items) answers.set(item, await knowledge.answer(item.q));
  // Most questions are rewritten: the test is not passing because nobody asked the model.
  expect(fake.rewriteRequests.length).toBeGreaterThan(items.length / 2);
  return answers;
}

const hitsPerSet = (answer: (i: Item) => Answer) =>
  Object.fromEntries(
    SETS.map((set) => [
      set,
      items.filter((i) => i.set === set && !outOfScope(i) && i.kind !== 'injection' && ok(i, answer(i))).length,
    ]),
  );

describe('query rewrite against a lying model', () => {
  const baseline = new Map(items.map((i) => [i, plain.extractive(i.q)]));

  it.each(Object.keys(models))('answers nothing out of scope as covered when the model names %s', async (name) => {
    const answers = await answerAll(models[name]!);
    const flipped = items
      .filter((i) => outOfScope(i) && notAnswered(baseline.get(i)!) && !notAnswered(answers.get(i)!))
      .map(
        (i) =>
          `${i.q} → ${answers
            .get(i)!
            .citations.map((c) => c.section)
            .join(',')}`,
      );
    expect(flipped).toEqual([]);
    const unsafe = items.filter((i) => i.kind === 'injection' && !ok(i, answers.get(i)!)).map((i) => i.q);
    expect(unsafe).toEqual([]);
    const before = hitsPerSet((i) => baseline.get(i)!);
    const after = hitsPerSet((i) => answers.get(i)!);
    for (const set of SETS) expect(after[set], set).toBeGreaterThanOrEqual(before[set]!);
  });

  it('loses nothing with a truthful model, and offers 第二十条 for the deep paraphrase it alone refused', async () => {
    const answers = await answerAll((q) => {
      const item = byQuestion.get(q);
      return !item || outOfScope(item) || item.expect.length === 0
        ? 'OUT_OF_SCOPE'
        : words(plain.sectionFor(item.expect[0]!));
    });
    const lost = items.filter((i) => ok(i, baseline.get(i)!) && !ok(i, answers.get(i)!)).map((i) => i.q);
    expect(lost).toEqual([]);
    const paraphrase = [...answers].find(([i]) => i.q === '要是哪天我们觉得没意思了能不能撤')!;
    expect(baseline.get(paraphrase[0])!.refused).toBe(true);
    expect(paraphrase[1].citations[0]?.section).toBe('第二十条');
    expect(notAnswered(paraphrase[1])).toBe(true);
  });
});
