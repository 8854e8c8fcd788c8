// WeCom callbacks under load: the real `alliance-bot serve` (WeCom app only, PostgreSQL, Redis,
// outbox and deliver worker) in a child process, a fake WeCom server API and the load generator in
// this one. Sends signed, encrypted text callbacks at a steady rate, each from its own member (2 %
// of them redelivered with the same MsgId), and reports the ack latency (HTTP answer; WeCom waits
// 5 s) and event → send latency (callback sent → the fake receives message/send for that member),
// plus lost, doubled and failed (apology) replies and CPU per event by role.
//   npx tsx bench/wecom-callback.ts [--rate=200] [--seconds=30] [--processes=1] [--warm=0]
// Needs PostgreSQL (TEST_PG_ADMIN_URL or 127.0.0.1:5432) and Redis (REDIS_URL or 127.0.0.1:6379).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { createTestDatabase } from '../test/support/db.ts';
import { AGENT_ID, CORP_ID, SECRET, startFakeWecom } from '../test/channels/support/fake-wecom.ts';
import { signedCallback, textMessage, WECOM_SECRETS } from '../test/channels/support/wecom-requests.ts';
import { removeKeys } from '../test/channels/support/redis-keys.ts';
import { cpuByRole, startWebhookService } from './service-process.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function post(agent: http.Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const rate = arg('rate', 200);
const seconds = arg('seconds', 30);
const processes = arg('processes', 1);
const warm = arg('warm', 0);
const total = rate * (warm + seconds);
const fake = await startFakeWecom();
const database = await createTestDatabase('ab_bench');
const queuePrefix = `b-${randomBytes(4).toString('hex')}`;
const service = await startWebhookService({
  args: [path.join(import.meta.dirname, '../bin/alliance-bot.js'), 'serve', '--processes', String(processes)],
  domain: 'http://127.0.0.1:9',
  secrets: { verificationToken: 'unused', encryptKey: 'unused' },
  queuePrefix,
  env: {
    DATABASE_URL: database.url,
    REDIS_URL,
    CHANNELS: 'wecom',
    WECOM_CORP_ID: CORP_ID,
    WECOM_AGENT_ID: AGENT_ID,
    WECOM_SECRET: SECRET,
    WECOM_TOKEN: WECOM_SECRETS.token,
    WECOM_ENCODING_AES_KEY: WECOM_SECRETS.encodingAesKey,
    WECOM_API_BASE: fake.url,
    // The fake has no app-wide limit; each event comes from its own member, so the per-member one never binds.
    WECOM_SEND_PER_MIN: String(rate * 120),
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
type Planned = { inner: string; user: string; redelivery: boolean };
const planned: Planned[] = [];
for (let i = 0; i < total; i++) {
  const source = i > 10 && i % 50 === 0 ? planned[i - 7]! : undefined;
  // Same message, same MsgId, signed anew as WeCom does on a retry.
  if (source) planned.push({ ...source, redelivery: true });
  else {
    const user = `bench${i}`;
    planned.push({ inner: textMessage(user, questions[i % questions.length]!), user, redelivery: false });
  }
}
const unique = planned.filter((p) => !p.redelivery);
// Encrypting is the load generator's work; done before the clock starts.
const bodies = planned.map((p) => signedCallback(p.inner));

const sentAt = new Map<string, number>();
const acks: number[] = [];
let failures = 0;
const inflight: Promise<void>[] = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let cpuBefore = cpuByRole(child.pid!, database.name);
const start = performance.now();
const measuredFrom = start + warm * 1000;
for (let i = 0; i < planned.length; i++) {
  if (i === warm * rate) cpuBefore = cpuByRole(child.pid!, database.name);
  const wait = start + (i * 1000) / rate - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  const p = planned[i]!;
  const t0 = performance.now();
  if (!p.redelivery) sentAt.set(p.user, t0);
  inflight.push(
    post(agent, `${url}/wecom/callback?${bodies[i]!.query}`, bodies[i]!.body)
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

const repliedUsers = () => new Set(fake.messages.map((m) => m.touser)).size;
let last = -1;
let idleSince = performance.now();
while (repliedUsers() < unique.length && performance.now() - idleSince < 60_000) {
  if (fake.messages.length !== last) {
    last = fake.messages.length;
    idleSince = performance.now();
  }
  await new Promise((r) => setTimeout(r, 100));
}
const cpuAfter = cpuByRole(child.pid!, database.name);
await new Promise((r) => setTimeout(r, 2_000)); // late doubles, if any

const firstReply = new Map<string, number>();
const replyMessages = new Map<string, number>();
for (const m of fake.messages) {
  if (!firstReply.has(m.touser)) firstReply.set(m.touser, m.at);
  replyMessages.set(m.touser, (replyMessages.get(m.touser) ?? 0) + 1);
}
// One answer is one message per member here; more than the first event's count means a double.
const perAnswer = Math.min(...[...replyMessages.values()]);
const apologies = fake.messages.filter((m) => String(m.body.content ?? '').includes('出了点问题')).length;
const e2e: number[] = [];
let lost = 0;
let doubled = 0;
for (const p of unique) {
  const at = firstReply.get(p.user);
  if (at === undefined) lost++;
  else if (sentAt.get(p.user)! >= measuredFrom) e2e.push(at - sentAt.get(p.user)!);
  if ((replyMessages.get(p.user) ?? 0) > perAnswer) doubled++;
}
const pct = (values: number[], q: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1) : 'n/a';
};
const row = (name: string, v: number[]) =>
  `${name.padEnd(12)} p50 ${pct(v, 0.5)} ms  p90 ${pct(v, 0.9)} ms  p99 ${pct(v, 0.99)} ms  max ${pct(v, 1)} ms`;
console.log(
  `wecom callback, serve --processes ${processes}: ${planned.length} requests (${unique.length} events + ${planned.length - unique.length} redeliveries) at ${rate}/s over ${(sendingMs / 1000).toFixed(1)} s${warm ? `; latencies from second ${warm} on (--warm=${warm})` : ''}`,
);
console.log(row('ack', acks));
console.log(row('event→send', e2e));
const measuredEvents = unique.filter((p) => sentAt.get(p.user)! >= measuredFrom).length;
console.log(
  `CPU per event (ms): ${Object.keys(cpuAfter)
    .map((role) => `${role} ${((cpuAfter[role]! - (cpuBefore[role] ?? 0)) / measuredEvents).toFixed(2)}`)
    .join(', ')}`,
);
console.log(
  `non-200 acks ${failures}, lost replies ${lost}, doubled replies ${doubled}, apologies ${apologies}, send calls ${fake.sendCalls}, dropped by the per-member limit ${fake.dropped.length}, token fetches ${fake.tokenCalls}`,
);

await service.stop();
await fake.close();
await database.drop();
await removeKeys(REDIS_URL, queuePrefix);
