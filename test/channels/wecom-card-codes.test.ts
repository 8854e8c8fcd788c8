// The response_codes kept per WeCom card (real Redis): newest first, each taken once, those past
// WeCom's 72 hours skipped, and no more than a handful kept per card.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CardCodes } from '../../src/channels/wecom/card-codes.ts';
import { removeKeys } from './support/redis-keys.ts';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-codes-${randomBytes(4).toString('hex')}`;
const redis = new Redis(url, { maxRetriesPerRequest: 1 });
afterAll(async () => {
  await removeKeys(url, prefix);
  redis.disconnect();
});

describe('WeCom card codes', () => {
  it('answer the newest unused code first, each once, and skip codes past 72 hours', async () => {
    let now = new Date('2026-12-07T00:00:00Z');
    const codes = new CardCodes(redis, `${prefix}:`, () => now);
    expect(await codes.take('card1')).toBeNull();
    await codes.put('card1', 'sent');
    now = new Date(now.getTime() + 60_000);
    await codes.put('card1', 'click1');
    expect((await codes.take('card1'))?.code).toBe('click1');
    const taken = await codes.take('card1');
    expect(taken?.code).toBe('sent');
    expect(await codes.take('card1')).toBeNull();
    // Put back after a transient failure: answered again, with its own issue time.
    await codes.put('card1', taken!.code, taken!.issuedAt);
    now = new Date(Date.parse('2026-12-07T00:00:00Z') + 72 * 3600_000 + 1);
    expect(await codes.take('card1')).toBeNull();
    // Only the newest eight are kept.
    for (let i = 0; i < 12; i += 1) await codes.put('card2', `c${i}`);
    const left: string[] = [];
    for (let c = await codes.take('card2'); c; c = await codes.take('card2')) left.push(c.code);
    expect(left).toEqual(['c11', 'c10', 'c9', 'c8', 'c7', 'c6', 'c5', 'c4']);
    // Other cards are their own.
    expect(await codes.take('card3')).toBeNull();
    // A click handled again (a retry) keeps its code once, where it was.
    await codes.put('card4', 'sent');
    await codes.put('card4', 'click');
    await codes.put('card4', 'sent');
    expect((await codes.take('card4'))?.code).toBe('click');
    expect((await codes.take('card4'))?.code).toBe('sent');
    expect(await codes.take('card4')).toBeNull();
  });
});
