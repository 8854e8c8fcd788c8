// The whole `serve` (webhook mode) on a fresh database, a random Redis prefix and a fake Open API,
// plus a Feishu user who talks to it through signed, encrypted webhook requests.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/config.ts';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { startService } from '../../../src/commands/serve.ts';
import type { App } from '../../../src/app.ts';
import type { FeishuChannel } from '../../../src/channels/feishu/feishu-channel.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';
import { removeKeys } from './redis-keys.ts';
import { capturingLogger, testQueuePrefix } from './world-env.ts';
import { outboxSettled } from './outbox.ts';
import { startFakeFeishu, type FakeFeishu, type SentMessage } from './fake-feishu.ts';
import { cardActionEvent, messageEvent, signedRequest, type Mention } from './feishu-requests.ts';

export const SECRETS = { verificationToken: 'vt-alliance-test', encryptKey: 'ek-alliance-test-key' };

/** `serve` with Feishu configured, and its Feishu channel at hand. */
export type FeishuService = {
  app: App;
  channel: FeishuChannel;
  http: FastifyInstance;
  redis: Redis;
  url: string;
  close(): Promise<void>;
};

export type FeishuWorld = {
  fake: FakeFeishu;
  service: FeishuService;
  database: TestDatabase;
  logs: Record<string, unknown>[];
  post(
    path: string,
    request: { body: string; headers: Record<string, string> },
  ): Promise<{ status: number; json: unknown }>;
  /** Sends a signed event and waits until the service has processed it; returns what the bot sent in reply. */
  deliver(
    event: ReturnType<typeof messageEvent> | ReturnType<typeof cardActionEvent>,
  ): Promise<{ status: number; json: unknown; sent: SentMessage[] }>;
  user(openId: string, chatId?: string): FeishuUser;
  close(): Promise<void>;
};

export type FeishuUser = {
  openId: string;
  chatId: string;
  says(text: string, options?: { chatType?: 'p2p' | 'group'; mentions?: Mention[] }): Promise<SentMessage[]>;
  clicks(card: SentMessage, buttonIndex: number): Promise<{ json: unknown; sent: SentMessage[] }>;
  /** Sends a file message; its bytes wait in the fake's message-resource store. */
  sendsFile(name: string, data: Buffer): Promise<SentMessage[]>;
};

export async function startFeishuWorld(env: Record<string, string> = {}): Promise<FeishuWorld> {
  const fake = await startFakeFeishu();
  const database = await createTestDatabase();
  const { log, logs } = capturingLogger();
  const queuePrefix = testQueuePrefix();
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: queuePrefix,
    FEISHU_MODE: 'webhook',
    FEISHU_APP_ID: 'cli_0123456789abcdef',
    FEISHU_APP_SECRET: 'app-secret',
    FEISHU_VERIFICATION_TOKEN: SECRETS.verificationToken,
    FEISHU_ENCRYPT_KEY: SECRETS.encryptKey,
    FEISHU_DOMAIN: fake.url,
    PORT: '0',
    HOST: '127.0.0.1',
    ...env,
  });
  // What `serve` runs for this configuration, found through the channel registry.
  const started = await startService(config, { log });
  const service: FeishuService = {
    ...started,
    channel: started.channels.get('feishu') as FeishuChannel,
    http: started.http!,
  };

  const post: FeishuWorld['post'] = async (path, request) => {
    const res = await fetch(`${service.url}${path}`, { method: 'POST', headers: request.headers, body: request.body });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const deliver: FeishuWorld['deliver'] = async (event) => {
    const before = fake.messages.length;
    const res = await post('/feishu/events', signedRequest(event, SECRETS.encryptKey));
    await service.channel.idle();
    await outboxSettled(service.app);
    return { ...res, sent: fake.messages.slice(before) };
  };
  const user = (openId: string, chatId = `oc_p2p_${openId}`): FeishuUser => ({
    openId,
    chatId,
    async says(text, options = {}) {
      const event = messageEvent(SECRETS.verificationToken, {
        openId,
        chatId,
        text,
        chatType: options.chatType ?? 'p2p',
        mentions: options.mentions,
      });
      return (await deliver(event)).sent;
    },
    async sendsFile(name, data) {
      const fileKey = `file_in_${randomBytes(6).toString('hex')}`;
      fake.resources.set(fileKey, data);
      const event = messageEvent(SECRETS.verificationToken, {
        openId,
        chatId,
        type: 'file',
        content: { file_key: fileKey, file_name: name },
      });
      return (await deliver(event)).sent;
    },
    async clicks(card, buttonIndex) {
      const value = cardButtons(card)[buttonIndex];
      if (!value) throw new Error(`card has no button ${buttonIndex}`);
      const { json, sent } = await deliver(
        cardActionEvent(SECRETS.verificationToken, { operatorId: openId, value, messageId: card.messageId, chatId }),
      );
      return { json, sent };
    },
  });
  return {
    fake,
    service,
    database,
    logs,
    post,
    deliver,
    user,
    async close() {
      await service.close();
      await removeKeys(config.redisUrl!, queuePrefix);
      await database.drop();
      await fake.close();
    },
  };
}

/** The callback values of a sent interactive card's buttons, in order. */
export function cardButtons(card: SentMessage): unknown[] {
  const body = card.content.body as {
    elements: { tag: string; columns?: { elements: { tag: string; behaviors?: { value: unknown }[] }[] }[] }[];
  };
  return body.elements
    .flatMap((e) => (e.tag === 'column_set' ? (e.columns ?? []).flatMap((c) => c.elements) : [e]))
    .filter((e) => e.tag === 'button')
    .map((b) => (b as { behaviors: { value: unknown }[] }).behaviors[0]!.value);
}

/** Everything the bot said in a batch, as plain text (text messages and card texts). */
export function sentText(sent: SentMessage[]): string {
  return sent
    .map((m) => {
      if (m.msgType === 'text') return String(m.content.text);
      if (m.msgType === 'interactive') return JSON.stringify(m.content);
      return `[${m.msgType}]`;
    })
    .join('\n');
}

/** The toast of a card callback's answer (what the click did, shown beside the replaced card). */
export function toastText(json: unknown): string {
  return String((json as { toast?: { content?: unknown } } | undefined)?.toast?.content ?? '');
}
