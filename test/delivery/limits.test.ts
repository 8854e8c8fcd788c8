// The two limiters: the app-wide pace (evenly spaced slots in Redis, shared by every process); the
// per-chat one (Redis, shared by all workers) gives a batch its slots or says how long to wait.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LATE_MS, paceSpacingMs, SendPacer } from '../../src/delivery/send-pacer.ts';
import { ChatLimiter } from '../../src/delivery/chat-limiter.ts';

const redis = new Redis('redis://127.0.0.1:6379');
const prefix = `t-${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('SendPacer', () => {
  it('spaces Feishu’s sends so that no sliding minute or second, each send up to LATE_MS late, passes the limits', () => {
    for (const limits of [
      { sendPerMin: 1000, apiPerSec: 50 },
      { sendPerMin: 60 },
      { sendPerMin: 1200 },
      { sendPerMin: 600_000, apiPerSec: 50 },
    ]) {
      const spacing = paceSpacingMs(limits);
      // Sends on evenly spaced slots, each late by up to LATE_MS: an interval of T ms holds at most
      // floor((T + LATE_MS) / spacing) + 1 of them.
      const worst = (ms: number) => Math.floor((ms + LATE_MS) / spacing) + 1;
      expect(worst(60_000), JSON.stringify(limits)).toBeLessThanOrEqual(limits.sendPerMin);
      if (limits.apiPerSec) expect(worst(1_000), JSON.stringify(limits)).toBeLessThanOrEqual(limits.apiPerSec);
    }
    // Feishu: 16.6 sends a second, 0.996 of the 1,000 a minute.
    expect(1000 / paceSpacingMs({ sendPerMin: 1000, apiPerSec: 50 })).toBeGreaterThan(0.99 * (1000 / 60));
  });

  it('gives every process the next slot on one schedule in Redis, and takes none too far ahead', async () => {
    const key = `${prefix}:pace`;
    const limits = { sendPerMin: 600, apiPerSec: 50 }; // a slot every 100.4 ms
    const a = new SendPacer(redis, key, limits, 1_000);
    const other = new Redis('redis://127.0.0.1:6379'); // another process's connection
    const b = new SendPacer(other, key, limits, 1_000);
    try {
      // The slot each got, on this process's clock (the wait is counted from Redis's answer).
      const slot = async (pacer: SendPacer, n = 1) => {
        const wait = await pacer.take(n);
        return performance.now() + wait;
      };
      const slots = [await slot(a), await slot(b), await slot(a, 2), await slot(b)];
      // Back to back: each a slot (two for a batch of two) after the one before, whichever process asks.
      const gaps = slots.slice(1).map((s, i) => s - slots[i]!);
      expect(gaps[0]).toBeGreaterThan(100.4 - 40);
      expect(gaps[0]).toBeLessThan(100.4 + 40);
      expect(gaps[1]).toBeGreaterThan(100.4 - 40);
      expect(gaps[2]).toBeGreaterThan(200.8 - 40);
      expect(gaps[2]).toBeLessThan(200.8 + 40);
      // Filling the next second: a slot beyond it is refused (negative: how far ahead), nothing taken.
      let last = 0;
      while ((last = await a.take()) >= 0);
      expect(-last).toBeGreaterThan(1_000);
      expect(await b.take()).toBeLessThan(0);
    } finally {
      other.disconnect();
      await redis.del(key);
    }
  });
});

describe('ChatLimiter', () => {
  it('allows five a second to one chat, then says how long to wait; other chats are unaffected', async () => {
    const limiter = new ChatLimiter(redis, prefix, 5);
    const now = Math.floor(Date.now() / 1000) * 1000 + 100;
    expect(await limiter.take('oc_a', 3, now)).toBe(0);
    expect(await limiter.take('oc_a', 2, now)).toBe(0);
    const wait = await limiter.take('oc_a', 1, now);
    expect(wait).toBeGreaterThanOrEqual(900);
    expect(wait).toBeLessThan(1100);
    expect(await limiter.take('oc_b', 1, now)).toBe(0);
    // A batch bigger than the allowance goes alone in a fresh second.
    expect(await limiter.take('oc_c', 8, now)).toBe(0);
    expect(await limiter.take('oc_c', 1, now)).toBeGreaterThan(0);
  });

  it('counts in one script that also sets the expiry, and shares the connection with other limiters', async () => {
    const first = new ChatLimiter(redis, `${prefix}-x`, 5);
    const second = new ChatLimiter(redis, `${prefix}-y`, 1);
    const now = Math.floor(Date.now() / 1000) * 1000 + 100;
    expect(await first.take('oc_ttl', 1, now)).toBe(0);
    const ttl = await redis.pttl(`${prefix}-x:chat-rate:oc_ttl:${Math.floor(now / 1000)}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2_000);
    expect(await second.take('oc_ttl', 1, now)).toBe(0);
    expect(await second.take('oc_ttl', 1, now)).toBeGreaterThan(0);
    await redis.del(
      `${prefix}-x:chat-rate:oc_ttl:${Math.floor(now / 1000)}`,
      `${prefix}-y:chat-rate:oc_ttl:${Math.floor(now / 1000)}`,
    );
  });

  it('keeps longer windows per chat (WeCom: 30 a minute, 1,000 an hour), counting only what it lets through', async () => {
    const limiter = new ChatLimiter(redis, `${prefix}-w`, 100, [
      { max: 30, ms: 60_000 },
      { max: 40, ms: 3_600_000 },
    ]);
    // Early in a minute and in an hour, so the waits below are the rest of each.
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const now = hour + 1_000;
    for (let i = 0; i < 30; i += 1) expect(await limiter.take('member', 1, now + i * 1_000)).toBe(0);
    const wait = await limiter.take('member', 1, now + 30_000);
    expect(wait).toBeGreaterThanOrEqual(29_000);
    expect(wait).toBeLessThan(30_000 + 600);
    // Held back messages used none of the hour: the next minute gets the hour's last 10.
    for (let i = 0; i < 20; i += 1) await limiter.take('member', 1, now + 30_000 + i);
    for (let i = 0; i < 10; i += 1) expect(await limiter.take('member', 1, now + 61_000 + i * 1_000)).toBe(0);
    const hourWait = await limiter.take('member', 1, now + 72_000);
    expect(hourWait).toBeGreaterThan(3_600_000 - 73_000);
    // Another member is not affected.
    expect(await limiter.take('other', 1, now + 72_000)).toBe(0);
  });
});
