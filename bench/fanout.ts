// Fan-out benchmark: a broadcast to N imported members, delivered by a `worker`-like child process
// to a fake Feishu Open API that enforces Feishu's documented limits (429 + 99991400 beyond them).
// Prints delivered, duplicates, lost, seconds and achieved/allowed rate, without and with a worker
// SIGKILLed mid-way.
//   npx tsx bench/fanout.ts [--n 5000] [--scale 1] [--only plain|kill]
// --scale multiplies the platform limits (and the worker's configured ones) for a quicker run.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.ts';
import { openMigratedDatabase } from '../src/app.ts';
import { createLogger } from '../src/log.ts';
import { importMembers } from '../src/membership/members.ts';
import { createBroadcast } from '../src/membership/broadcast.ts';
import { createTestDatabase } from '../test/support/db.ts';
import { startFakeFeishu, FEISHU_DEFAULT_LIMITS } from '../test/support/fake-feishu-limits.ts';
import { obliterate } from '../test/support/delivery-rig.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '5000' },
    scale: { type: 'string', default: '1' },
    only: { type: 'string' },
  },
});
const N = Number(values.n);
const scale = Number(values.scale);
const limits = {
  sendPerMin: FEISHU_DEFAULT_LIMITS.sendPerMin * scale,
  apiPerSec: FEISHU_DEFAULT_LIMITS.apiPerSec * scale,
  perChatPerSec: FEISHU_DEFAULT_LIMITS.perChatPerSec,
};
const allowedPerSec = Math.min(limits.sendPerMin / 60, limits.apiPerSec);
const child = path.resolve(import.meta.dirname, '../test/support/deliver-worker-child.ts');

async function run(kill: boolean): Promise<void> {
  const database = await createTestDatabase('ab_bench');
  const feishu = await startFakeFeishu(limits);
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'silent',
    FEISHU_SEND_PER_MIN: String(limits.sendPerMin),
    FEISHU_API_PER_SEC: String(limits.apiPerSec),
    FAKE_FEISHU_URL: feishu.url,
  };
  const config = loadConfig(env);
  const db = await openMigratedDatabase(config, createLogger('silent'));
  const csv = [
    'orgName,orgType,repName,channel,userId',
    ...Array.from({ length: N }, (_, i) => `单位${i},企业,代表${i},feishu,ou_${i}`),
  ].join('\n');
  await importMembers(db.prisma, 'bench', csv);
  const started = Date.now();
  const { id } = await createBroadcast(db.prisma, {
    actor: 'bench',
    text: '基准测试通知',
    card: { kind: 'card', card: { title: '联盟秘书处通知', lines: ['基准测试通知'] } },
  });
  let worker = await startWorker(env);
  let killedAt: number | undefined;
  for (;;) {
    if (kill && killedAt === undefined && feishu.totalMessages() >= N / 2) {
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      killedAt = feishu.totalMessages();
      worker = await startWorker(env);
    }
    const open = await db.prisma.outboxMessage.count({
      where: { broadcastId: id, status: { in: ['pending', 'queued'] } },
    });
    if (open === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const seconds = (Date.now() - started) / 1000;
  const counts = [...feishu.messages.values()].map((list) => list.length);
  const delivered = counts.length;
  const duplicates = counts.reduce((n, c) => n + Math.max(0, c - 1), 0);
  const failed = await db.prisma.outboxMessage.count({ where: { broadcastId: id, status: 'failed' } });
  const sendSeconds = ((feishu.stats.lastAt ?? 0) - (feishu.stats.firstAt ?? 0)) / 1000;
  const achieved = (delivered - 1) / sendSeconds;
  console.log(
    JSON.stringify({
      scenario: kill ? `SIGKILL worker at ${killedAt} sent` : 'no fault',
      n: N,
      delivered,
      duplicates,
      lost: N - delivered,
      failed,
      seconds: +seconds.toFixed(1),
      achievedPerSec: +achieved.toFixed(2),
      allowedPerSec: +allowedPerSec.toFixed(2),
      ratio: +(achieved / allowedPerSec).toFixed(3),
      rateLimitAnswers: feishu.stats.rateLimited,
      sameUuidResends: feishu.stats.repeatedUuid,
    }),
  );
  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
  await obliterate(config);
  await db.close();
  await feishu.close();
  await database.drop();
}

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve(proc));
    proc.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
  });
}

if (values.only !== 'kill') await run(false);
if (values.only !== 'plain') await run(true);
