// A motion's close survives the processes: every process stops before the closing time, two start
// after it, and the motion closes exactly once (one audit entry, one result per member).
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/log.ts';
import { consoleDeliveryChannel } from '../../src/channels/console/delivery-channel.ts';
import { importMembers } from '../../src/membership/members.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { obliterate } from '../support/delivery-rig.ts';

let database: TestDatabase;
const apps: App[] = [];
const received: string[] = [];

afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
  if (apps[0]) await obliterate(apps[0].services.config);
  await database?.drop();
});

async function start(env: Record<string, string>): Promise<App> {
  const config = loadConfig(env);
  const app = await createApp(config, { log: createLogger('silent') });
  apps.push(app);
  await app.services.delivery!.startWorkers({
    channels: [consoleDeliveryChannel((user) => void received.push(user))],
    relayOptions: { pollMs: 100 },
  });
  return app;
}

describe('closing across restarts', () => {
  it('closes once when every process was down at the closing time', async () => {
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `t-${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: 'silent',
      VOTE_REMINDERS: '1h',
    };
    const first = await start(env);
    const prisma = first.services.db.prisma;
    await importMembers(
      prisma,
      'test',
      'orgName,orgType,repName,channel,userId\n甲单位,企业,甲,console,a\n乙单位,企业,乙,console,b\n',
    );
    const created = await first.congress.create('cli', {
      kind: 'general',
      title: '重启测试',
      text: '重启测试',
      closes_at: new Date(Date.now() + 4_000).toISOString(),
    });
    if (!created.ok) throw new Error('not created');
    const id = created.motion.id;
    await first.congress.cast('console:a', created.motion, '赞成');
    await first.close();
    apps.length = 0;
    // Down past the closing time; then two processes start at once.
    await new Promise((r) => setTimeout(r, 6_000));
    const [second] = await Promise.all([start(env), start(env)]);
    const db = second!.services.db.prisma;
    for (let i = 0; i < 200 && (await db.motion.findUniqueOrThrow({ where: { id } })).status !== 'closed'; i += 1)
      await new Promise((r) => setTimeout(r, 100));
    // Time for a second close (the delayed job, the other process's reconcile) to do harm if it could.
    await new Promise((r) => setTimeout(r, 3_000));
    const motion = await db.motion.findUniqueOrThrow({ where: { id } });
    expect(motion).toMatchObject({ status: 'closed', result: 'passed', closedBy: 'timer' });
    expect(await db.auditLog.count({ where: { action: 'motion.close', entityId: id } })).toBe(1);
    expect(await db.outboxMessage.count({ where: { dedupeKey: { startsWith: `motion:${id}:result` } } })).toBe(2);
  }, 120_000);
});
