// 公示 ends on the embedded defaults too: with no Redis the timers run in process over the database
// rows. An applicant submits, the secretariat approves, the bot stops before the period is over and
// starts again after it: the end fires once, at start, and the applicant is a member. On PostgreSQL
// and on embedded PGlite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/log.ts';
import { testUser as user } from '../support/app.ts';
import { fillToSummary } from '../support/application-script.ts';
import { BOTH_DATABASES, createTestDatabase, type TestDatabase } from '../support/db.ts';

const PERIOD_MS = 3_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(read: () => Promise<T | undefined | null>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The bot as `chat` runs it without Redis: no queues, timers and pollers in process. */
async function startBot(config: Config): Promise<App> {
  const app = await createApp(config, { log: createLogger('silent') });
  expect(app.services.delivery!.enabled).toBe(false);
  expect(app.services.delivery!.scheduler.backend).toBe('in-process');
  await app.services.delivery!.startWorkers({ channels: [] });
  return app;
}

describe.each(BOTH_DATABASES)('公示 timer without Redis on $name', ({ embedded }) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-notice-timer-'));
  let database: TestDatabase | undefined;
  let app: App | undefined;
  afterAll(async () => {
    await app?.close();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an end that passed while the bot was stopped fires once when it starts again', async () => {
    database = embedded ? undefined : await createTestDatabase();
    const config = loadConfig({
      ...(database ? { DATABASE_URL: database.url } : {}),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      SECRETARIAT_CONSOLE_IDS: 'sec1',
      APPLICATION_DEADLINE: '2099-12-31',
      PUBLIC_NOTICE_PERIOD: `${PERIOD_MS / 1000}s`,
    });
    app = await startBot(config);
    const prisma = () => app!.services.db.prisma;
    const zhang = user(app, 'zhang');
    await fillToSummary(zhang, '贵州无队列测试有限公司');
    await zhang.says('确认提交');
    expect(zhang.lastText()).toMatch(/LM-\d{4}-\d{4}/);

    // The review case is opened by the in-process poller; the secretariat approves it.
    const reviewCase = await until(() => prisma().reviewCase.findFirst(), 'the review case');
    const sec1 = user(app, 'sec1');
    await sec1.clicks('review.approve', { case: reviewCase.id });
    expect(sec1.lastText()).toContain('公示');
    const notice = await prisma().publicNotice.findFirstOrThrow();
    expect(notice.status).toBe('open');

    // Stopped before the end of 公示, started again after it.
    await app.close();
    app = undefined;
    await sleep(Math.max(0, notice.endsAt.getTime() - Date.now()) + 500);
    app = await startBot(config);
    const granted = await until(
      () => prisma().publicNotice.findFirst({ where: { id: notice.id, status: 'granted' } }),
      'the end of 公示 after the restart',
    );
    expect(granted.closedAt!.getTime()).toBeGreaterThanOrEqual(notice.endsAt.getTime());
    const again = user(app, 'zhang');
    await again.says('我的申请');
    expect(again.lastText()).toContain('已取得联盟成员资格');

    // Once: a reconcile and another restart change nothing.
    await app.services.delivery!.scheduler.reconcile();
    await app.close();
    app = await startBot(config);
    await sleep(1_000);
    expect(await prisma().auditLog.count({ where: { action: 'member.grant' } })).toBe(1);
    expect(await prisma().outboxMessage.count({ where: { dedupeKey: { startsWith: `granted:${notice.id}` } } })).toBe(
      1,
    );
    expect(await prisma().member.count({ where: { orgName: '贵州无队列测试有限公司', status: 'active' } })).toBe(1);
  }, 120_000);
});
