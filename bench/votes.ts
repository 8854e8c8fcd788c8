// A congress vote at scale, end to end through the real processes: `serve` (webhook mode) and any
// number of `worker`s in child processes on PostgreSQL + Redis, the fake Feishu Open API and the load
// generator in this one. Phases, each timed, with the CPU the bot's processes and PostgreSQL spent:
//   1. cards out — `motions create` (the CLI, a child process) opens a motion to N member units; the
//      vote cards go out through the outbox until the fake has received every one;
//   2. votes in — one click per unit on its own card (the card's real button value and message id),
//      signed and encrypted as Feishu sends card callbacks, at a steady rate, plus a share of
//      duplicates (redelivered callbacks, double clicks); until every vote is in the database;
//   3. tally — `motions close` (the CLI): the count, then the result to every member and every vote
//      card updated to its ended state.
// Checks: every unit's vote recorded once (lost / doubled), the tally equals the units.
//   npx tsx bench/votes.ts [--units=5000] [--workers=0] [--processes=1] [--rate=250] [--duplicates=0.1]
//                          [--real-limits]
// --workers=N: N `worker` processes besides `serve` (each runs deliver workers); --processes: `serve
// --processes`. Feishu's send limit is raised unless --real-limits (then 1000 sends a minute: 5,000
// cards take five minutes whatever the bot does).
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/client.ts';
import { importMembers } from '../src/membership/members.ts';
import { createTestDatabase } from '../test/support/db.ts';
import { startFakeFeishu, type SentMessage } from '../test/channels/support/fake-feishu.ts';
import { cardActionEvent, signedRequest } from '../test/channels/support/feishu-requests.ts';
import { cardButtons } from '../test/channels/support/feishu-service.ts';
import { removeKeys } from '../test/channels/support/redis-keys.ts';
import { freePort, procStat, startWebhookService, untilHealthy } from './service-process.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const units = arg('units', 5_000);
const workers = arg('workers', 0);
const processes = arg('processes', 1);
const rate = arg('rate', 250);
const duplicateShare = arg('duplicates', 0.1);
const realLimits = process.argv.includes('--real-limits');
const SECRETS = { verificationToken: 'vt-bench', encryptKey: 'ek-bench-key' };
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BIN = path.join(import.meta.dirname, '../bin/alliance-bot.js');
const TITLE = '压测表决';

const fake = await startFakeFeishu();
const database = await createTestDatabase('ab_votes');
const queuePrefix = `v-${randomBytes(4).toString('hex')}`;
const env: Record<string, string> = {
  DATABASE_URL: database.url,
  REDIS_URL,
  QUEUE_PREFIX: queuePrefix,
  LOG_LEVEL: 'warn',
  FEISHU_MODE: 'webhook',
  FEISHU_APP_ID: 'cli_bench',
  FEISHU_APP_SECRET: 'secret',
  FEISHU_VERIFICATION_TOKEN: SECRETS.verificationToken,
  FEISHU_ENCRYPT_KEY: SECRETS.encryptKey,
  FEISHU_DOMAIN: fake.url,
  SECRETARIAT: 'feishu:ou_bench_sec',
  ...(realLimits ? {} : { FEISHU_SEND_PER_MIN: '1000000', FEISHU_API_PER_SEC: '100000' }),
};
const service = await startWebhookService({
  args: [BIN, 'serve', '--processes', String(processes)],
  domain: fake.url,
  secrets: SECRETS,
  queuePrefix,
  env,
});
const extra: ChildProcess[] = [];
for (let i = 0; i < workers; i++) {
  // A worker has no HTTP server of its own to ask; it is given a port it does not use.
  extra.push(
    spawn(process.execPath, [BIN, 'worker'], {
      env: { ...process.env, ...env, PORT: String(await freePort()) },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
}
await untilHealthy(service.url);
const db = await openDatabase({ databaseUrl: database.url, dataDir: os.tmpdir() });
const prisma = db.prisma;

/** CPU ms so far of the bot's processes (every child of this one: serve and its cluster, workers, CLI runs) and of PostgreSQL's backends for this database. */
function cpu(): { bot: number; postgres: number; machine: number } {
  const procs = new Map<number, { ppid: number; comm: string; cpuMs: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    const stat = /^\d+$/.test(entry) ? procStat(Number(entry)) : undefined;
    if (stat) procs.set(Number(entry), stat);
  }
  const underBot = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = procs.get(p)?.ppid ?? 0, hops++)
      if (procs.get(p)?.ppid === process.pid) return true;
    return false;
  };
  let bot = 0;
  let postgres = 0;
  for (const [pid, proc] of procs) {
    if (underBot(pid)) bot += proc.cpuMs;
    else if (proc.comm.startsWith('postgres')) {
      let title = '';
      try {
        title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        /* ended */
      }
      if (title.includes(database.name)) postgres += proc.cpuMs;
    }
  }
  const [, ...machine] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  return { bot, postgres, machine: (machine[0]! + machine[1]! + machine[2]! + machine[5]! + machine[6]!) * 10 };
}

/** Runs the CLI (`motions …`) as the secretariat would; its stdout. */
function cli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

async function until(what: string, done: () => boolean | Promise<boolean>, ms = 900_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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

const pct = (values: number[], q: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(0) : 'n/a';
};
const phase = (name: string, ms: number, before: ReturnType<typeof cpu>, per: number, extraText = '') => {
  const after = cpu();
  console.log(
    `${name.padEnd(10)} ${(ms / 1000).toFixed(1).padStart(6)} s   CPU per unit: bot ${((after.bot - before.bot) / per).toFixed(2)} ms, ` +
      `postgres ${after.postgres >= before.postgres ? `${((after.postgres - before.postgres) / per).toFixed(2)} ms` : 'n/a (CLI sessions ended)'}, machine ${((after.machine - before.machine) / per).toFixed(2)} ms${extraText}`,
  );
};

try {
  const rows = Array.from({ length: units }, (_, i) => `单位${i},企业,代表,feishu,ou_b${i}`);
  await importMembers(prisma, 'bench', ['orgName,orgType,repName,channel,userId', ...rows].join('\n'));
  const motionFile = path.join(os.tmpdir(), `${queuePrefix}-motion.yaml`);
  fs.writeFileSync(
    motionFile,
    [
      'kind: general',
      `title: ${TITLE}`,
      'text: 压测',
      `closes_at: "${new Date(Date.now() + 3 * 3_600_000).toISOString()}"`,
    ].join('\n'),
  );
  console.log(
    `votes: ${units} units, serve --processes ${processes} + ${workers} worker(s), votes at ${rate}/s with ${duplicateShare * 100}% duplicates, ` +
      `Feishu send limit ${realLimits ? 'real (1000/min)' : 'raised'}; load average before: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (${os.cpus().length} cores)`,
  );

  // 1. Cards out.
  let before = cpu();
  let started = performance.now();
  const { id: motionId } = JSON.parse(await cli(['motions', 'create', '--file', motionFile, '--json'])) as {
    id: string;
  };
  const createdMs = performance.now() - started;
  const cardsFor = (m: SentMessage) => m.msgType === 'interactive' && JSON.stringify(m.content).includes(TITLE);
  const cards = new Map<string, SentMessage>();
  let scanned = 0;
  await until('vote cards', () => {
    for (; scanned < fake.messages.length; scanned++) {
      const m = fake.messages[scanned]!;
      if (cardsFor(m) && m.chatId?.startsWith('p2p:ou_b') && !cards.has(m.chatId)) cards.set(m.chatId, m);
    }
    return cards.size >= units;
  });
  phase(
    'cards out',
    performance.now() - started,
    before,
    units,
    ` (motions create ${(createdMs / 1000).toFixed(1)} s)`,
  );

  // 2. Votes in.
  const planned: { headers: Record<string, string>; body: string }[] = [];
  for (let i = 0; i < units; i++) {
    const openId = `ou_b${i}`;
    const card = cards.get(`p2p:${openId}`)!;
    const event = cardActionEvent(SECRETS.verificationToken, {
      operatorId: openId,
      value: cardButtons(card)[i % 3],
      messageId: card.messageId,
      chatId: `oc_${openId}`,
    });
    const request = signedRequest(event, SECRETS.encryptKey);
    planned.push(request);
    if (Math.random() < duplicateShare) planned.push(request);
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const acks: number[] = [];
  let failures = 0;
  const inflight: Promise<void>[] = [];
  before = cpu();
  started = performance.now();
  // As Feishu does: a callback not answered 200 within 3 s is sent again (here after a second).
  const send = async (request: { headers: Record<string, string>; body: string }) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const t0 = performance.now();
      const status = await post(agent, `${service.url}/feishu/events`, request.headers, request.body).catch(() => 0);
      acks.push(performance.now() - t0);
      if (status === 200) return;
      failures++;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  };
  for (const [i, request] of planned.entries()) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(send(request));
  }
  await Promise.all(inflight);
  const sentS = (performance.now() - started) / 1000;
  let recorded = 0;
  await until(
    'votes recorded',
    async () => (recorded = await prisma.voterRecord.count({ where: { motionId } })) >= units,
    1_800_000,
  ).catch(() => console.log(`only ${recorded} of ${units} votes recorded after 30 minutes`));
  phase(
    'votes in',
    performance.now() - started,
    before,
    units,
    ` (${planned.length} callbacks sent in ${sentS.toFixed(1)} s; ack p50 ${pct(acks, 0.5)} ms, p99 ${pct(acks, 0.99)} ms, max ${pct(acks, 1)} ms, ` +
      `over 3 s ${acks.filter((a) => a > 3_000).length}, non-200 ${failures} (each sent again))`,
  );

  // 3. Tally.
  let results = 0;
  let seen = fake.messages.length;
  const countResults = () => {
    for (; seen < fake.messages.length; seen++)
      if (
        fake.messages[seen]!.msgType === 'interactive' &&
        JSON.stringify(fake.messages[seen]!.content).includes('表决结果')
      )
        results++;
    return results;
  };
  const updatesBefore = fake.updates.length;
  before = cpu();
  started = performance.now();
  await cli(['motions', 'close', motionId]);
  const closeMs = performance.now() - started;
  await until('results and ended cards', () => countResults() >= units && fake.updates.length - updatesBefore >= units);
  phase(
    'tally',
    performance.now() - started,
    before,
    units,
    ` (motions close ${(closeMs / 1000).toFixed(1)} s; then ${units} result cards and ${units} vote cards updated)`,
  );

  const records = await prisma.voterRecord.groupBy({ by: ['memberId'], where: { motionId }, _count: true });
  const motion = await prisma.motion.findUniqueOrThrow({ where: { id: motionId } });
  const counts = (motion.tally as { counts: Record<string, number> }).counts;
  const tally = Object.values(counts).reduce((a, b) => a + b, 0);
  const expected = { 赞成: 0, 反对: 0, 弃权: 0 } as Record<string, number>;
  for (let i = 0; i < units; i++) expected[['赞成', '反对', '弃权'][i % 3]!]! += 1;
  console.log(
    `lost votes ${units - records.length}, doubled ${records.filter((r) => r._count > 1).length}, tally ${JSON.stringify(counts)} ` +
      `${tally === units && Object.keys(expected).every((k) => counts[k] === expected[k]) ? '= the clicks' : `≠ the clicks ${JSON.stringify(expected)}`}; ` +
      `load average after: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
} finally {
  for (const child of extra) child.kill('SIGTERM');
  await Promise.all(extra.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  await service.stop();
  await db.close();
  await fake.close();
  await database.drop();
  await removeKeys(REDIS_URL, queuePrefix);
}
