// Answer latency over the evaluation questions, in-process, no LLM: p50/p99/max per answer, and the
// resident memory of a bot process (database opened, migrations applied, index built).
//   npx tsx bench/answer-latency.ts                 # knowledge only
//   DATABASE_URL=postgresql://… npx tsx bench/answer-latency.ts --app   # whole bot on PostgreSQL
//   npx tsx bench/answer-latency.ts --app           # whole bot on embedded PGlite
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { loadTexts } from '../src/bot/texts.ts';
import { createLogger } from '../src/log.ts';
import { createKnowledge } from '../src/knowledge/knowledge.ts';
import { loadEvalSet } from '../test/eval/evaluate.ts';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 20);
const withApp = process.argv.includes('--app');

const questions = [...loadEvalSet(), ...loadEvalSet(path.join(import.meta.dirname, '../test/eval/holdout.jsonl'))].map(
  (i) => i.q,
);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const config = { ...loadConfig(), llm: undefined };
const log = createLogger('silent');
let ask: (q: string) => Promise<unknown>;
let close = async () => {};
let label: string;

if (withApp) {
  const { createApp } = await import('../src/app.ts');
  const { consoleInbound } = await import('../src/channels/console/console-inbound.ts');
  const app = await createApp(config, { log });
  let n = 0;
  ask = (q) => app.bot.handle(consoleInbound(`bench-${n++ % 50}`, { text: q }));
  close = () => app.close();
  label = `whole bot (bot.handle, ${app.services.db.kind})`;
} else {
  const knowledge = createKnowledge(config, loadTexts(config.promptsDir), log);
  ask = (q) => knowledge.answer(q);
  label = 'answerer only (knowledge.answer)';
}

for (const q of questions) await ask(q); // warm-up: JIT, caches
const times: number[] = [];
for (let r = 0; r < (withApp ? Math.max(1, Math.floor(rounds / 4)) : rounds); r++) {
  for (const q of questions) {
    const started = performance.now();
    await ask(q);
    times.push(performance.now() - started);
  }
}
times.sort((a, b) => a - b);
global.gc?.();
const memory = process.memoryUsage();
console.log(`answer latency — ${label}, ${questions.length} questions × ${times.length / questions.length} rounds`);
console.log(
  `  p50 ${percentile(times, 50).toFixed(3)} ms   p99 ${percentile(times, 99).toFixed(3)} ms   max ${times.at(-1)!.toFixed(3)} ms`,
);
console.log(`  RSS ${mb(memory.rss)}   heap used ${mb(memory.heapUsed)}`);
await close();
