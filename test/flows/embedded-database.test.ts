// The newcomer's default: no DATABASE_URL, embedded PGlite in DATA_DIR, same migrations.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/log.ts';
import { consoleInbound } from '../../src/channels/console/console-inbound.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-pglite-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('embedded PGlite database', () => {
  it('creates its data folder, migrates, answers, and keeps state across restarts', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const first = await createApp(config, { log: createLogger('silent') });
    expect(first.services.db.kind).toBe('pglite');
    const replies = await first.bot.handle(consoleInbound('newcomer', { text: '成员大会多久开一次' }));
    expect(replies[0]?.kind === 'text' && replies[0].text).toContain('第十七条');
    await first.close();
    expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);

    const second = await createApp(config, { log: createLogger('silent') });
    const row = await second.services.db.prisma.conversation.findUnique({
      where: { channel_userId: { channel: 'console', userId: 'newcomer' } },
    });
    expect(row).not.toBeNull();
    await second.close();
  }, 120_000);
});
