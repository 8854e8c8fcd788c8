// The whole `serve` with the WeCom app configured, on a fresh database, a random Redis prefix and a
// fake WeCom server API, plus members who talk to it through signed, encrypted callbacks.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../../src/config.ts';
import { startService, type Service } from '../../../src/commands/serve.ts';
import type { WecomChannel } from '../../../src/channels/wecom/wecom-channel.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';
import { removeKeys } from './redis-keys.ts';
import { capturingLogger, testQueuePrefix } from './world-env.ts';
import { outboxSettled } from './outbox.ts';
import { AGENT_ID, CORP_ID, SECRET, startFakeWecom, type FakeWecom, type WecomSent } from './fake-wecom.ts';
import {
  cardClick,
  fileMessage,
  signedCallback,
  textMessage,
  WECOM_SECRETS,
  type SignedCallback,
} from './wecom-requests.ts';

export type WecomService = Service & { channel: WecomChannel; http: FastifyInstance };

export type WecomWorld = {
  fake: WecomFake;
  service: WecomService;
  config: Config;
  database: TestDatabase;
  logs: Record<string, unknown>[];
  /** Posts a callback to the service and answers its status and body. */
  post(callback: SignedCallback, service?: WecomService): Promise<{ status: number; text: string }>;
  /** Posts a callback, waits until it is handled and the replies are out; returns what was sent. */
  deliver(inner: string): Promise<{ status: number; text: string; sent: WecomSent[] }>;
  member(userId: string): WecomMember;
  /** Another `serve` on the same database and Redis (redelivery across processes). */
  secondService(): Promise<WecomService>;
  close(): Promise<void>;
};

type WecomFake = FakeWecom;

export type WecomMember = {
  userId: string;
  says(text: string): Promise<WecomSent[]>;
  clicks(card: WecomSent, buttonIndex: number): Promise<WecomSent[]>;
  sendsFile(name: string, data: Buffer, type?: 'file' | 'image'): Promise<WecomSent[]>;
};

export function wecomEnv(fake: FakeWecom): Record<string, string> {
  return {
    WECOM_CORP_ID: CORP_ID,
    WECOM_AGENT_ID: AGENT_ID,
    WECOM_SECRET: SECRET,
    WECOM_TOKEN: WECOM_SECRETS.token,
    WECOM_ENCODING_AES_KEY: WECOM_SECRETS.encodingAesKey,
    WECOM_API_BASE: fake.url,
  };
}

export async function startWecomWorld(env: Record<string, string> = {}): Promise<WecomWorld> {
  const fake = await startFakeWecom();
  const database = await createTestDatabase();
  const { log, logs } = capturingLogger();
  const queuePrefix = testQueuePrefix();
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: queuePrefix,
    ...wecomEnv(fake),
    PORT: '0',
    HOST: '127.0.0.1',
    ...env,
  });
  const start = async (): Promise<WecomService> => {
    const started = await startService(config, { log });
    return { ...started, channel: started.channels.get('wecom') as WecomChannel, http: started.http! };
  };
  const service = await start();
  const extra: WecomService[] = [];

  const post: WecomWorld['post'] = async (callback, target = service) => {
    const res = await fetch(`${target.url}/wecom/callback?${callback.query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: callback.body,
    });
    return { status: res.status, text: await res.text() };
  };
  const deliver: WecomWorld['deliver'] = async (inner) => {
    const before = fake.messages.length;
    const res = await post(signedCallback(inner));
    await service.channel.idle();
    await outboxSettled(service.app);
    return { ...res, sent: fake.messages.slice(before) };
  };
  const member = (userId: string): WecomMember => ({
    userId,
    says: async (text) => (await deliver(textMessage(userId, text))).sent,
    async clicks(card, buttonIndex) {
      const buttons = (card.body.button_list ?? []) as { key: string }[];
      const button = buttons[buttonIndex];
      if (!button || !card.taskId) throw new Error(`card has no button ${buttonIndex}`);
      const click = cardClick(userId, {
        taskId: card.taskId,
        eventKey: button.key,
        responseCode: fake.clickCode(card.taskId),
      });
      return (await deliver(click)).sent;
    },
    async sendsFile(name, data, type = 'file') {
      const mediaId = `in-${randomBytes(8).toString('hex')}`;
      fake.media.set(mediaId, { name, mime: type === 'image' ? 'image/png' : 'application/octet-stream', data });
      return (await deliver(fileMessage(userId, mediaId, type, type === 'file' ? name : undefined))).sent;
    },
  });
  return {
    fake,
    service,
    config,
    database,
    logs,
    post,
    deliver,
    member,
    async secondService() {
      const second = await start();
      extra.push(second);
      return second;
    },
    async close() {
      for (const s of extra) await s.close();
      await service.close();
      await removeKeys(config.redisUrl!, queuePrefix);
      await database.drop();
      await fake.close();
    },
  };
}

/** Everything the bot said in a batch, as text (texts, card titles and texts, file names). */
export function wecomText(sent: WecomSent[]): string {
  return sent
    .map((m) => {
      if (m.msgtype === 'text') return String(m.body.content);
      if (m.msgtype === 'template_card') return JSON.stringify(m.body);
      return `[${m.msgtype}]`;
    })
    .join('\n');
}
