// Two real `serve` processes behind one Official Account. The first keeps a follower's message in
// Redis and is killed (SIGKILL) while the model is still thinking, before it answers anything.
// WeChat's redeliveries are duplicates, so without a takeover the message would be lost: the second
// process takes it over once it stops being renewed and answers it by customer-service message,
// exactly once, and a later redelivery gets no second answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookService } from '../../bench/service-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { startFakeMp, type FakeMp } from './support/fake-wechat-mp.ts';
import { callback, textXml } from './support/wechat-mp-requests.ts';
import { removeKeys } from './support/redis-keys.ts';
import { testQueuePrefix } from './support/world-env.ts';
import { startMpServe } from './support/wechat-mp-serve.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRETS = { token: 'mpToken2026', appId: 'wx0123456789abcdef', encodingAesKey: 'A'.repeat(42) + 'B' };
const QUESTION = '我们单位退出以后还能重新申请吗？';
const OPEN_ID = 'o_takeover';
const MSG_ID = '7154768590064714321';

let database: TestDatabase;
let fake: FakeMp;
let llm: FakeOpenAI;
const prefix = testQueuePrefix();
let doomed: WebhookService;
let survivor: WebhookService;

beforeAll(async () => {
  [database, fake, llm] = await Promise.all([createTestDatabase(), startFakeMp(), startFakeOpenAI()]);
  const start = () =>
    startMpServe({
      databaseUrl: database.url,
      redisUrl: REDIS_URL,
      queuePrefix: prefix,
      fake,
      llm,
      secrets: SECRETS,
      env: {
        // A minute in production; three seconds keep the test short.
        WECHAT_MP_TAKEOVER_AFTER_MS: '3000',
      },
    });
  [doomed, survivor] = await Promise.all([start(), start()]);
}, 120_000);

afterAll(async () => {
  if (doomed && doomed.child.exitCode === null && doomed.child.signalCode === null) await doomed.stop();
  await survivor?.stop();
  await removeKeys(REDIS_URL, prefix);
  await Promise.all([database?.drop(), fake?.close(), llm?.close()]);
});

async function post(url: string) {
  const request = callback(textXml(OPEN_ID, QUESTION, MSG_ID), SECRETS);
  const res = await fetch(`${url}/wechat-mp/callback?${request.query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: request.body,
  });
  return { status: res.status, body: await res.text() };
}

describe('a message whose serve process was killed before it answered', () => {
  it('is answered once by the other process, as a customer-service message', async () => {
    // The first process's question to the model never comes back; later ones are answered at once.
    let asked = 0;
    llm.reply = () => (++asked === 1 ? { hang: true } : { content: '退出后两年内不得申请重新加入联盟【第二十条】。' });
    const first = post(doomed.url).catch((error: unknown) => error);
    await expect.poll(() => llm.requests.length, { timeout: 15_000 }).toBe(1);
    doomed.child.kill('SIGKILL');
    await new Promise((r) => doomed.child.once('exit', r));
    expect(await first).toBeInstanceOf(Error); // no answer: the connection died with the process

    // WeChat sends it again: the claim is taken, so the other process answers `success` only.
    const redelivered = await post(survivor.url);
    expect(redelivered).toEqual({ status: 200, body: 'success' });

    // A few seconds on, the survivor finds the message no longer renewed and answers it.
    await expect.poll(() => fake.textsTo(OPEN_ID).length, { timeout: 30_000, interval: 200 }).toBe(1);
    expect(fake.textsTo(OPEN_ID)[0]).toContain('两年内');

    // WeChat's last try: still a duplicate; nothing is answered or sent twice.
    expect(await post(survivor.url)).toEqual({ status: 200, body: 'success' });
    await new Promise((r) => setTimeout(r, 4_000));
    expect(fake.textsTo(OPEN_ID)).toHaveLength(1);
    expect(llm.requests).toHaveLength(2);
  }, 90_000);
});
