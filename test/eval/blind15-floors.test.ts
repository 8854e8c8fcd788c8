// Regression floors on blind set 15 (test/eval/blind15/: phone typing, homophones, voice run-ons,
// elderly politeness, pinyin and English mixed in, 繁体, near-domain questions the documents do not
// answer, and whole applications typed the messy way). Written from the seed document alone and frozen
// before any change it led to. The floors are the scores reached; they notice the bot getting worse.
// Raise a floor when the score rises; never lower one without saying why in the commit.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { loadTexts } from '../../src/bot/texts.ts';
import { createLogger } from '../../src/log.ts';
import { createKnowledge } from '../../src/knowledge/knowledge.ts';
import {
  blindDir,
  judgeBlindQuestion,
  loadJsonl,
  playBlindDialogs,
  type BlindDialog,
  type BlindQuestion,
  type DialogOutcome,
} from './blind-eval.ts';

const FLOORS = {
  hitAt3: 72,
  outOfScopeOk: 36,
  answerableRefusedAtMost: 0,
  mixedLanguageOk: 19,
  dialogsExact: 16,
  fieldsRight: 192,
  silentOverwritesAtMost: 0,
};

const DIR = blindDir('blind15');
const config = { ...loadConfig({}), llm: undefined };
const knowledge = createKnowledge(config, loadTexts(config.promptsDir), createLogger('silent'));
const items = loadJsonl<BlindQuestion>(path.join(DIR, 'questions.jsonl'));
const outcomes = items.map((item) => judgeBlindQuestion(item, knowledge.extractive(item.q)));
const answerable = outcomes.filter((o) => o.item.expect.length > 0);
const outOfScope = outcomes.filter((o) => o.item.expect.length === 0);
const mixed = outcomes.filter((o) => o.item.lang === 'mixed' || o.item.lang === 'pinyin');
const failures = (list: typeof outcomes) =>
  list
    .filter((o) => !o.ok)
    .map((o) => `${o.item.id} ${o.item.q}: ${o.why}`)
    .join('\n');

describe('blind set 15, questions: regression floors', () => {
  it('has the frozen set (72 answerable, 36 not covered, 19 mixed-language or pinyin)', () => {
    expect([answerable.length, outOfScope.length, mixed.length]).toEqual([72, 36, 19]);
  });

  it(`cites a right section in the top 3 for ≥ ${FLOORS.hitAt3}/72 answerable questions, refusing ≤ ${FLOORS.answerableRefusedAtMost}`, () => {
    expect(answerable.filter((o) => o.ok).length, failures(answerable)).toBeGreaterThanOrEqual(FLOORS.hitAt3);
    expect(answerable.filter((o) => o.answer.refused).length).toBeLessThanOrEqual(FLOORS.answerableRefusedAtMost);
  });

  it(`refuses or says "not covered" for ≥ ${FLOORS.outOfScopeOk}/36 questions the documents do not answer`, () => {
    expect(outOfScope.filter((o) => o.ok).length, failures(outOfScope)).toBeGreaterThanOrEqual(FLOORS.outOfScopeOk);
  });

  it(`handles ≥ ${FLOORS.mixedLanguageOk}/19 questions with English or pinyin in them`, () => {
    expect(mixed.filter((o) => o.ok).length, failures(mixed)).toBeGreaterThanOrEqual(FLOORS.mixedLanguageOk);
  });
});

describe('blind set 15, whole applications: regression floors', () => {
  let played: DialogOutcome[] = [];
  beforeAll(async () => {
    played = await playBlindDialogs(loadJsonl<BlindDialog>(path.join(DIR, 'dialogs.jsonl')));
  }, 120_000);
  afterAll(() => {
    played = [];
  });
  const report = () =>
    played
      .filter((o) => !o.ok || o.silentOverwrites?.length)
      .map((o) => `${o.item.id}: ${[...o.diffs, ...(o.silentOverwrites ?? [])].join('; ')}`)
      .join('\n');

  it(`stores exactly what a careful secretary would for ≥ ${FLOORS.dialogsExact}/16 dialogs (${FLOORS.fieldsRight}/192 fields)`, () => {
    expect(played).toHaveLength(16);
    expect(played.filter((o) => o.ok).length, report()).toBeGreaterThanOrEqual(FLOORS.dialogsExact);
    const wrong = played.reduce((n, o) => n + o.diffs.filter((d) => !d.startsWith('submitted')).length, 0);
    expect(192 - wrong, report()).toBeGreaterThanOrEqual(FLOORS.fieldsRight);
  });

  it(`never replaces a saved field without showing the new value (≤ ${FLOORS.silentOverwritesAtMost})`, () => {
    const silent = played.reduce((n, o) => n + (o.silentOverwrites?.length ?? 0), 0);
    expect(silent, report()).toBeLessThanOrEqual(FLOORS.silentOverwritesAtMost);
  });
});
