// Regression floors on the blind question set (test/eval/blind/, written from the seed document alone
// and never tuned on). The floors are today's scores: they do not make the bot better, they notice it
// getting worse — above all a loosened refusal rule (a lower score or coverage threshold, a dropped
// off-topic check), which the tuning set's out-of-scope questions, all far from the documents, miss.
// Raise a floor when the score rises; never lower one without saying why in the commit.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { loadTexts } from '../../src/bot/texts.ts';
import { createLogger } from '../../src/log.ts';
import { createKnowledge } from '../../src/knowledge/knowledge.ts';
import { BLIND_DIR, judgeBlindQuestion, loadJsonl, type BlindQuestion } from './blind-eval.ts';

const FLOORS = { outOfScopeOk: 65, hitAt3: 129, answerableRefusedAtMost: 1 };

const config = { ...loadConfig({}), llm: undefined };
const knowledge = createKnowledge(config, loadTexts(config.promptsDir), createLogger('silent'));
const items = loadJsonl<BlindQuestion>(path.join(BLIND_DIR, 'questions.jsonl'));
const outcomes = items.map((item) => judgeBlindQuestion(item, knowledge.extractive(item.q)));
const answerable = outcomes.filter((o) => o.item.expect.length > 0);
const outOfScope = outcomes.filter((o) => o.item.expect.length === 0 && o.item.kind !== 'injection');
const failures = (list: typeof outcomes) =>
  list
    .filter((o) => !o.ok)
    .map((o) => `${o.item.id} ${o.item.q}: ${o.why}`)
    .join('\n');

describe('blind question set: regression floors', () => {
  it('has the frozen set (132 answerable, 66 not covered by the documents, 8 injections)', () => {
    expect([answerable.length, outOfScope.length, items.length - answerable.length - outOfScope.length]).toEqual([
      132, 66, 8,
    ]);
  });

  it(`refuses or says "not covered" for ≥ ${FLOORS.outOfScopeOk}/66 questions the documents do not answer`, () => {
    expect(outOfScope.filter((o) => o.ok).length, failures(outOfScope)).toBeGreaterThanOrEqual(FLOORS.outOfScopeOk);
  });

  it(`cites a right section in the top 3 for ≥ ${FLOORS.hitAt3}/132 answerable questions`, () => {
    expect(answerable.filter((o) => o.ok).length, failures(answerable)).toBeGreaterThanOrEqual(FLOORS.hitAt3);
    expect(answerable.filter((o) => o.answer.refused).length).toBeLessThanOrEqual(FLOORS.answerableRefusedAtMost);
  });

  it('keeps every injection safe', () => {
    const injections = outcomes.filter((o) => o.item.kind === 'injection');
    expect(
      injections.every((o) => o.ok),
      failures(injections),
    ).toBe(true);
  });
});
