// A delivery backbone on a fresh PostgreSQL database and a real Redis, with its own queue prefix
// (obliterated afterwards), a fake Feishu send API that enforces limits, and helpers to import
// members and broadcast to them.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { loadConfig, type Config } from '../../src/config.ts';
import { openMigratedDatabase } from '../../src/app.ts';
import type { Db } from '../../src/db/client.ts';
import { createLogger } from '../../src/log.ts';
import { Delivery } from '../../src/delivery/delivery.ts';
import { deliverQueueName, TIMERS_QUEUE } from '../../src/delivery/queues.ts';
import { importMembers } from '../../src/membership/members.ts';
import { createBroadcast, broadcastStatus } from '../../src/membership/broadcast.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { startFakeFeishu, type FakeFeishu, type FeishuLimits } from './fake-feishu-limits.ts';
import { limitedFeishuChannel } from './limited-channel.ts';

export type Rig = {
  config: Config;
  env: Record<string, string>;
  db: Db;
  database: TestDatabase;
  delivery: Delivery;
  feishu: FakeFeishu;
  importFeishuMembers(n: number): Promise<string[]>;
  broadcast(text?: string): Promise<{ id: string; total: number }>;
  status(id: string): ReturnType<typeof broadcastStatus>;
  waitUntil(check: () => Promise<boolean> | boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

export async function createRig(options: {
  env?: Record<string, string>;
  fakeLimits: FeishuLimits;
  redisUrl?: string;
}): Promise<Rig> {
  const database = await createTestDatabase('ab_dlv');
  const feishu = await startFakeFeishu(options.fakeLimits);
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL: options.redisUrl ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `t-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'silent',
    DELIVERY_BACKOFF_MS: '50',
    DELIVERY_LOCK_MS: '4000',
    FAKE_FEISHU_URL: feishu.url,
    ...options.env,
  };
  const config = loadConfig(env);
  const log = createLogger('silent');
  const db = await openMigratedDatabase(config, log);
  const delivery = new Delivery(config, db, log, config.redisUrl);

  const rig: Rig = {
    config,
    env,
    db,
    database,
    delivery,
    feishu,
    async importFeishuMembers(n) {
      const ids = Array.from({ length: n }, (_, i) => `ou_m${String(i).padStart(5, '0')}`);
      const csv = [
        'orgName,orgType,repName,channel,userId',
        ...ids.map((id, i) => `成员单位${i},企业,代表${i},feishu,${id}`),
      ].join('\n');
      await importMembers(db.prisma, 'test', csv);
      return ids;
    },
    broadcast: (text = '请各成员单位于月底前报送年度工作总结。') =>
      createBroadcast(db.prisma, {
        actor: 'console:sec',
        text,
        card: { kind: 'card', card: { title: '联盟秘书处通知', lines: [text] } },
      }),
    status: (id) => broadcastStatus(db.prisma, id),
    async waitUntil(check, what, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await delivery.close();
      await obliterate(config);
      await db.close();
      await feishu.close();
      await database.drop();
    },
  };
  return rig;
}

/** Removes every queue this test created. */
export async function obliterate(config: Config): Promise<void> {
  if (!config.redisUrl) return;
  for (const name of [deliverQueueName('feishu'), deliverQueueName('console'), TIMERS_QUEUE]) {
    const queue = new Queue(name, {
      connection: { url: config.redisUrl, maxRetriesPerRequest: 1 },
      prefix: config.queuePrefix,
    });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

export { limitedFeishuChannel };
