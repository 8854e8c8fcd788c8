// Two real `serve` processes (started as the image starts them) behind one Official Account: WeChat
// redelivers a callback it had no answer for (same MsgId, new nonce) and the copies land on both.
// The message is handled once — one passive reply, one `success`, one question to the model — and
// nothing is sent twice afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookService } from '../../bench/service-process.ts';
import { callback, readReply, textXml } from './support/wechat-mp-requests.ts';
import { postCallback, startMpBackends, TEST_SECRETS as SECRETS, type MpBackends } from './support/wechat-mp-serve.ts';

let mp: MpBackends;
const processes: WebhookService[] = [];

beforeAll(async () => {
  mp = await startMpBackends();
  mp.llm.reply = () => ({ content: '退出后两年内不得申请重新加入联盟【第二十条】。', delayMs: 300 });
  processes.push(...(await Promise.all([mp.start(), mp.start()])));
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await mp?.close();
});

describe('a callback redelivered to two serve processes', () => {
  it('is handled once', async () => {
    const [a, b] = processes;
    const msgId = '7154768590064713999';
    const asked = mp.llm.requests.length;
    const copies = await Promise.all([
      postCallback(a!.url, callback(textXml('o_two_proc', '我们单位退出以后还能重新申请吗？', msgId), SECRETS)),
      postCallback(b!.url, callback(textXml('o_two_proc', '我们单位退出以后还能重新申请吗？', msgId), SECRETS)),
    ]);
    expect(copies.map((c) => c.status)).toEqual([200, 200]);
    const answered = copies.filter((c) => c.body !== 'success');
    expect(answered).toHaveLength(1);
    expect(readReply(answered[0]!.body, SECRETS).Content).toContain('两年内');
    // WeChat's third try, later, to the first process: still a duplicate.
    const third = await postCallback(
      a!.url,
      callback(textXml('o_two_proc', '我们单位退出以后还能重新申请吗？', msgId), SECRETS),
    );
    expect(third.body).toBe('success');
    expect(mp.llm.requests.length - asked).toBe(1);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(mp.fake.textsTo('o_two_proc')).toEqual([]);
  });
});
