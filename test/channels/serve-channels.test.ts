// `serve` runs whatever channels are configured — none (ops endpoints only), Feishu, WeChat, both —
// and any channel handed to it through the registry's seams: here a throwaway echo channel with one
// HTTP route that answers inline within its budget, or through the outbox when the bot is slower.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { WechatyBuilder } from 'wechaty';
import { loadConfig } from '../../src/config.ts';
import { startService, type Service } from '../../src/commands/serve.ts';
import { servedChannels } from '../../src/channels/runtime.ts';
import { feishuChannel } from '../../src/channels/feishu/definition.ts';
import { defineWechatChannel } from '../../src/channels/wechat/definition.ts';
import type { Outbound } from '../../src/bot/outbound.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { defineEchoChannel } from './support/echo-channel.ts';
import { startFakeFeishu, type FakeFeishu } from './support/fake-feishu.ts';
import { messageEvent, signedRequest } from './support/feishu-requests.ts';
import { outboxSettled } from './support/outbox.ts';
import { removeKeys } from './support/redis-keys.ts';
import { capturingLogger, testQueuePrefix } from './support/world-env.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRETS = { verificationToken: 'vt-serve-test', encryptKey: 'ek-serve-test-key' };
const QUESTION = '我们单位退出以后还能重新申请吗？';

let database: TestDatabase;
let fake: FakeFeishu;
const prefixes: string[] = [];
let service: Service | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startFakeFeishu();
});
afterEach(async () => {
  await service?.close();
  service = undefined;
});
afterAll(async () => {
  for (const prefix of prefixes) await removeKeys(REDIS_URL, prefix);
  await database?.drop();
  await fake?.close();
});

function configWith(env: Record<string, string>) {
  const prefix = testQueuePrefix();
  prefixes.push(prefix);
  return loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: path.join(os.tmpdir(), `ab-serve-${randomBytes(4).toString('hex')}`),
    ...env,
  });
}

const FEISHU = {
  FEISHU_MODE: 'webhook',
  FEISHU_APP_ID: 'cli_0123456789abcdef',
  FEISHU_APP_SECRET: 'app-secret',
  FEISHU_VERIFICATION_TOKEN: SECRETS.verificationToken,
  FEISHU_ENCRYPT_KEY: SECRETS.encryptKey,
};
const feishuEnv = () => ({ ...FEISHU, FEISHU_DOMAIN: fake.url });
const WECHAT = { WECHATY_PUPPET: 'wechaty-puppet-mock', WECHATY_NAME: 'serve-test' };

const get = async (s: Service, route: string) => (await fetch(`${s.url}${route}`)).status;

/** A Feishu user's question through the signed webhook; resolves to the text of what came back. */
async function askOnFeishu(s: Service, openId: string): Promise<string> {
  const before = fake.messages.length;
  const event = messageEvent(SECRETS.verificationToken, { openId, chatId: `oc_${openId}`, text: QUESTION });
  const request = signedRequest(event, SECRETS.encryptKey);
  const res = await fetch(`${s.url}/feishu/events`, { method: 'POST', headers: request.headers, body: request.body });
  expect(res.status).toBe(200);
  await s.channels.get('feishu')!.idle!();
  await outboxSettled(s.app);
  return fake.messages
    .slice(before)
    .map((m) => JSON.stringify(m.content))
    .join('\n');
}

describe('serve with the configured channels', () => {
  it('starts with no channel configured: /healthz, /metrics, no platform routes', async () => {
    // PLAYGROUND=0: with nothing configured `serve` would otherwise run the local playground (issue 14).
    const config = configWith({
      PLAYGROUND: '0',
      SECRETARIAT: 'console:sec-new',
      SECRETARIAT_WECHAT_IDS: 'wxid_old',
      OPS_PASSWORD: 'ops-password-1',
    });
    expect(servedChannels(config)).toEqual([]);
    const { log, logs } = capturingLogger();
    service = await startService(config, { log });
    // The secretariat from both variables, and one start-up line about the deprecated one.
    const grants = await service.app.services.db.prisma.roleGrant.findMany({ orderBy: { userKey: 'asc' } });
    expect(grants.map((g) => g.userKey)).toEqual(['console:sec-new', 'wechat:wxid_old']);
    const deprecated = logs.filter((l) => l.level === 40 && String(l.msg).includes('SECRETARIAT_WECHAT_IDS'));
    expect(deprecated).toHaveLength(1);
    expect([...service.channels.keys()]).toEqual([]);
    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, server: true, database: true, redis: true });
    // /metrics is behind the ops login (issue 17): refused without it, served with it.
    expect(await get(service, '/metrics')).toBe(401);
    const login = `Basic ${Buffer.from('ops:ops-password-1').toString('base64')}`;
    expect((await fetch(`${service.url}/metrics`, { headers: { authorization: login } })).status).toBe(200);
    expect((await fetch(`${service.url}/feishu/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('runs Feishu alone when only Feishu is configured', async () => {
    const config = configWith(feishuEnv());
    service = await startService(config, { log: capturingLogger().log });
    expect([...service.channels.keys()]).toEqual(['feishu']);
    expect(await get(service, '/healthz')).toBe(200);
    expect(await askOnFeishu(service, 'ou_serve_feishu')).toContain('两年内');
  });

  it('runs WeChat alone when only WECHATY_PUPPET is set', async () => {
    const config = configWith(WECHAT);
    service = await startService(config, { log: capturingLogger().log });
    expect([...service.channels.keys()]).toEqual(['wechat']);
    expect(await get(service, '/healthz')).toBe(200);
    expect((await fetch(`${service.url}/feishu/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('runs Feishu and WeChat together, each answering its own users', async () => {
    const config = configWith({ ...feishuEnv(), ...WECHAT });
    expect(servedChannels(config).map((d) => d.name)).toEqual(['feishu', 'wechat']);
    // The registry's WeChat definition, on a puppet whose people the test can play.
    const mocker = new mock.Mocker();
    const wechaty = WechatyBuilder.build({
      puppet: new PuppetMock({ mocker }),
      name: path.join(os.tmpdir(), `ab-serve-wechat-${randomBytes(4).toString('hex')}`),
    });
    service = await startService(config, {
      log: capturingLogger().log,
      channels: [feishuChannel, defineWechatChannel({ wechaty })],
    });
    expect([...service.channels.keys()]).toEqual(['feishu', 'wechat']);
    const bot = mocker.createContact({ name: '联盟助手' });
    const loggedIn = new Promise((resolve) => wechaty.once('login', resolve));
    mocker.login(bot);
    await loggedIn;
    const person = mocker.createContact({ name: '王老师' });
    const received: string[] = [];
    (person as unknown as EventEmitter).on('message', (m: mock.MessageMock) => {
      if (m.talker().id === bot.id) received.push(m.text() ?? '');
    });
    const arrived = new Promise<void>((resolve) =>
      wechaty.on('message', (m) => {
        if (m.talker().id === person.id) resolve();
      }),
    );
    person.say(QUESTION).to(bot);
    await arrived;
    await service.channels.get('wechat')!.idle!();
    await outboxSettled(service.app);
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(received.join('\n')).toContain('两年内');
    expect(await askOnFeishu(service, 'ou_serve_both')).toContain('两年内');
    expect(await get(service, '/healthz')).toBe(200);
  });
});

describe('a channel from outside src/ (echo, one HTTP route, inline answers)', () => {
  let llm: FakeOpenAI;
  const echo = defineEchoChannel({ budgetMs: 1_500 });
  const say = async (user: string, text: string) => {
    const res = await fetch(`${service!.url}/echo/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, text }),
    });
    return { status: res.status, body: (await res.json()) as { replies?: Outbound[]; queued?: boolean } };
  };
  const echoRows = () => service!.app.services.db.prisma.outboxMessage.findMany({ where: { channel: 'echo' } });
  const textOf = (out: Outbound[]) => out.map((o) => (o.kind === 'text' ? o.text : '')).join('\n');

  beforeAll(async () => {
    llm = await startFakeOpenAI();
  });
  afterAll(async () => {
    await llm.close();
  });

  it('answers a charter question in the HTTP response when the bot is done within the budget', async () => {
    llm.reply = () => ({ content: '退出后两年内不得申请重新加入联盟【第二十条】。' });
    const config = configWith({ OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: 'k', OPENAI_TIMEOUT_MS: '10000' });
    service = await startService(config, { log: capturingLogger().log, channels: [echo.definition] });
    const { status, body } = await say('echo-fast', QUESTION);
    expect(status).toBe(200);
    expect(textOf(body.replies ?? [])).toContain('两年内');
    expect(body.replies?.[0]).toMatchObject({ kind: 'text', citations: [{ section: '第二十条' }] });
    // Carried in the response: nothing for the outbox, nothing sent again.
    await outboxSettled(service.app);
    expect(await echoRows()).toEqual([]);
    expect(echo.sent).toEqual([]);
  });

  it('sends a slower answer through the outbox, exactly once', async () => {
    llm.reply = () => ({ content: '退出后两年内不得申请重新加入联盟【第二十条】。', delayMs: 3_000 });
    const config = configWith({ OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: 'k', OPENAI_TIMEOUT_MS: '10000' });
    service = await startService(config, { log: capturingLogger().log, channels: [echo.definition] });
    const started = Date.now();
    const { status, body } = await say('echo-slow', QUESTION);
    expect(status).toBe(200);
    expect(body).toEqual({ queued: true });
    expect(Date.now() - started).toBeLessThan(2_900);
    for (let i = 0; i < 200 && echo.sent.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await outboxSettled(service.app);
    await new Promise((r) => setTimeout(r, 300));
    expect(echo.sent).toHaveLength(1);
    expect(echo.sent[0]!.address).toMatchObject({ chatId: 'echo-slow', userId: 'echo-slow' });
    expect(textOf([echo.sent[0]!.outbound])).toContain('两年内');
    expect(await echoRows()).toHaveLength(1);
  });
});
