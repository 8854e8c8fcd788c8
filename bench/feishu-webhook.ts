// Feishu webhook under load: the real `alliance-bot serve` (webhook mode, PostgreSQL, Redis, outbox
// and deliver worker) in child processes, a fake Open API and the load generator in this one.
// Sends signed, encrypted message events at a steady rate (2 % of them redelivered with the same
// event_id) and reports ack latency (HTTP answer) and end-to-end latency (event sent → the fake
// receives the reply), plus lost, doubled and failed (apology) replies.
//   npx tsx bench/feishu-webhook.ts [--rate=200] [--seconds=30] [--processes=1] [--channel-only]
//                                   [--warm=0] [--timeline] [--as-image]
// --channel-only runs the channel layer alone (verify, ack, dedup, SDK send; echo, no bot, no database).
// --as-image runs the compiled bot (`npm run build` first) with the Dockerfile's node flags and ENV.
// Needs PostgreSQL (TEST_PG_ADMIN_URL or 127.0.0.1:5432) and Redis (REDIS_URL or 127.0.0.1:6379).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openRedis } from '../src/db/redis.ts';
import { loadTexts } from '../src/bot/texts.ts';
import { EventDedup } from '../src/channels/event-dedup.ts';
import { FeishuChannel } from '../src/channels/feishu/feishu-channel.ts';
import { buildHttpServer } from '../src/http/server.ts';
import { registerFeishuRoutes } from '../src/channels/feishu/routes.ts';
import { createLogger } from '../src/log.ts';
import { createTestDatabase } from '../test/support/db.ts';
import { startFakeFeishu } from '../test/channels/support/fake-feishu.ts';
import { messageEvent, signedRequest } from '../test/channels/support/feishu-requests.ts';
import { removeKeys } from '../test/channels/support/redis-keys.ts';
import { cpuByRole, imageSetup, startWebhookService } from './service-process.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SECRETS = { verificationToken: 'vt-bench', encryptKey: 'ek-bench-key' };
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

if (process.argv[2] === 'serve-channel') {
  // Child for --channel-only: what the channel costs, apart from the bot and the database.
  const config = loadConfig();
  const log = createLogger('warn');
  const redis = openRedis(config.redisUrl!, log);
  const texts = loadTexts(config.promptsDir);
  const channel = new FeishuChannel({
    config: config.channels.feishu!,
    log,
    texts,
    dedup: new EventDedup(redis, `${config.queuePrefix}:`),
    readFile: async () => undefined,
  });
  await channel.start((inbound) =>
    channel
      .send(channel.replyAddress(inbound), { kind: 'text', text: `收到：${inbound.text ?? ''}` }, inbound.id)
      .then(() => undefined),
  );
  const http = buildHttpServer({
    log,
    routes: [(server) => registerFeishuRoutes(server, { channel, secrets: config.channels.feishu!, log })],
    health: async () => ({ server: true }),
  });
  await http.listen({ port: config.http.port, host: '127.0.0.1' });
  process.once('SIGTERM', () => void http.close().then(() => process.exit(0)));
} else {
  await main();
}

// Plain node:http with kept-alive connections: fetch (undici) cost this process about twice the CPU
// per request, and the load generator shares the two cores with the bot.
function post(agent: http.Agent, url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const rate = arg('rate', 200);
  const seconds = arg('seconds', 30);
  const processes = arg('processes', 1);
  // --warm=N: N seconds of the same traffic first, not counted in the latencies (a process that has
  // just started runs cold code; the first seconds are reported by a run without it).
  const warm = arg('warm', 0);
  const total = rate * (warm + seconds);
  const fake = await startFakeFeishu();
  const database = await createTestDatabase('ab_bench');
  const queuePrefix = `b-${randomBytes(4).toString('hex')}`;
  // BENCH_CPU_PROF=dir writes CPU profiles of the service processes there (open them in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const mode = process.argv.includes('--channel-only') ? 'serve-channel' : 'serve';
  // --as-image: the compiled bot with the Docker image's node flags and ENV (`npm run build` first).
  const image = process.argv.includes('--as-image') ? imageSetup() : undefined;
  const entry = image
    ? [...image.flags, path.join(import.meta.dirname, '../dist/src/main.js')]
    : [path.join(import.meta.dirname, '../bin/alliance-bot.js')];
  const args =
    mode === 'serve'
      ? [...profile, ...entry, 'serve', '--processes', String(processes)]
      : [...profile, '--import', 'tsx', import.meta.filename, mode];
  const service = await startWebhookService({
    args,
    domain: fake.url,
    secrets: SECRETS,
    queuePrefix,
    env: {
      DATABASE_URL: database.url,
      REDIS_URL,
      // The fake has no limit; Feishu's real one (50 sends/s per app) would queue replies at this rate.
      FEISHU_SEND_PER_MIN: String(rate * 120),
      FEISHU_API_PER_SEC: String(rate * 2),
      ...image?.env,
    },
  });
  const { child, url } = service;

  const questions = [
    '你好',
    '我们单位退出以后还能重新申请吗？',
    '联盟章程谁有解释权',
    '加入联盟需要什么条件？',
    '秘书处设在哪里',
  ];
  type Planned = { body: string; headers: Record<string, string>; messageId: string; redelivery: boolean };
  const planned: Planned[] = [];
  for (let i = 0; i < total; i++) {
    const redelivery = i > 10 && i % 50 === 0;
    const source = redelivery ? planned[i - 7]! : undefined;
    if (source) {
      // Same event, same event_id, re-signed as Feishu would on a retry.
      planned.push({ ...source, redelivery: true });
      continue;
    }
    const user = `ou_bench_${i}`;
    const event = messageEvent(SECRETS.verificationToken, {
      openId: user,
      chatId: `oc_bench_${i}`,
      text: questions[i % questions.length]!,
    });
    planned.push({
      ...signedRequest(event, SECRETS.encryptKey),
      messageId: event.event.message.message_id,
      redelivery: false,
    });
  }
  const unique = planned.filter((p) => !p.redelivery);

  const sentAt = new Map<string, number>();
  const acks: number[] = [];
  let failures = 0;
  const inflight: Promise<void>[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let cpuBefore = cpuByRole(child.pid!, database.name);
  const sampling = setInterval(() => cpuByRole(child.pid!, database.name), 500);
  const start = performance.now();
  const measuredFrom = start + warm * 1000;
  for (let i = 0; i < planned.length; i++) {
    if (i === warm * rate) cpuBefore = cpuByRole(child.pid!, database.name);
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const p = planned[i]!;
    const t0 = performance.now();
    if (!p.redelivery) sentAt.set(p.messageId, t0);
    inflight.push(
      post(agent, `${url}/feishu/events`, p.headers, p.body)
        .then((status) => {
          if (t0 >= measuredFrom) acks.push(performance.now() - t0);
          if (status !== 200) failures++;
        })
        .catch((err: unknown) => {
          if (failures++ === 0) console.error('first failure:', err);
        }),
    );
  }
  await Promise.all(inflight);
  const sendingMs = performance.now() - start;

  // Wait for the replies (or give up after a minute without progress).
  let last = -1;
  let idleSince = performance.now();
  while (fake.messages.length < unique.length && performance.now() - idleSince < 60_000) {
    if (fake.messages.length !== last) {
      last = fake.messages.length;
      idleSince = performance.now();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const cpuAfter = cpuByRole(child.pid!, database.name);
  clearInterval(sampling);
  await new Promise((r) => setTimeout(r, 2_000)); // late doubles, if any

  const repliesTo = new Map<string, number[]>();
  for (const m of fake.messages) if (m.replyTo) repliesTo.set(m.replyTo, [...(repliesTo.get(m.replyTo) ?? []), m.at]);
  // The bot's apology (bot.internal_error) is a reply, but a failed one.
  const apologies = fake.messages.filter((m) => String(m.content.text ?? '').includes('出了点问题')).length;
  const e2e: number[] = [];
  // --timeline: end-to-end latency by the second the event was sent in (where a backlog starts).
  const seconds_: number[][] = [];
  const bySecond = (ms: number) => (seconds_[Math.floor(ms / 1000)] ??= []);
  let lost = 0;
  let doubled = 0;
  for (const p of unique) {
    const got = repliesTo.get(p.messageId) ?? [];
    if (got.length === 0) lost++;
    if (got.length > 1) doubled++;
    const sent = sentAt.get(p.messageId)!;
    if (got.length > 0 && sent >= measuredFrom) e2e.push(Math.min(...got) - sent);
    if (got.length > 0) bySecond(sent - start).push(Math.min(...got) - sent);
  }
  const pct = (values: number[], q: number) => {
    const s = [...values].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1) : 'n/a';
  };
  const row = (name: string, v: number[]) =>
    `${name.padEnd(12)} p50 ${pct(v, 0.5)} ms  p90 ${pct(v, 0.9)} ms  p99 ${pct(v, 0.99)} ms  max ${pct(v, 1)} ms`;
  console.log(
    `feishu webhook${mode === 'serve-channel' ? ' (channel only, echo, no bot/database)' : `, serve --processes ${processes}${image ? ` (as the image: ${image.flags.join(' ')})` : ''}`}: ${planned.length} requests (${unique.length} events + ${planned.length - unique.length} redeliveries) at ${rate}/s over ${(sendingMs / 1000).toFixed(1)} s${warm ? `; latencies from second ${warm} on (--warm=${warm})` : ''}`,
  );
  if (process.argv.includes('--timeline'))
    seconds_.forEach((v, i) =>
      console.log(`  second ${String(i).padStart(2)}${i < warm ? ' (warm-up)' : ''}: ${row('event→send', v)}`),
    );
  console.log(row('ack', acks));
  console.log(row('event→send', e2e));
  const measuredEvents = unique.filter((p) => sentAt.get(p.messageId)! >= measuredFrom).length;
  console.log(
    `CPU per event (ms, from the first measured request to the last reply): ${Object.keys(cpuAfter)
      .map((role) => `${role} ${((cpuAfter[role]! - (cpuBefore[role] ?? 0)) / measuredEvents).toFixed(2)}`)
      .join(', ')}`,
  );
  console.log(
    `non-200 acks ${failures}, lost replies ${lost}, doubled replies ${doubled}, apologies ${apologies}, send calls ${fake.sendCalls}, token fetches ${fake.tokenCalls}`,
  );

  await service.stop();
  await fake.close();
  await database.drop();
  await removeKeys(REDIS_URL, queuePrefix);
}
