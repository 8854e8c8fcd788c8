// Resident memory of a real bot process on PostgreSQL: the compiled `alliance-bot chat --jsonl`
// (what the Docker image runs: `npm run build` first) answering a stream of questions from many
// users. Samples the child's RSS from /proc while it works and prints idle, peak and final values,
// with default V8 flags and with smaller heap limits.
//   npm run build && DATABASE_URL=postgresql://… npx tsx bench/memory.ts [--messages=2000]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadEvalSet } from '../test/eval/evaluate.ts';

const root = path.resolve(import.meta.dirname, '..');
const main = path.join(root, 'dist/src/main.js');
if (!fs.existsSync(main)) throw new Error('run `npm run build` first');
if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL (memory targets are measured on PostgreSQL)');
const messages = Number(process.argv.find((a) => a.startsWith('--messages='))?.split('=')[1] ?? 2000);
const questions = loadEvalSet().map((i) => i.q);

const rssOf = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
};

async function measure(flags: string[]): Promise<string> {
  const child = spawn(process.execPath, [...flags, main, 'chat', '--jsonl'], {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let answered = 0;
  child.stdout.on('data', (chunk: Buffer) => (answered += chunk.toString().split('\n').length - 1));
  const until = async (n: number) => {
    while (answered < n) await new Promise((r) => setTimeout(r, 20));
  };
  child.stdin.write(`${JSON.stringify({ user: 'warmup', text: '你好' })}\n`);
  await until(1);
  await new Promise((r) => setTimeout(r, 500));
  const idle = rssOf(child.pid!);
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(child.pid!))), 50);
  for (let i = 0; i < messages; i++) {
    child.stdin.write(`${JSON.stringify({ user: `u${i % 100}`, text: questions[i % questions.length] })}\n`);
    if (i % 50 === 49) await until(i + 1);
  }
  await until(messages + 1);
  await new Promise((r) => setTimeout(r, 1000));
  clearInterval(sampler);
  const after = rssOf(child.pid!);
  child.stdin.end();
  await new Promise((r) => child.on('close', r));
  return `idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, after ${messages} messages ${after.toFixed(0)} MB`;
}

console.log(`node ${process.version}, compiled chat --jsonl on PostgreSQL, ${messages} messages from 100 users`);
// V8 collects lazily while the heap limit is far away: most of the growth under load is garbage not yet
// collected, which the heap-size flags bound (heap in use stays near 50 MB).
for (const flags of [[], ['--max-semi-space-size=1'], ['--max-old-space-size=128', '--max-semi-space-size=1']]) {
  console.log(`  ${(flags.join(' ') || 'default V8 flags').padEnd(56)} ${await measure(flags)}`);
}
