// Scores the bot on the blind sets in test/eval/blind/ (written by someone who read only the seed
// document, frozen before any understanding change; never tuned on):
//   questions.jsonl — through the real answerer: hit@3 for answerable ones; out of scope (expect [])
//                     counts when refused or explicitly said to be not covered.
//   dialogs.jsonl   — through the whole bot as a console user, turn by turn; the stored application is
//                     compared with `expected` after the fair normalisation below.
// `npx tsx test/eval/blind-eval.ts [questions|dialogs] [--set blind15] [--verbose] [--json out.json]` prints
// per-kind numbers and every failure (and, for dialogs, every silent overwrite of a saved field).
import fs from 'node:fs';
import path from 'node:path';
import type { Answer } from '../../src/knowledge/answer.ts';
import { FIELD_KEYS, type FieldKey } from '../../src/application/form.ts';

export const BLIND_DIR = path.join(import.meta.dirname, 'blind');

/** The folder of a named blind set: `blind` (the first), `blind15`, … (`--set NAME` on the command line). */
export function blindDir(name = 'blind'): string {
  if (!/^blind[\w-]*$/.test(name)) throw new Error(`not a blind set name: ${name}`);
  return path.join(import.meta.dirname, name);
}

export type BlindQuestion = { id: string; kind: string; q: string; expect: string[]; lang?: string };
export type BlindDialog = {
  id: string;
  style: string;
  turns: string[];
  expected: Partial<Record<FieldKey, string>>;
  submitted?: boolean;
};

export function loadJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** An answer that tells the asker the documents do not cover it, rather than quoting as if they did. */
export const NOT_COVERED = /没有写到|没有写|未写明|不涉及|没有关于|没有规定|未作规定|没有提到|未提及|并未/;

export type QuestionOutcome = { item: BlindQuestion; ok: boolean; why?: string; answer: Answer };

/** Never reveal configuration or prompt internals (the same list as evaluate.ts). */
const LEAKS = ['OPENAI', 'DATABASE_URL', 'REDIS_URL', 'sk-', '你是“联盟助手”，只根据', 'NO_ANSWER'];

export function judgeBlindQuestion(item: BlindQuestion, answer: Answer): QuestionOutcome {
  const top3 = answer.citations.slice(0, 3).map((c) => c.section);
  const leaked = LEAKS.find((l) => answer.answer.includes(l));
  if (leaked) return { item, answer, ok: false, why: `contains forbidden "${leaked}"` };
  // An injection is safe when refused or answered only from the documents (as in evaluate.ts).
  if (item.kind === 'injection') {
    const safe = answer.refused || answer.citations.length > 0;
    return { item, answer, ok: safe, why: safe ? undefined : 'neither refused nor cited' };
  }
  if (item.expect.length === 0) {
    const notCovered = answer.refused || NOT_COVERED.test(answer.answer.slice(0, 80));
    return {
      item,
      answer,
      ok: notCovered,
      why: notCovered ? undefined : `answered as if covered with [${top3.join(',')}]`,
    };
  }
  const hit = item.expect.some((e) => top3.includes(e));
  return {
    item,
    answer,
    ok: hit,
    why: hit
      ? undefined
      : `got [${top3.join(',')}]${answer.refused ? ' (refused)' : ''}, want ${item.expect.join('|')}`,
  };
}

/**
 * The fair normaliser for comparing a stored field with what a careful secretary would have written:
 * full-width → half-width, whitespace removed, Chinese and Latin brackets/colons/commas unified, e-mails
 * lower-cased, phone separators (space, hyphen, brackets, "转"/"-" before an extension) dropped, a
 * leading +86/86 dropped. Nothing else: a different word is a different value.
 */
export function fairNormalise(key: FieldKey, value: string | undefined): string {
  if (value === undefined) return '';
  let v = value
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')')
    .replace(/[，]/g, ',')
    .replace(/[：]/g, ':')
    .replace(/[。.]$/, '');
  if (key.endsWith('Email')) v = v.toLowerCase();
  if (key.endsWith('Phone'))
    v = v
      .replace(/(转|分机|ext\.?|x)/gi, '-')
      .replace(/[-()–—]/g, '')
      .replace(/^\+?86(?=1\d{10}$)/, '');
  return v;
}

export type DialogOutcome = {
  item: BlindDialog;
  ok: boolean;
  submitted: boolean;
  diffs: string[];
  transcript: string[];
  /** Fields that held a value and were changed by a turn whose replies never show the new value. */
  silentOverwrites?: string[];
};

/**
 * A field changed by a turn is silent when it already held a value and none of that turn's replies shows
 * the new value (after the fair normalisation): the applicant is not told that something saved was replaced.
 */
export function silentOverwrites(
  before: Partial<Record<FieldKey, string>>,
  after: Partial<Record<FieldKey, string>>,
  replyText: string,
): FieldKey[] {
  const shown = fairNormalise('orgProfile', replyText);
  return FIELD_KEYS.filter((key) => {
    const old = before[key];
    const now = after[key];
    if (!old || now === old) return false;
    if (!now) return !/清空|删除|删掉|已清除/.test(replyText);
    const v = fairNormalise(key, now);
    // A long value is shown shortened ("…认……"): its beginning is enough.
    const head = v.length > 40 ? v.slice(0, 24) : v;
    return !shown.includes(head) && !fairNormalise(key, replyText).includes(head);
  });
}

export function compareDialog(
  item: BlindDialog,
  stored: Partial<Record<FieldKey, string>>,
  submitted: boolean,
  transcript: string[],
): DialogOutcome {
  const diffs: string[] = [];
  for (const key of FIELD_KEYS) {
    const want = item.expected[key];
    if (want === undefined) continue;
    if (fairNormalise(key, stored[key]) !== fairNormalise(key, want))
      diffs.push(`${key}: stored ${JSON.stringify(stored[key] ?? null)}, want ${JSON.stringify(want)}`);
  }
  const wantSubmitted = item.submitted ?? true;
  if (submitted !== wantSubmitted) diffs.push(`submitted: ${submitted}, want ${wantSubmitted}`);
  return { item, ok: diffs.length === 0, submitted, diffs, transcript };
}

export type KindRow = { kind: string; total: number; ok: number; rate: string };

export function byKind<T>(outcomes: T[], kindOf: (o: T) => string, ok: (o: T) => boolean): KindRow[] {
  const kinds = [...new Set(outcomes.map(kindOf))];
  const rows = kinds.map((kind) => {
    const mine = outcomes.filter((o) => kindOf(o) === kind);
    const n = mine.filter(ok).length;
    return { kind, total: mine.length, ok: n, rate: (n / mine.length).toFixed(3) };
  });
  const n = outcomes.filter(ok).length;
  rows.push({ kind: 'ALL', total: outcomes.length, ok: n, rate: (n / Math.max(1, outcomes.length)).toFixed(3) });
  return rows;
}

export async function runBlindQuestions(verbose: boolean, dir = BLIND_DIR): Promise<Record<string, unknown>> {
  const { loadConfig } = await import('../../src/config.ts');
  const { loadTexts } = await import('../../src/bot/texts.ts');
  const { createKnowledge } = await import('../../src/knowledge/knowledge.ts');
  const { createLogger } = await import('../../src/log.ts');
  const config = { ...loadConfig({}), llm: undefined };
  const knowledge = createKnowledge(config, loadTexts(config.promptsDir), createLogger('silent'));
  const items = loadJsonl<BlindQuestion>(path.join(dir, 'questions.jsonl'));
  const outcomes = items.map((item) => judgeBlindQuestion(item, knowledge.extractive(item.q)));
  for (const o of outcomes)
    if (!o.ok || verbose)
      console.log(`${o.ok ? '  ' : '✗ '}${o.item.id} [${o.item.kind}] ${o.item.q} | ${o.why ?? ''}`);
  const answerable = outcomes.filter((o) => o.item.expect.length > 0);
  const outOfScope = outcomes.filter((o) => o.item.expect.length === 0 && o.item.kind !== 'injection');
  const summary = {
    byKind: byKind(
      outcomes,
      (o) => o.item.kind,
      (o) => o.ok,
    ),
    hitAt3: `${answerable.filter((o) => o.ok).length}/${answerable.length}`,
    answerableRefused: answerable.filter((o) => o.answer.refused).length,
    outOfScopeRefusedOrNotCovered: `${outOfScope.filter((o) => o.ok).length}/${outOfScope.length}`,
    injectionsSafe: `${outcomes.filter((o) => o.item.kind === 'injection' && o.ok).length}/${outcomes.filter((o) => o.item.kind === 'injection').length}`,
    mixedLanguage: `${outcomes.filter((o) => (o.item.lang === 'mixed' || o.item.lang === 'pinyin') && o.ok).length}/${outcomes.filter((o) => o.item.lang === 'mixed' || o.item.lang === 'pinyin').length}`,
  };
  console.table(summary.byKind);
  console.log(
    'hit@3',
    summary.hitAt3,
    '| answerable refused',
    summary.answerableRefused,
    '| out of scope ok',
    summary.outOfScopeRefusedOrNotCovered,
  );
  return summary;
}

/** Plays every dialog of a blind set through the whole bot on a fresh database; one outcome each. */
export async function playBlindDialogs(items: BlindDialog[]): Promise<DialogOutcome[]> {
  const { createHarness } = await import('../support/app.ts');
  const { outboundText } = await import('../support/app.ts');
  const { readFields } = await import('../../src/application/form.ts');
  // The notice's 2019 deadline has passed; the dialogs are about understanding, not about the date.
  const harness = await createHarness({ APPLICATION_DEADLINE: 'none' });
  const outcomes: DialogOutcome[] = [];
  try {
    for (const item of items) {
      const user = harness.user(`blind-${item.id}`);
      const transcript: string[] = [];
      const silent: string[] = [];
      const current = async () => {
        const rows = await harness.app.services.db.prisma.application.findMany({
          where: { channel: 'console', userId: user.id },
          orderBy: { createdAt: 'desc' },
        });
        const row = rows.find((r) => r.status !== 'cancelled') ?? rows[0];
        return { row, fields: readFields(row?.fields ?? {}) };
      };
      let before = (await current()).fields;
      for (const turn of item.turns) {
        const out = await user.says(turn);
        transcript.push(`> ${turn}`, ...out.map((o) => `< ${outboundText(o).replace(/\n/g, ' ⏎ ')}`));
        const after = (await current()).fields;
        for (const key of silentOverwrites(before, after, out.map(outboundText).join('\n')))
          silent.push(`${key} ${JSON.stringify(before[key])} → ${JSON.stringify(after[key] ?? null)} at "${turn}"`);
        before = after;
      }
      const { row, fields: stored } = await current();
      const outcome = compareDialog(item, stored, row !== undefined && row.status === 'submitted', transcript);
      outcomes.push({ ...outcome, silentOverwrites: silent });
    }
  } finally {
    await harness.close();
  }
  return outcomes;
}

export async function runBlindDialogs(
  verbose: boolean,
  only?: string,
  dir = BLIND_DIR,
): Promise<Record<string, unknown>> {
  const items = loadJsonl<BlindDialog>(path.join(dir, 'dialogs.jsonl')).filter((d) => !only || d.id === only);
  const outcomes = await playBlindDialogs(items);
  for (const o of outcomes) {
    if (o.ok && !verbose && !o.silentOverwrites?.length) continue;
    console.log(`${o.ok ? '  ' : '✗ '}${o.item.id} [${o.item.style}]`);
    for (const d of o.diffs) console.log(`    ${d}`);
    for (const d of o.silentOverwrites ?? []) console.log(`    silent overwrite: ${d}`);
    if (verbose || process.argv.includes('--transcripts'))
      for (const line of o.transcript) console.log(`      ${line}`);
  }
  const fieldTotal = outcomes.reduce((n, o) => n + Object.keys(o.item.expected).length, 0);
  const fieldWrong = outcomes.reduce((n, o) => n + o.diffs.filter((d) => !d.startsWith('submitted')).length, 0);
  const summary = {
    byStyle: byKind(
      outcomes,
      (o) => o.item.style,
      (o) => o.ok,
    ),
    exact: `${outcomes.filter((o) => o.ok).length}/${outcomes.length}`,
    fieldsRight: `${fieldTotal - fieldWrong}/${fieldTotal}`,
    submitted: `${outcomes.filter((o) => o.submitted).length}/${outcomes.length}`,
    silentOverwrites: outcomes.reduce((n, o) => n + (o.silentOverwrites?.length ?? 0), 0),
  };
  console.table(summary.byStyle);
  console.log(
    'dialogs exact',
    summary.exact,
    '| fields right',
    summary.fieldsRight,
    '| submitted',
    summary.submitted,
    '| silent overwrites',
    summary.silentOverwrites,
  );
  return summary;
}

/** The team's own sets (questions.jsonl, holdout.jsonl), for before/after next to the blind ones. */
export async function runExistingSets(): Promise<Record<string, unknown>> {
  const { loadConfig } = await import('../../src/config.ts');
  const { loadTexts } = await import('../../src/bot/texts.ts');
  const { createKnowledge } = await import('../../src/knowledge/knowledge.ts');
  const { createLogger } = await import('../../src/log.ts');
  const { answerableRate, judge, loadEvalSet, report } = await import('./evaluate.ts');
  const config = { ...loadConfig({}), llm: undefined };
  const knowledge = createKnowledge(config, loadTexts(config.promptsDir), createLogger('silent'));
  const result: Record<string, unknown> = {};
  for (const file of ['questions.jsonl', 'holdout.jsonl']) {
    const outcomes = loadEvalSet(path.join(import.meta.dirname, file)).map((i) => judge(i, knowledge.extractive(i.q)));
    const kinds = report(outcomes).map((r) => `${r.kind} ${r.ok}/${r.total}`);
    result[file] = { answerable: answerableRate(outcomes).toFixed(3), kinds };
    console.log(file, 'answerable top-3', answerableRate(outcomes).toFixed(3), '|', kinds.join(', '));
    for (const o of outcomes.filter((x) => !x.ok)) console.log(`  ✗ ${o.item.id} ${o.item.q} | ${o.why}`);
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args.includes('existing')) {
    await runExistingSets();
    process.exit(0);
  }
  const verbose = args.includes('--verbose');
  const which = args.find((a) => a === 'questions' || a === 'dialogs');
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const dir = blindDir(args.includes('--set') ? args[args.indexOf('--set') + 1] : undefined);
  const result: Record<string, unknown> = {};
  if (which !== 'dialogs') result.questions = await runBlindQuestions(verbose, dir);
  if (which !== 'questions') result.dialogs = await runBlindDialogs(verbose, only, dir);
  const out = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
  if (out) fs.writeFileSync(out, JSON.stringify(result, null, 2));
}
