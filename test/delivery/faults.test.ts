// Fault tests on real Redis and PostgreSQL: a worker process SIGKILLed in the middle of a fan-out of
// 2,000 notice cards, and Redis restarted (losing its data) mid-run. Afterwards every member has
// exactly one card and no outbox row is left undelivered.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRig, limitedFeishuChannel, type Rig } from '../support/delivery-rig.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/postgres-server.ts';

let rig: Rig | undefined;
let redis: PrivateRedis | undefined;
let postgres: PrivatePostgres | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await rig?.close();
  await redis?.kill();
  await postgres?.destroy();
  rig = undefined;
  redis = undefined;
  postgres = undefined;
});

const childScript = path.resolve(import.meta.dirname, '../support/deliver-worker-child.ts');

async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
  return child;
}

const settled = (r: Rig) => async () =>
  (await r.db.prisma.outboxMessage.count({ where: { status: { in: ['pending', 'queued'] } } })) === 0;

function expectExactlyOnce(r: Rig, ids: string[]) {
  const counts = ids.map((id) => r.feishu.messages.get(id)?.length ?? 0);
  expect(counts.filter((n) => n === 0)).toHaveLength(0);
  expect(counts.filter((n) => n > 1)).toHaveLength(0);
  expect(r.feishu.totalMessages()).toBe(ids.length);
}

describe('delivery faults', () => {
  it('a worker SIGKILLed mid fan-out of 2,000 cards: after restart every member has exactly one', async () => {
    rig = await createRig({
      fakeLimits: { sendPerMin: 1_000_000, apiPerSec: 400, perChatPerSec: 5 },
      env: { FEISHU_API_PER_SEC: '400', FEISHU_SEND_PER_MIN: '1000000', DELIVERY_LOCK_MS: '3000' },
    });
    const ids = await rig.importFeishuMembers(2_000);
    const { id } = await rig.broadcast();
    const first = await startWorkerProcess(rig.env);
    await rig.waitUntil(() => rig!.feishu.totalMessages() >= 500, '500 cards sent');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const sentAtKill = rig.feishu.totalMessages();
    expect(sentAtKill).toBeLessThan(2_000);
    await startWorkerProcess(rig.env);
    await rig.waitUntil(settled(rig), 'all delivered after restart', 120_000);
    expectExactlyOnce(rig, ids);
    expect(await rig.status(id)).toMatchObject({ total: 2_000, delivered: 2_000, pending: 0, failed: 0 });
    console.log(
      `SIGKILL fan-out: sent before kill ${sentAtKill}, same-uuid resends absorbed ${rig.feishu.stats.repeatedUuid}`,
    );
  }, 180000);

  it('a worker stopped with SIGTERM mid fan-out finishes or hands back its jobs and exits cleanly', async () => {
    rig = await createRig({
      fakeLimits: { sendPerMin: 1_000_000, apiPerSec: 200, perChatPerSec: 5 },
      env: { FEISHU_API_PER_SEC: '200', FEISHU_SEND_PER_MIN: '1000000' },
    });
    const ids = await rig.importFeishuMembers(600);
    await rig.broadcast();
    const first = await startWorkerProcess(rig.env);
    await rig.waitUntil(() => rig!.feishu.totalMessages() >= 150, '150 cards sent');
    const exited = new Promise<number | null>((r) => first.once('exit', (code) => r(code)));
    first.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(rig.feishu.totalMessages()).toBeLessThan(600);
    // Nothing is left "active" for a dead worker: the rest waits in the queue for the next one.
    expect(await rig.delivery.queueFor('feishu').getActiveCount()).toBe(0);
    await startWorkerProcess(rig.env);
    await rig.waitUntil(settled(rig), 'all delivered after restart', 60_000);
    expectExactlyOnce(rig, ids);
  }, 180000);

  it('Redis restarted mid-run, losing its data: nothing lost, nothing doubled', async () => {
    redis = await startPrivateRedis();
    rig = await createRig({
      redisUrl: redis.url,
      fakeLimits: { sendPerMin: 1_000_000, apiPerSec: 100, perChatPerSec: 5 },
      env: { FEISHU_API_PER_SEC: '100', FEISHU_SEND_PER_MIN: '1000000' },
    });
    const ids = await rig.importFeishuMembers(400);
    await rig.broadcast();
    await rig.delivery.startWorkers({
      channels: [limitedFeishuChannel(rig.feishu.url)],
      timers: false,
      relayOptions: { pollMs: 100, staleMs: 1_500, sweepMs: 500 },
    });
    await rig.waitUntil(() => rig!.feishu.totalMessages() >= 80, '80 cards sent');
    await redis.kill();
    const sentAtCrash = rig.feishu.totalMessages();
    await new Promise((r) => setTimeout(r, 300));
    await redis.start();
    await rig.waitUntil(settled(rig), 'all delivered after the Redis restart', 120_000);
    expect(sentAtCrash).toBeLessThan(400);
    expectExactlyOnce(rig, ids);
  }, 180000);

  it('PostgreSQL restarted (down 3 s) and frozen (3 s) mid fan-out of 200 cards: every member has exactly one card', async () => {
    postgres = await startPrivatePostgres();
    rig = await createRig({
      fakeLimits: { sendPerMin: 1_000_000, apiPerSec: 100, perChatPerSec: 5 },
      env: {
        DATABASE_URL: postgres.url,
        FEISHU_API_PER_SEC: '100',
        FEISHU_SEND_PER_MIN: '1000000',
        DELIVERY_ATTEMPTS: '3',
      },
    });
    const ids = await rig.importFeishuMembers(200);
    const { id } = await rig.broadcast();
    await rig.delivery.startWorkers({
      channels: [limitedFeishuChannel(rig.feishu.url)],
      timers: false,
      relayOptions: { pollMs: 100, staleMs: 1_500, sweepMs: 500 },
    });
    await rig.waitUntil(() => rig!.feishu.totalMessages() >= 40, '40 cards sent');
    await postgres.stop();
    const sentAtStop = rig.feishu.totalMessages();
    await new Promise((r) => setTimeout(r, 3_000));
    await postgres.start();
    await rig.waitUntil(() => rig!.feishu.totalMessages() >= sentAtStop + 40, '40 more cards sent', 60_000);
    postgres.freeze();
    await new Promise((r) => setTimeout(r, 3_000));
    postgres.thaw();
    await rig.waitUntil(settled(rig), 'all delivered after the outages', 120_000);
    expect(sentAtStop).toBeLessThan(200);
    expectExactlyOnce(rig, ids);
    // Only 3 attempts per message, yet none failed: an outage does not use them up.
    expect(await rig.status(id)).toMatchObject({ total: 200, delivered: 200, pending: 0, failed: 0 });
  }, 180000);
});
