// The playground beside a platform (PLAYGROUND=1) on the production backbone: with Redis its replies
// and the secretariat's review card go through the outbox and the deliver-playground queue like any
// channel's, and a card click still replaces the clicked card in place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startService, type Service } from '../../src/commands/serve.ts';
import type { PlaygroundChannel } from '../../src/channels/playground/playground-channel.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { removeKeys } from './support/redis-keys.ts';
import { capturingLogger, testQueuePrefix } from './support/world-env.ts';
import { applicationAnswers } from '../support/application-script.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = testQueuePrefix();
let database: TestDatabase;
let service: Service;

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: '0',
    PLAYGROUND: '1',
    SECRETARIAT: 'playground:secretariat',
    APPLICATION_DEADLINE: 'none',
    DATA_DIR: path.join(os.tmpdir(), `ab-pg-redis-${randomBytes(4).toString('hex')}`),
  });
  service = await startService(config, { log: capturingLogger().log });
});
afterAll(async () => {
  await service?.close();
  await removeKeys(REDIS_URL, prefix);
  await database?.drop();
});

const channel = () => service.channels.get('playground') as PlaygroundChannel;
const said = (persona: string) =>
  channel()
    .history(persona)
    .filter((e) => e.from === 'bot')
    .map((e) => [e.file?.name, e.card?.title, e.text].filter(Boolean).join(' '))
    .join('\n');

describe('the playground with Redis', () => {
  it('delivers through the outbox and the deliver queue, and replaces a clicked card', async () => {
    for (const text of [...applicationAnswers('贵州智慧教育科技有限公司'), '确认提交'])
      await channel().fromPersona('applicant', { text });
    await expect.poll(() => said('applicant'), { timeout: 20_000 }).toMatch(/LM-\d{4}-\d{4}[\s\S]*\.docx/);
    const rows = await service.app.services.db.prisma.outboxMessage.findMany({ where: { channel: 'playground' } });
    expect(rows.length).toBeGreaterThanOrEqual(8);
    const counts = await service.app.services.delivery!.queueFor('playground').getJobCounts('completed');
    expect(counts.completed).toBeGreaterThan(0);
    await expect.poll(() => said('secretariat'), { timeout: 20_000 }).toContain('入盟申请待资格审查');
    const card = channel()
      .history('secretariat')
      .find((e) => e.card?.title.includes('入盟申请待资格审查'))!;
    const approve = card.card!.buttons.findIndex((b) => b.label === '通过资格审查');
    expect(await channel().click('secretariat', card.ref, approve, new Date())).toBe('ok');
    const after = channel()
      .history('secretariat')
      .find((e) => e.ref === card.ref)!;
    expect(after.card!.buttons).toEqual([]);
    expect(after.card!.title).toContain('通过资格审查');
    await expect.poll(() => said('applicant'), { timeout: 20_000 }).toContain('已通过秘书处资格审查');
    // Everything written for the playground is delivered (the last rows may still be on their way).
    const open = () =>
      service.app.services.db.prisma.outboxMessage.count({
        where: { channel: 'playground', status: { in: ['pending', 'queued'] } },
      });
    await expect.poll(open, { timeout: 20_000 }).toBe(0);
  }, 120_000);
});
