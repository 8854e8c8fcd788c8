// Two real `serve` processes (started as the image starts them) behind one Official Account: WeChat
// redelivers a callback it had no answer for (same MsgId, new nonce) and the copies land on both.
// The message is handled once — one passive reply, one `success`, one question to the model — and
// nothing is sent twice afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookService } from '../../bench/service-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { startFakeMp, type FakeMp } from './support/fake-wechat-mp.ts';
import { callback, readReply, textXml } from './support/wechat-mp-requests.ts';
import { removeKeys } from './support/redis-keys.ts';
import { testQueuePrefix } from './support/world-env.ts';
import { startMpServe } from './support/wechat-mp-serve.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRETS = { token: 'mpToken2026', appId: 'wx0123456789abcdef', encodingAesKey: 'A'.repeat(42) + 'B' };

let database: TestDatabase;
let fake: FakeMp;
let llm: FakeOpenAI;
const prefix = testQueuePrefix();
const processes: WebhookService[] = [];

beforeAll(async () => {
  [database, fake, llm] = await Promise.all([createTestDatabase(), startFakeMp(), startFakeOpenAI()]);
  llm.reply = () => ({ content: '退出后两年内不得申请重新加入联盟【第二十条】。', delayMs: 300 });
  const start = () =>
    startMpServe({
      databaseUrl: database.url,
      redisUrl: REDIS_URL,
      queuePrefix: prefix,
      fake,
      llm,
      secrets: SECRETS,
    });
  processes.push(...(await Promise.all([start(), start()])));
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await removeKeys(REDIS_URL, prefix);
  await Promise.all([database?.drop(), fake?.close(), llm?.close()]);
});

async function post(url: string, request: { query: string; body: string }) {
  const res = await fetch(`${url}/wechat-mp/callback?${request.query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: request.body,
  });
  return { status: res.status, body: await res.text() };
}

describe('a callback redelivered to two serve processes', () => {
  it('is handled once', async () => {
    const [a, b] = processes;
    const msgId = '7154768590064713999';
    const asked = llm.requests.length;
    const copies = await Promise.all([
      post(a!.url, callback(textXml('o_two_proc', '我们单位退出以后还能重新申请吗？', msgId), SECRETS)),
      post(b!.url, callback(textXml('o_two_proc', '我们单位退出以后还能重新申请吗？', msgId), SECRETS)),
    ]);
    expect(copies.map((c) => c.status)).toEqual([200, 200]);
    const answered = copies.filter((c) => c.body !== 'success');
    expect(answered).toHaveLength(1);
    expect(readReply(answered[0]!.body, SECRETS).Content).toContain('两年内');
    // WeChat's third try, later, to the first process: still a duplicate.
    const third = await post(
      a!.url,
      callback(textXml('o_two_proc', '我们单位退出以后还能重新申请吗？', msgId), SECRETS),
    );
    expect(third.body).toBe('success');
    expect(llm.requests.length - asked).toBe(1);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(fake.textsTo('o_two_proc')).toEqual([]);
  });
});
