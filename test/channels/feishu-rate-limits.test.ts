// The fake Open API's Feishu limits (bench/votes.ts --real-limits measures the bot against them):
// the second's and the sliding minute's allowance per app and API, the per-chat second, and the
// reset it names; the HTTP fake refuses beyond them with 429 + 99991400, whoever calls.
import { afterEach, describe, expect, it } from 'vitest';
import { FEISHU_SEND_LIMITS, FeishuRateLimits, allowedPerSecond } from './support/feishu-rate-limits.ts';
import { startFakeFeishu, type FakeFeishu } from './support/fake-feishu.ts';

describe('FeishuRateLimits', () => {
  it('allows the second’s share per app and per API, then refuses until the next second', () => {
    const limits = new FeishuRateLimits({ sendPerMin: 1000, apiPerSec: 3, perChatPerSec: 10 });
    const t = 1_000_000;
    expect([0, 1, 2, 3].map((i) => limits.take('send', t + i, `c${i}`))).toEqual([undefined, undefined, undefined, 1]);
    // Another API has its own allowance.
    expect(limits.take('patch', t + 5)).toBeUndefined();
    // The next clock second starts afresh.
    expect(limits.take('send', t + 1_000, 'c9')).toBeUndefined();
  });

  it('holds the sliding minute: a refused call does not count, and the reset says when the oldest leaves', () => {
    const limits = new FeishuRateLimits({ sendPerMin: 5, apiPerSec: 100, perChatPerSec: 100 });
    const t = 2_000_000;
    for (let i = 0; i < 5; i++) expect(limits.take('send', t + i * 10_000, `c${i}`)).toBeUndefined();
    // 45 s after the first: the minute is full; the first leaves 15 s later.
    expect(limits.take('send', t + 45_000, 'x')).toBe(15);
    expect(limits.take('send', t + 59_999, 'x')).toBe(1);
    // At exactly a minute the first has left: one more fits, and only one.
    expect(limits.take('send', t + 60_000, 'x')).toBeUndefined();
    expect(limits.take('send', t + 60_500, 'y')).toBe(10);
  });

  it('holds one chat to its share of a second without using up the app’s', () => {
    const limits = new FeishuRateLimits(FEISHU_SEND_LIMITS);
    const t = 3_000_000;
    const toOne = Array.from({ length: 7 }, (_, i) => limits.take('send', t + i, 'ou_same'));
    expect(toOne.filter((r) => r === undefined)).toHaveLength(5);
    expect(limits.take('send', t + 10, 'ou_other')).toBeUndefined();
  });

  it('allows 1000 a minute, i.e. 16.67 sends a second, by Feishu’s send limits', () => {
    expect(allowedPerSecond(FEISHU_SEND_LIMITS)).toBeCloseTo(16.667, 3);
  });
});

describe('the fake Open API with limits', () => {
  let fake: FakeFeishu | undefined;
  afterEach(async () => fake?.close());

  it('answers 429 + 99991400 with a reset beyond the limits, keeps nothing it refused', async () => {
    fake = await startFakeFeishu({ limits: { sendPerMin: 4, apiPerSec: 100, perChatPerSec: 100 } });
    const { tenant_access_token: token } = (await (
      await fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: 'a', app_secret: 's' }),
      })
    ).json()) as { tenant_access_token: string };
    const send = (i: number) =>
      fetch(`${fake!.url}/open-apis/im/v1/messages?receive_id_type=open_id`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ receive_id: `ou_${i}`, msg_type: 'text', content: '{"text":"hi"}', uuid: `u${i}` }),
      });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await send(i));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 429, 429]);
    expect(((await answers[4]!.json()) as { code: number }).code).toBe(99991400);
    expect(Number(answers[4]!.headers.get('x-ogw-ratelimit-reset'))).toBeGreaterThanOrEqual(59);
    expect(fake.messages).toHaveLength(4);
    expect(fake.rateLimited).toBe(2);
    expect(fake.sendTimes).toHaveLength(4);
  });
});
