// The tricky parts of cards that change, alone: the inline answer's race between the bot's
// replacement and the platform's budget, and retiring a WeChat card's numbers.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InlineAnswer } from '../../src/channels/inline-answer.ts';
import { PendingCards } from '../../src/channels/wechat/pending-cards.ts';
import { removeKeys } from './support/redis-keys.ts';

describe('InlineAnswer', () => {
  it('takes a replacement offered within the budget, once', async () => {
    const inline = new InlineAnswer(1_000);
    expect(inline.offer({ title: 'A' })).toBe(true);
    expect(inline.offer({ title: 'B' })).toBe(false);
    inline.close();
    expect(await inline.card).toEqual({ title: 'A' });
  });

  it('answers without a card when handling ends without one', async () => {
    const inline = new InlineAnswer(1_000);
    inline.close();
    expect(await inline.card).toBeUndefined();
    expect(inline.offer({ title: 'late' })).toBe(false);
  });

  it('refuses a replacement offered after the budget ran out: it must go as an update', async () => {
    const inline = new InlineAnswer(50);
    const started = performance.now();
    expect(await inline.card).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    await sleep(10);
    expect(inline.offer({ title: 'slow' })).toBe(false);
  });
});

describe('PendingCards.retire', () => {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `t-${randomBytes(5).toString('hex')}`;
  let redis: Redis;
  let pending: PendingCards;
  beforeAll(() => {
    redis = new Redis(url);
    pending = new PendingCards(redis, `${prefix}:`);
  });
  afterAll(async () => {
    await removeKeys(url, prefix);
    redis.disconnect();
  });
  const now = new Date('2026-01-01T00:00:00Z');
  const card = {
    title: 't',
    buttons: [
      { label: '通过', action: 'review.approve', value: { case: '1' } },
      { label: '退回', action: 'review.return', value: { case: '1' } },
    ],
  };

  it('answers "retired" for the old numbers, keeps them from the next card, leaves other cards alone', async () => {
    const a = await pending.reserve('chat', 'sec', card, now);
    await pending.sent('chat', a!, 'msg-a');
    const b = await pending.reserve('chat', 'sec', card, now);
    await pending.sent('chat', b!, 'msg-b');
    expect([a!.first, b!.first]).toEqual([1, 3]);

    expect(await pending.retire('chat', 'msg-a')).toBe(true);
    expect(await pending.retire('chat', 'msg-a')).toBe(false); // already retired
    expect(await pending.retire('chat', 'no-such-message')).toBe(false);
    expect(await pending.take('chat', 'sec', 1, now)).toEqual({ retired: true });
    expect(await pending.take('chat', 'sec', 2, now)).toEqual({ retired: true });
    // Someone else replying with a retired number is not this card's addressee: not an option at all.
    expect(await pending.take('chat', 'other', 1, now)).toBeUndefined();
    // The other card still answers, and a new card does not reuse the retired numbers.
    expect(await pending.take('chat', 'sec', 3, now)).toMatchObject({ found: { action: 'review.approve' } });
    const c = await pending.reserve('chat', 'sec', card, now);
    expect(c!.first).toBe(5);
  });
});
