// A congress vote at scale, end to end through the real processes: `serve` (webhook mode) and any
// number of `worker`s in child processes on PostgreSQL and a private Redis, the fake Feishu Open API
// and the load generator in this one. Phases, each timed, with the CPU each role spent:
//   cards   — `motions create` (the CLI, a child process) opens a motion to N member units; the vote
//             cards go out through the outbox until the fake has received every one. With
//             --real-limits the fake enforces Feishu's send limits (1000 a minute and 50 a second per
//             app, 5 a second per chat: test/channels/support/feishu-rate-limits.ts) for every process
//             alike, and the bot is configured to the same; reported: the send rate achieved over the
//             steady part (between the 10th and the 90th percentile of the sends) ÷ the allowed rate
//             (16.67/s), lost and doubled cards, and the 429s the fake answered;
//   clicks  — one click per unit on its own card (the card's real button value and message id),
//             signed and encrypted as Feishu sends card callbacks, at a steady rate, plus a share of
//             redelivered callbacks; a callback not answered 200 is sent again a second later, as
//             Feishu does. Reported: clicks/s achieved, ack p50/p99/max, acks over 3 s, and CPU,
//             Redis commands (and with --count-statements SQL statements) per click until every vote
//             is recorded and every reply delivered;
//   tally   — `motions close` (the CLI): the count, then the result to every member and every vote
//             card updated to its ended state.
// Checks: every unit's vote recorded once (lost / doubled), the tally equals the clicks.
//   npx tsx bench/votes.ts [--units=5000] [--workers=0] [--processes=1] [--rate=500] [--duplicates=0.1]
//                          [--real-limits] [--phases=cards,clicks,tally] [--count-statements]
// --workers=N: N `worker` processes (each runs deliver workers). `serve` (--processes: `serve
// --processes`), which delivers too, runs only when the clicks are measured: `--phases=cards
// --workers=2` is the fan-out by exactly two worker processes. --count-statements logs every SQL
// statement of the bench database (PostgreSQL's log_statement, read back from its log): use it with
// a few hundred units. BENCH_CPU_PROF=dir writes CPU profiles of serve and the workers there.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { openDatabase } from '../src/db/client.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { importMembers } from '../src/membership/members.ts';
import { createTestDatabase } from '../test/support/db.ts';
import { startPrivateRedis } from '../test/support/redis-server.ts';
import { startFakeFeishu, type SentMessage } from '../test/channels/support/fake-feishu.ts';
import { allowedPerSecond, FEISHU_SEND_LIMITS } from '../test/channels/support/feishu-rate-limits.ts';
import { cardActionEvent, signedRequest } from '../test/channels/support/feishu-requests.ts';
import { cardButtons } from '../test/channels/support/feishu-service.ts';
import { freePort, procStat, startWebhookService, untilHealthy, type WebhookService } from './service-process.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const units = arg('units', 5_000);
const workers = arg('workers', 0);
const processes = arg('processes', 1);
const rate = arg('rate', 500);
const duplicateShare = arg('duplicates', 0.1);
const realLimits = process.argv.includes('--real-limits');
const countStatements = process.argv.includes('--count-statements');
const phases = new Set(
  (process.argv.find((a) => a.startsWith('--phases='))?.split('=')[1] ?? 'cards,clicks,tally').split(','),
);
const withServe = phases.has('clicks');
if (!withServe && workers < 1) throw new Error('without the clicks phase nothing runs serve: give --workers=1 or more');
const SECRETS = { verificationToken: 'vt-bench', encryptKey: 'ek-bench-key' };
const BIN = path.join(import.meta.dirname, '../bin/alliance-bot.js');
const TITLE = '压测表决';
const PG_LOG = '/var/log/postgresql/postgresql-15-main.log';
const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const limits = realLimits ? FEISHU_SEND_LIMITS : undefined;
const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const redisServer = await startPrivateRedis();
const fake = await startFakeFeishu({ limits });
const database = await createTestDatabase('ab_votes');
// The bench's own polling: a session whose statements are never logged (--count-statements counts the bot's).
const quiet = new pg.Client({ connectionString: database.url, options: '-c log_statement=none' });
await quiet.connect();
if (countStatements) await quiet.query(`ALTER DATABASE "${database.name}" SET log_statement = 'all'`);
const count = async (sql: string, params: unknown[] = []) =>
  (await quiet.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0;
const queuePrefix = `v-${randomBytes(4).toString('hex')}`;
const env: Record<string, string> = {
  DATABASE_URL: database.url,
  REDIS_URL: redisServer.url,
  QUEUE_PREFIX: queuePrefix,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  FEISHU_MODE: 'webhook',
  FEISHU_APP_ID: 'cli_bench',
  FEISHU_APP_SECRET: 'secret',
  FEISHU_VERIFICATION_TOKEN: SECRETS.verificationToken,
  FEISHU_ENCRYPT_KEY: SECRETS.encryptKey,
  FEISHU_DOMAIN: fake.url,
  SECRETARIAT: 'feishu:ou_bench_sec',
  // The bot's own limiter (a BullMQ limiter in Redis, shared by every process) set to what the fake enforces.
  ...(limits
    ? { FEISHU_SEND_PER_MIN: String(limits.sendPerMin), FEISHU_API_PER_SEC: String(limits.apiPerSec) }
    : { FEISHU_SEND_PER_MIN: '1000000', FEISHU_API_PER_SEC: '100000' }),
};
let service: WebhookService | undefined;
const extra: ChildProcess[] = [];
const db = await openDatabase({ databaseUrl: database.url, dataDir: os.tmpdir() });
const prisma = db.prisma;
const redis = new Redis(redisServer.url);

/** The bench database's backends seen so far → CPU ms when last seen (a backend that ends takes its time with it). */
const backends = new Map<number, number>();
/** CPU ms so far of each role: serve (and its cluster), workers, CLI runs, PostgreSQL (this database's backends), Redis, this process. */
function cpu(): Record<'serve' | 'workers' | 'cli' | 'postgres' | 'redis' | 'bench', number> {
  const procs = new Map<number, { ppid: number; comm: string; cpuMs: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    const stat = /^\d+$/.test(entry) ? procStat(Number(entry)) : undefined;
    if (stat) procs.set(Number(entry), stat);
  }
  const rootOf = (pid: number): number | undefined => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = procs.get(p)?.ppid ?? 0, hops++)
      if (procs.get(p)?.ppid === process.pid) return p;
    return undefined;
  };
  const workerPids = new Set(extra.map((c) => c.pid));
  const out = { serve: 0, workers: 0, cli: 0, postgres: 0, redis: 0, bench: 0 };
  for (const [pid, proc] of procs) {
    const root = rootOf(pid);
    if (root !== undefined) {
      if (proc.comm.startsWith('redis-server')) out.redis += proc.cpuMs;
      else if (root === service?.child.pid) out.serve += proc.cpuMs;
      else if (workerPids.has(root)) out.workers += proc.cpuMs;
      else out.cli += proc.cpuMs;
    } else if (proc.comm.startsWith('postgres')) {
      let title = '';
      try {
        title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        /* ended */
      }
      if (title.includes(` ${database.name} `)) backends.set(pid, proc.cpuMs);
    }
  }
  for (const ms of backends.values()) out.postgres += ms;
  const own = process.cpuUsage();
  out.bench = (own.user + own.system) / 1000;
  return out;
}
const sampler = setInterval(() => cpu(), 500);

const perUnit = (before: ReturnType<typeof cpu>, n: number): string => {
  const after = cpu();
  const parts = (Object.keys(after) as (keyof typeof after)[])
    .filter((k) => after[k] - before[k] > 0)
    .map((k) => `${k} ${((after[k] - before[k]) / n).toFixed(2)}`);
  const bot = (['serve', 'workers', 'cli', 'postgres', 'redis'] as const).reduce((s, k) => s + after[k] - before[k], 0);
  return `CPU ms each: ${parts.join(', ')}; bot + postgres + redis ${(bot / n).toFixed(2)}`;
};

/** Redis commands so far by name (the private instance: only this bench's). */
async function redisCommands(): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const out = new Map<string, number>();
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(name!, Number(calls));
  return out;
}
const commandDelta = (before: Map<string, number>, after: Map<string, number>, n: number): string => {
  const rows = [...after]
    .map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((s, [, v]) => s + v, 0);
  return `${(total / n).toFixed(1)} Redis commands each (${rows
    .slice(0, 8)
    .map(([k, v]) => `${k} ${(v / n).toFixed(2)}`)
    .join(', ')})`;
};

/** SQL statements the bench database's sessions ran, from PostgreSQL's log (--count-statements). */
function statementsSince(offset: number): Map<string, number> {
  const fd = fs.openSync(PG_LOG, 'r');
  const size = fs.fstatSync(fd).size;
  const buffer = Buffer.alloc(size - offset);
  fs.readSync(fd, buffer, 0, buffer.length, offset);
  fs.closeSync(fd);
  const out = new Map<string, number>();
  for (const line of buffer.toString('utf8').split('\n')) {
    if (!line.includes(`@${database.name} `)) continue;
    const hit = /LOG: {2}(?:statement|execute [^:]*): (.*)$/.exec(line);
    if (!hit) continue;
    const text = hit[1]!.replace(/\s+/g, ' ').slice(0, 60);
    out.set(text, (out.get(text) ?? 0) + 1);
  }
  return out;
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

async function until(what: string, done: () => boolean | Promise<boolean>, ms = 1_800_000): Promise<void> {
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

const pct = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
const openRows = () => count(`SELECT count(*)::int AS n FROM "OutboxMessage" WHERE status IN ('pending', 'queued')`);

try {
  await applyMigrations(db.migrationAdapter);
  if (withServe)
    service = await startWebhookService({
      args: [...profile, BIN, 'serve', '--processes', String(processes)],
      domain: fake.url,
      secrets: SECRETS,
      queuePrefix,
      env,
    });
  for (let i = 0; i < workers; i++) {
    // A worker has no HTTP server of its own to ask; it is given a port it does not use.
    extra.push(
      spawn(process.execPath, [...profile, BIN, 'worker'], {
        env: { ...process.env, ...env, PORT: String(await freePort()) },
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
    );
  }
  if (service) await untilHealthy(service.url);
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
  // Workers announce themselves only in their log: give them the time serve took, or a few seconds.
  await new Promise((r) => setTimeout(r, withServe ? 1_000 : 8_000));
  console.log(
    `votes: ${units} units; ${withServe ? `serve --processes ${processes} (delivers too) + ` : ''}${workers} worker process(es); ` +
      `phases ${[...phases].join(',')}; Feishu limits ${
        limits
          ? `real, enforced by the fake and configured in the bot: ${limits.sendPerMin}/min and ${limits.apiPerSec}/s per app, ` +
            `${limits.perChatPerSec}/s per chat (allowed ${allowedPerSecond(limits).toFixed(2)} sends/s)`
          : 'raised (the fake enforces none)'
      }; load average before: ${loadavg()} (${os.cpus().length} cores)`,
  );

  // 1. Cards out.
  let before = cpu();
  let started = performance.now();
  const rateLimitedBefore = fake.rateLimited;
  const sendsBefore = fake.sendTimes.length;
  const { id: motionId } = JSON.parse(await cli(['motions', 'create', '--file', motionFile, '--json'])) as {
    id: string;
  };
  const createdMs = performance.now() - started;
  const isVoteCard = (m: SentMessage) => m.msgType === 'interactive' && JSON.stringify(m.content).includes(TITLE);
  const cards = new Map<string, SentMessage>();
  let doubledCards = 0;
  let scanned = 0;
  const scanCards = () => {
    for (; scanned < fake.messages.length; scanned++) {
      const m = fake.messages[scanned]!;
      if (!isVoteCard(m) || !m.chatId?.startsWith('p2p:ou_b')) continue;
      if (cards.has(m.chatId)) doubledCards++;
      else cards.set(m.chatId, m);
    }
    return cards.size >= units;
  };
  await until('vote cards', scanCards);
  const cardsMs = performance.now() - started;
  await until('the outbox drained', async () => (await openRows()) === 0, 120_000).catch(() => undefined);
  scanCards();
  {
    const sends = fake.sendTimes.slice(sendsBefore);
    const first = sends[0]!;
    const last = sends.at(-1)!;
    const [lo, hi] = [Math.floor(sends.length * 0.1), Math.floor(sends.length * 0.9)];
    const steady = (hi - lo) / ((sends[hi]! - sends[lo]!) / 1000);
    const overall = (sends.length - 1) / ((last - first) / 1000);
    const allowed = limits ? allowedPerSecond(limits) : undefined;
    const ratio = (r: number) =>
      allowed ? ` = ${(r / allowed).toFixed(3)} of the allowed ${allowed.toFixed(2)}/s` : '';
    console.log(
      `cards out  ${(cardsMs / 1000).toFixed(1)} s from \`motions create\` (${(createdMs / 1000).toFixed(1)} s) to the last card; ` +
        `${sends.length} sends in ${((last - first) / 1000).toFixed(1)} s; ` +
        `steady rate (10th→90th percentile send) ${steady.toFixed(2)}/s${ratio(steady)}; first→last ${overall.toFixed(2)}/s${ratio(overall)}; ` +
        `lost ${units - cards.size}, doubled ${doubledCards}, 429s ${fake.rateLimited - rateLimitedBefore}; ${perUnit(before, units)}; ` +
        `load ${loadavg()}`,
    );
  }

  if (phases.has('clicks')) {
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
    const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
    // Each callback's ack: when it was sent (ms since the start) and how long the answer took.
    const acks: { at: number; ms: number }[] = [];
    let failures = 0;
    const inflight: Promise<void>[] = [];
    const logOffset = countStatements ? fs.statSync(PG_LOG).size : 0;
    // BENCH_REDIS_MONITOR=file: every Redis command during the clicks (redis-cli monitor), to see the round trips.
    const monitor = process.env.BENCH_REDIS_MONITOR
      ? spawn('redis-cli', ['-p', String(redisServer.port), 'monitor'], {
          stdio: ['ignore', fs.openSync(process.env.BENCH_REDIS_MONITOR, 'w'), 'ignore'],
        })
      : undefined;
    const commandsBefore = await redisCommands();
    before = cpu();
    started = performance.now();
    let lastAnswer = started;
    const send = async (request: { headers: Record<string, string>; body: string }) => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const t0 = performance.now();
        const status = await post(agent, `${service!.url}/feishu/cards`, request.headers, request.body).catch(() => 0);
        lastAnswer = performance.now();
        acks.push({ at: t0 - started, ms: lastAnswer - t0 });
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
    const sentS = (performance.now() - started) / 1000;
    await Promise.all(inflight);
    const answeredS = (lastAnswer - started) / 1000;
    let recorded = 0;
    await until(
      'votes recorded',
      async () =>
        (recorded = await count(`SELECT count(*)::int AS n FROM "VoterRecord" WHERE "motionId" = $1`, [motionId])) >=
        units,
    ).catch(() => console.log(`only ${recorded} of ${units} votes recorded after 30 minutes`));
    const recordedS = (performance.now() - started) / 1000;
    await until('replies delivered', async () => (await openRows()) === 0);
    const deliveredS = (performance.now() - started) / 1000;
    const ms = acks.map((a) => a.ms).sort((a, b) => a - b);
    // The slowest second: the highest p99 of the acks sent within one second.
    const bySecond = new Map<number, number[]>();
    for (const a of acks)
      bySecond.set(Math.floor(a.at / 1000), [...(bySecond.get(Math.floor(a.at / 1000)) ?? []), a.ms]);
    const worstSecond = Math.max(
      ...[...bySecond.values()].map((v) =>
        pct(
          v.sort((a, b) => a - b),
          0.99,
        ),
      ),
    );
    const commands = commandDelta(commandsBefore, await redisCommands(), units);
    monitor?.kill();
    console.log(
      `clicks     ${units} clicks + ${planned.length - units} redelivered callbacks at ${rate}/s: sent in ${sentS.toFixed(1)} s, ` +
        `all answered after ${answeredS.toFixed(1)} s (${(planned.length / answeredS).toFixed(0)} callbacks/s achieved); ` +
        `ack p50 ${pct(ms, 0.5).toFixed(1)} ms, p99 ${pct(ms, 0.99).toFixed(1)} ms, max ${pct(ms, 1).toFixed(0)} ms, ` +
        `worst second's p99 ${worstSecond.toFixed(0)} ms, over 3 s ${ms.filter((a) => a > 3_000).length}, ` +
        `non-200 ${failures} (each sent again); every vote recorded after ${recordedS.toFixed(1)} s, ` +
        `every reply delivered after ${deliveredS.toFixed(1)} s; per click: ${perUnit(before, units)}; ${commands}; load ${loadavg()}`,
    );
    if (countStatements) {
      const statements = [...statementsSince(logOffset)].sort((a, b) => b[1] - a[1]);
      const total = statements.reduce((s, [, n]) => s + n, 0);
      console.log(`SQL statements per click: ${(total / units).toFixed(2)}`);
      for (const [text, n] of statements.slice(0, 15)) console.log(`  ${(n / units).toFixed(2)}  ${text}`);
    }
  }

  if (phases.has('tally')) {
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
    await until(
      'results and ended cards',
      () => countResults() >= units && fake.updates.length - updatesBefore >= units,
    );
    console.log(
      `tally      ${((performance.now() - started) / 1000).toFixed(1)} s (motions close ${(closeMs / 1000).toFixed(1)} s; ` +
        `then ${units} result cards and ${units} vote cards updated); per unit: ${perUnit(before, units)}`,
    );
  }

  const records = await prisma.voterRecord.groupBy({ by: ['memberId'], where: { motionId }, _count: true });
  let verdict = '';
  if (phases.has('tally')) {
    const motion = await prisma.motion.findUniqueOrThrow({ where: { id: motionId } });
    const counts = (motion.tally as { counts: Record<string, number> }).counts;
    const tally = Object.values(counts).reduce((a, b) => a + b, 0);
    const expected = { 赞成: 0, 反对: 0, 弃权: 0 } as Record<string, number>;
    for (let i = 0; i < units; i++) expected[['赞成', '反对', '弃权'][i % 3]!]! += 1;
    verdict = `, tally ${JSON.stringify(counts)} ${
      tally === units && Object.keys(expected).every((k) => counts[k] === expected[k])
        ? '= the clicks'
        : `≠ the clicks ${JSON.stringify(expected)}`
    }`;
  }
  if (phases.has('clicks'))
    console.log(
      `lost votes ${units - records.length}, doubled ${records.filter((r) => r._count > 1).length}${verdict}; load average after: ${loadavg()}`,
    );
} finally {
  clearInterval(sampler);
  for (const child of extra) child.kill('SIGTERM');
  await Promise.all(extra.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  await service?.stop();
  redis.disconnect();
  await db.close();
  if (countStatements)
    await quiet.query(`ALTER DATABASE "${database.name}" RESET log_statement`).catch(() => undefined);
  await quiet.end();
  await fake.close();
  await database.drop();
  await redisServer.kill();
}
