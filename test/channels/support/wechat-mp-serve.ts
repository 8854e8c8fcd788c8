// A real `serve` child process (started as the image starts it) running the Official Account channel
// alone against the fake Official Account API and the fake LLM: the two-process tests and the
// benchmark start it the same way, with their own extra variables; the two-process tests share the
// backends their processes run on and post callbacks the same way.
import path from 'node:path';
import { imageSetup, startWebhookService, type WebhookService } from '../../../bench/service-process.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../support/fake-openai.ts';
import { startFakeMp, type FakeMp } from './fake-wechat-mp.ts';
import { removeKeys } from './redis-keys.ts';
import { testQueuePrefix } from './world-env.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/alliance-bot.js');

export type MpSecrets = { token: string; appId: string; encodingAesKey: string };

export function startMpServe(options: {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  fake: FakeMp;
  llm: FakeOpenAI;
  secrets: MpSecrets;
  env?: Record<string, string>;
}): Promise<WebhookService> {
  const image = imageSetup();
  return startWebhookService({
    args: [...image.flags, BIN, 'serve'],
    domain: '',
    secrets: { verificationToken: '', encryptKey: '' },
    queuePrefix: options.queuePrefix,
    env: {
      ...image.env,
      FEISHU_APP_ID: '',
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      OPENAI_BASE_URL: options.llm.baseUrl,
      OPENAI_API_KEY: 'k',
      WECHAT_MP_APP_ID: options.secrets.appId,
      WECHAT_MP_APP_SECRET: options.fake.appSecret,
      WECHAT_MP_TOKEN: options.secrets.token,
      WECHAT_MP_ENCODING_AES_KEY: options.secrets.encodingAesKey,
      WECHAT_MP_API_BASE: options.fake.url,
      LOG_LEVEL: 'error',
      ...options.env,
    },
  });
}

/** The Official Account the two-process tests stand behind. */
export const TEST_SECRETS: MpSecrets = {
  token: 'mpToken2026',
  appId: 'wx0123456789abcdef',
  encodingAesKey: 'A'.repeat(42) + 'B',
};

/** What several `serve` processes share: one database, one queue prefix, the fake API and LLM. */
export type MpBackends = {
  database: TestDatabase;
  fake: FakeMp;
  llm: FakeOpenAI;
  /** Starts one more `serve` process on these backends, with TEST_SECRETS. */
  start(env?: Record<string, string>): Promise<WebhookService>;
  /** Removes the queue keys, drops the database, stops the fakes (stop the processes first). */
  close(): Promise<void>;
};

export async function startMpBackends(): Promise<MpBackends> {
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const queuePrefix = testQueuePrefix();
  const [database, fake, llm] = await Promise.all([createTestDatabase(), startFakeMp(), startFakeOpenAI()]);
  return {
    database,
    fake,
    llm,
    start: (env) =>
      startMpServe({ databaseUrl: database.url, redisUrl, queuePrefix, fake, llm, secrets: TEST_SECRETS, env }),
    async close() {
      await removeKeys(redisUrl, queuePrefix);
      await Promise.all([database.drop(), fake.close(), llm.close()]);
    },
  };
}

/** POSTs a signed callback to a `serve` process; its status and body. */
export async function postCallback(
  url: string,
  request: { query: string; body: string },
): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}/wechat-mp/callback?${request.query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: request.body,
  });
  return { status: res.status, body: await res.text() };
}
