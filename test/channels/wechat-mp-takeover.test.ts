// Two real `serve` processes behind one Official Account. The first keeps a follower's message in
// Redis and is killed (SIGKILL) while the model is still thinking, before it answers anything.
// WeChat's redeliveries are duplicates, so without a takeover the message would be lost: the second
// process takes it over once it stops being renewed and answers it by customer-service message,
// exactly once, and a later redelivery gets no second answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookService } from '../../bench/service-process.ts';
import { callback, textXml } from './support/wechat-mp-requests.ts';
import { postCallback, startMpBackends, TEST_SECRETS as SECRETS, type MpBackends } from './support/wechat-mp-serve.ts';

const QUESTION = '我们单位退出以后还能重新申请吗？';
const OPEN_ID = 'o_takeover';
const MSG_ID = '7154768590064714321';

let mp: MpBackends;
let doomed: WebhookService;
let survivor: WebhookService;

beforeAll(async () => {
  mp = await startMpBackends();
  const start = () =>
    mp.start({
      // A minute in production; three seconds keep the test short.
      WECHAT_MP_TAKEOVER_AFTER_MS: '3000',
    });
  [doomed, survivor] = await Promise.all([start(), start()]);
}, 120_000);

afterAll(async () => {
  if (doomed && doomed.child.exitCode === null && doomed.child.signalCode === null) await doomed.stop();
  await survivor?.stop();
  await mp?.close();
});

const post = (url: string) => postCallback(url, callback(textXml(OPEN_ID, QUESTION, MSG_ID), SECRETS));

describe('a message whose serve process was killed before it answered', () => {
  it('is answered once by the other process, as a customer-service message', async () => {
    // The first process's question to the model never comes back; later ones are answered at once.
    let asked = 0;
    mp.llm.reply = () =>
      ++asked === 1 ? { hang: true } : { content: '退出后两年内不得申请重新加入联盟【第二十条】。' };
    const first = post(doomed.url).catch((error: unknown) => error);
    await expect.poll(() => mp.llm.requests.length, { timeout: 15_000 }).toBe(1);
    doomed.child.kill('SIGKILL');
    await new Promise((r) => doomed.child.once('exit', r));
    expect(await first).toBeInstanceOf(Error); // no answer: the connection died with the process

    // WeChat sends it again: the claim is taken, so the other process answers `success` only.
    const redelivered = await post(survivor.url);
    expect(redelivered).toEqual({ status: 200, body: 'success' });

    // A few seconds on, the survivor finds the message no longer renewed and answers it.
    await expect.poll(() => mp.fake.textsTo(OPEN_ID).length, { timeout: 30_000, interval: 200 }).toBe(1);
    expect(mp.fake.textsTo(OPEN_ID)[0]).toContain('两年内');

    // WeChat's last try: still a duplicate; nothing is answered or sent twice.
    expect(await post(survivor.url)).toEqual({ status: 200, body: 'success' });
    await new Promise((r) => setTimeout(r, 4_000));
    expect(mp.fake.textsTo(OPEN_ID)).toHaveLength(1);
    expect(mp.llm.requests).toHaveLength(2);
  }, 90_000);
});
