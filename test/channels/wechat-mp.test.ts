// The WeChat Official Account (服务号) channel under `serve`, against a local fake of the Official
// Account API and callbacks signed (and, in 安全模式, encrypted) by the published algorithm: charter
// Q&A answered in the HTTP response, a slow answer sent as a customer-service message, refusals,
// a callback delivered to two `serve` instances handled once, notifications outside the 48-hour
// window (template message, or recorded as undeliverable), documents as download links.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config.ts';
import { startService, type Service } from '../../src/commands/serve.ts';
import { addToOutbox, toUser } from '../../src/delivery/outbox.ts';
import { text } from '../../src/bot/outbound.ts';
import { storeFile } from '../../src/db/files.ts';
import { verifyCallback } from '../../src/channels/wechat-mp/callback-verify.ts';
import type { WechatMpChannel } from '../../src/channels/wechat-mp/mp-channel.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { startFakeMp, type FakeMp } from './support/fake-wechat-mp.ts';
import {
  callback,
  eventXml,
  imageXml,
  OA_ID,
  readReply,
  textXml,
  type MpSecrets,
} from './support/wechat-mp-requests.ts';
import { outboxSettled } from './support/outbox.ts';
import { removeKeys } from './support/redis-keys.ts';
import { capturingLogger, testQueuePrefix } from './support/world-env.ts';
import { applicationAnswers } from '../support/application-script.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const QUESTION = '我们单位退出以后还能重新申请吗？';
const ANSWER = '退出后两年内不得申请重新加入联盟【第二十条】。';
const TOKEN = 'mpToken2026';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

let database: TestDatabase;
let fake: FakeMp;
let llm: FakeOpenAI;
const prefixes: string[] = [];
const services: Service[] = [];

beforeAll(async () => {
  [database, fake, llm] = await Promise.all([createTestDatabase(), startFakeMp(), startFakeOpenAI()]);
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  for (const prefix of prefixes) await removeKeys(REDIS_URL, prefix);
  await Promise.all([database?.drop(), fake?.close(), llm?.close()]);
});

function mpConfig(env: Record<string, string> = {}, prefix = testQueuePrefix()): Config {
  prefixes.push(prefix);
  return loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: path.join(os.tmpdir(), `ab-mp-${randomBytes(4).toString('hex')}`),
    OPENAI_BASE_URL: llm.baseUrl,
    OPENAI_API_KEY: 'k',
    OPENAI_TIMEOUT_MS: '15000',
    WECHAT_MP_APP_ID: fake.appId,
    WECHAT_MP_APP_SECRET: fake.appSecret,
    WECHAT_MP_TOKEN: TOKEN,
    WECHAT_MP_API_BASE: fake.url,
    ...env,
  });
}

async function serve(config: Config) {
  const { log, logs } = capturingLogger();
  const service = await startService(config, { log });
  services.push(service);
  return { service, logs };
}

const PLAIN: MpSecrets = { token: TOKEN, appId: 'wx0123456789abcdef' };
const SAFE: MpSecrets = { ...PLAIN, encodingAesKey: AES_KEY };

async function post(service: Service, request: { query: string; body: string }) {
  const res = await fetch(`${service.url}/wechat-mp/callback?${request.query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: request.body,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const mpRows = (service: Service) =>
  service.app.services.db.prisma.outboxMessage.findMany({ where: { channel: 'wechat-mp' } });

describe('the callback URL (服务器配置)', () => {
  it('echoes echostr to a signed check (URL-encoded + and /), refuses a forged one with 401 and a log line', async () => {
    const { service, logs } = await serve(mpConfig());
    expect([...service.channels.keys()]).toEqual(['wechat-mp']);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const { query } = callback('<xml/>', PLAIN, { timestamp, nonce: '1514711492' });
    const echo = 'Zm9v+YmFy/YmF6=';
    const ok = await fetch(`${service.url}/wechat-mp/callback?${query}&echostr=${encodeURIComponent(echo)}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe(echo);
    const forged = await fetch(
      `${service.url}/wechat-mp/callback?${query.replace(/signature=[0-9a-f]{6}/, 'signature=000000')}&echostr=x`,
    );
    expect(forged.status).toBe(401);
    expect(logs.some((l) => l.msg === 'wechat-mp request rejected' && l.reason === 'bad signature')).toBe(true);
  });
});

describe('charter Q&A answered in the HTTP response (passive reply)', () => {
  it('plain mode: the answer is the response XML; nothing goes through the outbox', async () => {
    llm.reply = () => ({ content: ANSWER });
    const { service } = await serve(mpConfig());
    const before = fake.custom.length;
    const res = await post(service, callback(textXml('o_plain_user', QUESTION), PLAIN));
    expect(res.status).toBe(200);
    expect(res.type).toContain('xml');
    const reply = readReply(res.body, PLAIN);
    expect(reply).toMatchObject({ ToUserName: 'o_plain_user', FromUserName: OA_ID, MsgType: 'text' });
    expect(reply.Content).toContain('两年内');
    await outboxSettled(service.app);
    expect(await mpRows(service)).toEqual([]);
    expect(fake.custom.length).toBe(before);
  });

  it('安全模式: the reply is encrypted for the AppID and signed; a new follower gets the help text', async () => {
    llm.reply = () => ({ content: ANSWER });
    const { service } = await serve(mpConfig({ WECHAT_MP_ENCODING_AES_KEY: AES_KEY }));
    const res = await post(service, callback(textXml('o_safe_user', QUESTION), SAFE));
    expect(res.status).toBe(200);
    expect(res.body).toContain('<Encrypt>');
    expect(res.body).not.toContain('两年内');
    expect(readReply(res.body, SAFE).Content).toContain('两年内');
    const welcome = await post(service, callback(eventXml('o_safe_new', 'subscribe'), SAFE));
    expect(readReply(welcome.body, SAFE).Content).toMatch(/帮助|申请|章程/);
    // A plain callback while 安全模式 is configured did not come from WeChat.
    const plain = await post(service, callback(textXml('o_safe_user', QUESTION), PLAIN));
    expect(plain.status).toBe(401);
  });

  it('a slow answer: `success` within the budget, then the answer as a customer-service message, once', async () => {
    llm.reply = () => ({ content: ANSWER, delayMs: 5_000 });
    const { service } = await serve(mpConfig());
    const started = Date.now();
    const res = await post(service, callback(textXml('o_slow_user', QUESTION), PLAIN));
    const tookMs = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.body).toBe('success');
    // WeChat gives up after 5 s: the response left well before.
    expect(tookMs).toBeLessThan(4_500);
    await until(() => fake.textsTo('o_slow_user').length > 0);
    await outboxSettled(service.app);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.textsTo('o_slow_user')).toHaveLength(1);
    expect(fake.textsTo('o_slow_user')[0]).toContain('两年内');
    expect((await mpRows(service)).map((r) => r.status)).toEqual(['delivered']);
  });
});

describe('the response deadline counts from arrival', () => {
  it('a request that waited in a busy process is answered `success`; its answer follows once as a customer-service message', async () => {
    llm.reply = () => ({ content: ANSWER });
    const { service } = await serve(mpConfig());
    const channel = service.channels.get('wechat-mp') as WechatMpChannel;
    const request = callback(textXml('o_queued', QUESTION), PLAIN);
    const verdict = verifyCallback(
      request.body,
      Object.fromEntries(new URLSearchParams(request.query)),
      { ...PLAIN, encodingAesKey: undefined },
      Date.now(),
    );
    if (!verdict.ok) throw new Error(verdict.reason);
    // As if it had arrived 4.29 s ago: 10 ms left before the response must go.
    const answer = await channel.receive(verdict, Date.now() - 4_290);
    expect(answer.body).toBe('success');
    await until(() => fake.textsTo('o_queued').length > 0);
    await channel.idle();
    await outboxSettled(service.app);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.textsTo('o_queued')).toHaveLength(1);
    expect(fake.textsTo('o_queued')[0]).toContain('两年内');
  });
});

describe('bad callbacks', () => {
  it('forged signatures and stale timestamps: 401 and a log line; malformed XML: 400', async () => {
    const { service, logs } = await serve(mpConfig({ WECHAT_MP_ENCODING_AES_KEY: AES_KEY }));
    const good = callback(textXml('o_bad', QUESTION), SAFE);
    const forged = { ...good, query: good.query.replace(/msg_signature=[0-9a-f]{4}/, 'msg_signature=abcd') };
    expect((await post(service, forged)).status).toBe(401);
    const stale = callback(textXml('o_bad', QUESTION), SAFE, {
      timestamp: String(Math.floor(Date.now() / 1000) - 600),
    });
    expect((await post(service, stale)).status).toBe(401);
    const otherApp = callback(textXml('o_bad', QUESTION), { ...SAFE, appId: 'wx9999999999999999' });
    expect((await post(service, otherApp)).status).toBe(401);
    const malformed = callback('<xml><ToUserName>', { token: TOKEN, appId: PLAIN.appId, encodingAesKey: AES_KEY });
    expect((await post(service, malformed)).status).toBe(400);
    expect((await post(service, { query: good.query, body: '<xml><Encrypt>' })).status).toBe(400);
    const reasons = logs.filter((l) => l.msg === 'wechat-mp request rejected').map((l) => l.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        'bad msg_signature',
        'stale timestamp',
        'encrypted for another AppID (or with another key)',
      ]),
    );
    expect(logs.filter((l) => l.msg === 'wechat-mp request rejected')).toHaveLength(5);
  });
});

describe('two serve instances sharing Redis and the database', () => {
  it('a redelivered callback (same MsgId) is handled once, and the access_token is fetched once', async () => {
    llm.reply = () => ({ content: ANSWER });
    const prefix = testQueuePrefix();
    const a = await serve(mpConfig({}, prefix));
    const b = await serve(mpConfig({}, prefix));
    const asked = llm.requests.length;
    const request = callback(textXml('o_twice', QUESTION, '7054768590064713001'), PLAIN);
    // WeChat retries the same callback (same MsgId, new nonce) when it has no answer in time.
    const again = callback(textXml('o_twice', QUESTION, '7054768590064713001'), PLAIN);
    const [first, second] = await Promise.all([post(a.service, request), post(b.service, again)]);
    const answers = [first, second].filter((r) => r.body.includes('<xml>'));
    expect(answers).toHaveLength(1);
    expect([first.body, second.body]).toContain('success');
    expect(llm.requests.length - asked).toBeLessThanOrEqual(1);
    await Promise.all([outboxSettled(a.service.app), outboxSettled(b.service.app)]);
    expect((await mpRows(a.service)).filter((r) => JSON.stringify(r.address).includes('o_twice'))).toEqual([]);

    // Customer-service sends from both instances share one token.
    const fetches = fake.tokenFetches;
    const redis = new Redis(REDIS_URL);
    try {
      await redis.del(`${prefix}:wechat-mp:token:${PLAIN.appId}`);
    } finally {
      redis.disconnect();
    }
    const sends = ['o_t1', 'o_t2', 'o_t3', 'o_t4'].flatMap((openId) => [
      a.service.channels.get('wechat-mp')!.send({ chatId: openId, userId: openId }, text('通知A')),
      b.service.channels.get('wechat-mp')!.send({ chatId: openId, userId: openId }, text('通知B')),
    ]);
    await Promise.all(sends);
    expect(fake.tokenFetches - fetches).toBe(1);
    // Refused as expired (42001): fetched again once, and the send goes through.
    fake.expireTokens();
    await a.service.channels.get('wechat-mp')!.send({ chatId: 'o_t5', userId: 'o_t5' }, text('过期后'));
    await b.service.channels.get('wechat-mp')!.send({ chatId: 'o_t5', userId: 'o_t5' }, text('过期后2'));
    expect(fake.tokenFetches - fetches).toBe(2);
    expect(fake.textsTo('o_t5')).toEqual(['过期后', '过期后2']);
  });
});

describe('notifications to a follower outside the 48-hour window', () => {
  async function notify(service: Service, openId: string, message: string) {
    const { prisma } = service.app.services.db;
    await addToOutbox(prisma, [toUser(`wechat-mp:${openId}`, [text(message), text('详情请回复“我的申请”。')])]);
    service.app.services.delivery?.wake();
    await outboxSettled(service.app);
    return prisma.outboxMessage.findFirstOrThrow({
      where: { channel: 'wechat-mp', address: { path: ['chatId'], equals: openId } },
    });
  }

  it('goes as one template message when one is configured', async () => {
    const { service } = await serve(mpConfig({ WECHAT_MP_TEMPLATE_ID: 'tmpl_review_result' }));
    fake.outsideWindow.add('o_far_tmpl');
    const row = await notify(service, 'o_far_tmpl', '您的入盟申请 LM-2026-001 已通过审核，欢迎加入联盟！');
    expect(row.status).toBe('delivered');
    expect(row.platformRef).toMatch(/^template:/);
    const sent = fake.templates.filter((t) => t.touser === 'o_far_tmpl');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ template_id: 'tmpl_review_result' });
    expect([...sent[0]!.data.thing1!.value].length).toBeLessThanOrEqual(20);
    expect(sent[0]!.data.thing1!.value).toMatch(/^您的入盟申请/);
  });

  it('is recorded as undeliverable without a template: outbox row failed, tried once', async () => {
    const { service, logs } = await serve(mpConfig());
    fake.outsideWindow.add('o_far_none');
    const row = await notify(service, 'o_far_none', '联盟大会通知：请于 12 月 20 日前完成投票。');
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/^undeliverable: follower outside the 48-hour customer-service window/);
    expect(fake.templates.filter((t) => t.touser === 'o_far_none')).toEqual([]);
    expect(logs.some((l) => l.msg === 'message not delivered (recorded on the outbox row)')).toBe(true);
  });
});

describe('documents', () => {
  it('a DOCX goes out as a signed download link that serves the file; a forged link is refused', async () => {
    const { service } = await serve(mpConfig({ WECHAT_MP_PUBLIC_URL: 'http://127.0.0.1:1' }));
    const data = Buffer.from('PK\u0003\u0004 fake docx');
    const stored = await storeFile(service.app.services.db.prisma, {
      name: '申请表.docx',
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      data,
    });
    await service.channels.get('wechat-mp')!.send(
      { chatId: 'o_doc', userId: 'o_doc' },
      {
        kind: 'file',
        name: '入盟申请表-LM-2026-002.docx',
        mime: stored.mime,
        fileId: stored.id,
        caption: '请打印盖章',
      },
    );
    const [caption, link] = fake.textsTo('o_doc');
    expect(caption).toBe('请打印盖章');
    const url = /http:\/\/127\.0\.0\.1:1(\/wechat-mp\/files\/[\w-]{48}\?name=\S+)/.exec(link ?? '')?.[1];
    expect(url).toBeDefined();
    const res = await fetch(`${service.url}${url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('入盟申请表-LM-2026-002.docx'));
    expect(Buffer.from(await res.arrayBuffer())).toEqual(data);
    // Another name, another token, an expired one: refused.
    const [token] = url!.split('?');
    expect((await fetch(`${service.url}${token}?name=other.docx`)).status).toBe(404);
    expect((await fetch(`${service.url}${token!.slice(0, -3)}AAA?${url!.split('?')[1]}`)).status).toBe(404);
  });
});

describe('the application dialog on the Official Account', () => {
  const PNG = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  );

  it('fills the form, submits by replying 「1」 to the numbered summary, gets the DOCX link, sends the stamped page as a photo', async () => {
    const { service } = await serve(
      mpConfig({ APPLICATION_DEADLINE: 'none', WECHAT_MP_PUBLIC_URL: 'https://bot.example.org' }),
    );
    const openId = 'o_applicant_mp';
    const channel = service.channels.get('wechat-mp')!;
    /** What the follower sees after one message: the passive reply, then any customer-service messages. */
    const says = async (xml: string): Promise<string> => {
      const before = fake.textsTo(openId).length;
      const res = await post(service, callback(xml, PLAIN));
      expect(res.status).toBe(200);
      await channel.idle!();
      await outboxSettled(service.app);
      const passive = res.body === 'success' ? '' : (readReply(res.body, PLAIN).Content ?? '');
      return [passive, ...fake.textsTo(openId).slice(before)].join('\n');
    };
    const answers = applicationAnswers('贵州公众号测试科技有限公司');
    let last = '';
    for (const answer of answers) last = await says(textXml(openId, answer));
    expect(last).toContain('入盟申请汇总');
    expect(last).toMatch(/回复「1」/);
    const submitted = await says(textXml(openId, '1'));
    expect(submitted).toMatch(/编号 LM-\d{4}-\d{4}/);
    expect(submitted).toMatch(/https:\/\/bot\.example\.org\/wechat-mp\/files\/[\w-]{48}\?name=\S+docx/);
    // The number was used up: a second 「1」 is not a submission again.
    expect(await says(textXml(openId, '1'))).not.toMatch(/编号 LM-\d{4}-\d{4}/);

    fake.media.set('media_scan_1', { data: PNG, type: 'image/png' });
    expect(await says(imageXml(openId, 'media_scan_1'))).toContain('已收到盖章扫描件');
    const row = await service.app.services.db.prisma.application.findFirst({ where: { userId: openId } });
    expect(row?.channel).toBe('wechat-mp');
    expect(row?.scanFileId).toBeTruthy();
  });
});
