// Answer latency over the evaluation questions, in-process, no LLM: p50/p99/max per answer, the CPU
// time per answer, the garbage collections while measuring (their pauses make the tail), and the
// resident memory of a bot process (database opened, migrations applied, index built).
//   npx tsx bench/answer-latency.ts                 # knowledge only
//   DATABASE_URL=postgresql://… npx tsx bench/answer-latency.ts --app   # whole bot on PostgreSQL
//   npx tsx bench/answer-latency.ts --app           # whole bot on embedded PGlite
import os from 'node:os';
import path from 'node:path';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
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
const gcs: PerformanceEntry[] = [];
const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
observer.observe({ entryTypes: ['gc'] });
const cpuBefore = process.cpuUsage();
const times: number[] = [];
// CPU time of the process (all threads, GC helpers too) per answer: on a busy machine the wall-clock
// tail is mostly time spent waiting for a core, which this leaves out.
const cpuTimes: number[] = [];
for (let r = 0; r < (withApp ? Math.max(1, Math.floor(rounds / 4)) : rounds); r++) {
  for (const q of questions) {
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    await ask(q);
    times.push(performance.now() - started);
    const used = process.cpuUsage(cpuStarted);
    cpuTimes.push((used.user + used.system) / 1000);
  }
}
const cpu = process.cpuUsage(cpuBefore);
await new Promise((resolve) => setTimeout(resolve, 50)); // GC entries arrive on the event loop
gcs.push(...observer.takeRecords());
observer.disconnect();
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);
const gcLine = (name: string, kind: number) => {
  const pauses = gcs
    .filter((e) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === kind)
    .map((e) => e.duration);
  return `${name} ${pauses.length}${pauses.length > 0 ? ` (longest ${Math.max(...pauses).toFixed(1)} ms)` : ''}`;
};
global.gc?.();
const memory = process.memoryUsage();
console.log(`answer latency — ${label}, ${questions.length} questions × ${times.length / questions.length} rounds`);
console.log(
  `  p50 ${percentile(times, 50).toFixed(3)} ms   p99 ${percentile(times, 99).toFixed(3)} ms   max ${times.at(-1)!.toFixed(3)} ms`,
);
console.log(
  `  CPU ${((cpu.user + cpu.system) / 1000 / times.length).toFixed(3)} ms per answer (p99 ${percentile(cpuTimes, 99).toFixed(3)} ms)   GC while measuring: ${gcLine('young', constants.NODE_PERFORMANCE_GC_MINOR)}, ${gcLine('full', constants.NODE_PERFORMANCE_GC_MAJOR)}`,
);
console.log(
  `  load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}   RSS ${mb(memory.rss)}   heap used ${mb(memory.heapUsed)}`,
);
await close();
