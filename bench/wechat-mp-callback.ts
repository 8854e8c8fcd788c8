// Official Account callbacks under load: the real `alliance-bot serve` (safe mode, PostgreSQL, Redis,
// outbox and deliver worker) in a child process, a fake Official Account API and a fake model in this
// one. Sends encrypted charter questions from distinct followers at a steady rate and reports the
// callback's latency (request → HTTP response) — the 5-second rule — with how many answers went in
// the response (passive), how many came later as customer-service messages, and how many were lost.
//   npx tsx bench/wechat-mp-callback.ts [--rate=20] [--seconds=20] [--llm-ms=0]
// Needs PostgreSQL (TEST_PG_ADMIN_URL or 127.0.0.1:5432) and Redis (REDIS_URL or 127.0.0.1:6379).
import os from 'node:os';
import { createTestDatabase } from '../test/support/db.ts';
import { startFakeOpenAI } from '../test/support/fake-openai.ts';
import { startFakeMp } from '../test/channels/support/fake-wechat-mp.ts';
import { callback, readReply, textXml } from '../test/channels/support/wechat-mp-requests.ts';
import { removeKeys } from '../test/channels/support/redis-keys.ts';
import { procStat } from './service-process.ts';
import { startMpServe } from '../test/channels/support/wechat-mp-serve.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const rate = arg('rate', 20);
const seconds = arg('seconds', 20);
const llmMs = arg('llm-ms', 0);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRETS = { token: 'benchToken', appId: 'wx0123456789abcdef', encodingAesKey: 'B'.repeat(43) };
const prefix = `bench-mp-${process.pid}`;

const database = await createTestDatabase('ab_bench_mp');
const [fake, llm] = await Promise.all([startFakeMp(SECRETS.appId), startFakeOpenAI()]);
llm.reply = () => ({ content: '退出后两年内不得申请重新加入联盟【第二十条】。', delayMs: llmMs });
const service = await startMpServe({
  databaseUrl: database.url,
  redisUrl: REDIS_URL,
  queuePrefix: prefix,
  fake,
  llm,
  secrets: SECRETS,
  env: { WECHAT_MP_SEND_PER_MIN: '1000000', WECHAT_MP_PER_CHAT_PER_SEC: '100' },
});

const total = rate * seconds;
const latencies: number[] = [];
let passive = 0;
let success = 0;
let failed = 0;
let lateResponses = 0;
const cpuBefore = procStat(service.child.pid!)?.cpuMs;
const sends: Promise<void>[] = [];
const started = performance.now();
for (let i = 0; i < total; i++) {
  const due = started + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const request = callback(textXml(`o_bench_${i}`, '我们单位退出以后还能重新申请吗？'), SECRETS);
  sends.push(
    (async () => {
      const t0 = performance.now();
      try {
        const res = await fetch(`${service.url}/wechat-mp/callback?${request.query}`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml' },
          body: request.body,
        });
        const body = await res.text();
        const ms = performance.now() - t0;
        latencies.push(ms);
        if (res.status !== 200) failed++;
        else if (body === 'success') success++;
        else if (readReply(body, SECRETS).Content?.includes('两年内')) {
          passive++;
          // Later than WeChat waits: it would have retried (a duplicate, answered `success`) and the answer is lost.
          if (ms > 5_000) lateResponses++;
        } else failed++;
      } catch {
        failed++;
      }
    })(),
  );
}
await Promise.all(sends);
const cpuAfter = procStat(service.child.pid!)?.cpuMs;
// Answers that missed the response come as customer-service messages.
for (let waited = 0; waited < 30_000 && fake.custom.length < success; waited += 200)
  await new Promise((r) => setTimeout(r, 200));
const later = new Set(fake.custom.map((m) => m.touser)).size;

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
console.log(
  JSON.stringify(
    {
      rate,
      seconds,
      llmMs,
      callbacks: total,
      passive,
      successThenCustomerService: success,
      customerServiceReceived: later,
      lost: total - passive - later,
      doubled: fake.custom.length - later,
      failed,
      passiveAfter5s: lateResponses,
      latencyMs: {
        p50: +pct(50).toFixed(1),
        p95: +pct(95).toFixed(1),
        p99: +pct(99).toFixed(1),
        max: +pct(100).toFixed(1),
      },
      serveCpuMsPerCallback:
        cpuBefore !== undefined && cpuAfter !== undefined ? +((cpuAfter - cpuBefore) / total).toFixed(2) : null,
      loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
    },
    null,
    2,
  ),
);
await service.stop();
await removeKeys(REDIS_URL, prefix);
await Promise.all([database.drop(), fake.close(), llm.close()]);
