// Resident memory of a real bot process on PostgreSQL, compiled (`npm run build` first) as the Docker
// image runs it: `chat --jsonl` answering a stream of questions from many users (outbox and BullMQ
// delivery running when Redis is reachable), or `serve` in webhook mode taking signed, encrypted
// Feishu events and replying through a local fake Open API (PostgreSQL + Redis, as in production).
// Samples the child's RSS from /proc while it works and prints idle, peak and final values (and the
// CPU the bot spent per message), with default V8 flags and with the node flags of the image's
// ENTRYPOINT (Dockerfile). Environment variables such as MALLOC_MMAP_THRESHOLD_ pass to the child.
//   npm run build && DATABASE_URL=postgresql://… npx tsx bench/memory.ts [--command=chat|serve]
//     [--messages=2000] [--flags="--max-semi-space-size=1 …"]   (an extra flag set to compare)
// serve needs Redis (REDIS_URL or 127.0.0.1:6379); its keys use a fresh prefix and are removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadEvalSet } from '../test/eval/evaluate.ts';
import { imageSetup, procStat, startWebhookService } from './service-process.ts';
import { startFakeFeishu } from '../test/channels/support/fake-feishu.ts';
import { messageEvent, signedRequest } from '../test/channels/support/feishu-requests.ts';
import { removeKeys } from '../test/channels/support/redis-keys.ts';

const root = path.resolve(import.meta.dirname, '..');
const main = path.join(root, 'dist/src/main.js');
if (!fs.existsSync(main)) throw new Error('run `npm run build` first');
if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL (memory targets are measured on PostgreSQL)');
const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const messages = Number(option('messages') ?? 2000);
const command = option('command') ?? 'chat';
if (command !== 'chat' && command !== 'serve') throw new Error('--command is chat or serve');
const questions = loadEvalSet().map((i) => i.q);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** CPU time (ms, user + system) the process has used so far. */
const cpuOf = (pid: number) => procStat(pid)?.cpuMs ?? 0;

const rssOf = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
};

type Setup = { flags: string[]; env: Record<string, string> };

/** A running bot process: `send` hands it message i, `answered` counts the messages it has replied to. */
type Bot = { child: ChildProcess; send(i: number, user: string, text: string): void; answered(): number };

async function startChat(setup: Setup): Promise<Bot & { stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...setup.flags, main, 'chat', '--jsonl'], {
    env: { ...process.env, ...setup.env, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let answered = 0;
  child.stdout!.on('data', (chunk: Buffer) => (answered += chunk.toString().split('\n').length - 1));
  return {
    child,
    send: (_i, user, text) => child.stdin!.write(`${JSON.stringify({ user, text })}\n`),
    answered: () => answered,
    async stop() {
      child.stdin!.end();
      await new Promise((r) => child.once('close', r));
    },
  };
}

async function startServe(setup: Setup): Promise<Bot & { stop(): Promise<void> }> {
  const secrets = { verificationToken: 'vt-memory', encryptKey: 'ek-memory-key' };
  const fake = await startFakeFeishu();
  const queuePrefix = `mem-${randomBytes(4).toString('hex')}`;
  const service = await startWebhookService({
    args: [...setup.flags, main, 'serve'],
    domain: fake.url,
    secrets,
    queuePrefix,
    env: {
      ...setup.env,
      REDIS_URL,
      // The fake has no rate limit; Feishu's real one would only make the run longer.
      FEISHU_SEND_PER_MIN: '120000',
      FEISHU_API_PER_SEC: '2000',
    },
  });
  const { child, url } = service;
  const replied = new Set<string>();
  return {
    child,
    send(i, user, text) {
      const event = messageEvent(secrets.verificationToken, { openId: `ou_${user}`, chatId: `oc_${user}`, text });
      const { body, headers } = signedRequest(event, secrets.encryptKey);
      void fetch(`${url}/feishu/events`, { method: 'POST', headers, body }).then(
        (res) => res.arrayBuffer(),
        (error: Error) => console.error(`event ${i}: ${error.message}`),
      );
    },
    answered() {
      for (const m of fake.messages) if (m.replyTo) replied.add(m.replyTo);
      return replied.size;
    },
    async stop() {
      await service.stop();
      await fake.close();
      await removeKeys(REDIS_URL, queuePrefix);
    },
  };
}

async function measure(setup: Setup): Promise<string> {
  const bot = await (command === 'serve' ? startServe(setup) : startChat(setup));
  const pid = bot.child.pid!;
  const until = async (n: number) => {
    while (bot.answered() < n) await new Promise((r) => setTimeout(r, 20));
  };
  bot.send(0, 'warmup', '你好');
  await until(1);
  await new Promise((r) => setTimeout(r, 500));
  const idle = rssOf(pid);
  const cpuBefore = cpuOf(pid);
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
  for (let i = 0; i < messages; i++) {
    bot.send(i + 1, `u${i % 100}`, questions[i % questions.length]!);
    if (i % 50 === 49) await until(i + 2);
  }
  await until(messages + 1);
  const cpu = (cpuOf(pid) - cpuBefore) / messages;
  await new Promise((r) => setTimeout(r, 1000));
  clearInterval(sampler);
  const after = rssOf(pid);
  await bot.stop();
  return `idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, after ${messages} messages ${after.toFixed(0)} MB; CPU ${cpu.toFixed(2)} ms/message`;
}

const what =
  command === 'serve' ? 'serve (Feishu webhook, fake Open API) on PostgreSQL + Redis' : 'chat --jsonl on PostgreSQL';
console.log(`node ${process.version}, compiled ${what}, ${messages} messages from 100 users`);
// V8 collects lazily while the heap limit is far away: most of the growth under load is garbage not
// yet collected; the image's flags bound the young generation and how far the old one grows, and a
// fixed malloc mmap threshold returns large freed blocks to the system (see the README).
const image = imageSetup();
const sets: [string, Setup][] = [
  ['default V8 flags', { flags: [], env: {} }],
  [`image: ${[...Object.entries(image.env).map(([k, v]) => `${k}=${v}`), ...image.flags].join(' ')}`, image],
];
const extra = option('flags');
if (extra !== undefined) sets.push([extra, { flags: extra.split(/\s+/).filter(Boolean), env: {} }]);
for (const [label, setup] of sets) console.log(`  ${label}\n    ${await measure(setup)}`);
