// A whole bot on a fresh PostgreSQL database, and console users that talk to it like people do:
//   const alice = harness.user('alice'); await alice.says('退会以后还能回来吗');
//   expect(alice.lastText()).toContain('第二十条');
import { loadConfig, type Config } from '../../src/config.ts';
import { createApp, type App } from '../../src/app.ts';
import { consoleInbound } from '../../src/channels/console/console-inbound.ts';
import type { Outbound } from '../../src/bot/outbound.ts';
import { createLogger } from '../../src/log.ts';
import type { Logger } from 'pino';
import { createTestDatabase, type TestDatabase } from './db.ts';

export type TestUser = {
  id: string;
  says(text: string): Promise<Outbound[]>;
  sendsFile(path: string): Promise<Outbound[]>;
  clicks(action: string, value?: Record<string, string>): Promise<Outbound[]>;
  /** All replies so far, oldest first. */
  replies: Outbound[];
  /** Text of the last reply batch, joined (cards rendered as title + lines). */
  lastText(): string;
};

export type Harness = {
  app: App;
  config: Config;
  database: TestDatabase;
  user(id: string): TestUser;
  close(): Promise<void>;
};

export async function createHarness(
  env: Record<string, string> = {},
  options: { now?: () => Date; log?: Logger } = {},
): Promise<Harness> {
  const database = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', ...env });
  const app = await createApp(config, { log: options.log ?? createLogger('silent'), now: options.now });
  return {
    app,
    config,
    database,
    user: (id) => testUser(app, id),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export function outboundText(out: Outbound): string {
  if (out.kind === 'text') return out.text;
  if (out.kind === 'file') return `[file ${out.name}] ${out.caption ?? ''}`;
  const c = out.card;
  return [
    c.title,
    ...(c.lines ?? []),
    ...(c.fields ?? []).map((f) => `${f.label}：${f.value}`),
    ...(c.buttons ?? []).map((b) => `[${b.label}]`),
  ].join('\n');
}

/** A console user talking to a running app (also for tests that build the app themselves). */
export function testUser(app: App, id: string): TestUser {
  let last: Outbound[] = [];
  const replies: Outbound[] = [];
  const send = async (message: Parameters<typeof consoleInbound>[1]) => {
    last = await app.bot.handle(consoleInbound(id, message));
    replies.push(...last);
    return last;
  };
  return {
    id,
    replies,
    says: (text) => send({ text }),
    sendsFile: (file) => send({ file }),
    clicks: (name, value = {}) => send({ action: { name, value } }),
    lastText: () => last.map(outboundText).join('\n'),
  };
}
