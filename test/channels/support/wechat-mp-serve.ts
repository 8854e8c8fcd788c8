// A real `serve` child process (started as the image starts it) running the Official Account channel
// alone against the fake Official Account API and the fake LLM: the two-process tests and the
// benchmark start it the same way, with their own extra variables.
import path from 'node:path';
import { imageSetup, startWebhookService, type WebhookService } from '../../../bench/service-process.ts';
import type { FakeOpenAI } from '../../support/fake-openai.ts';
import type { FakeMp } from './fake-wechat-mp.ts';

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
