// The two limiters: the queue-wide one spreads a per-minute allowance over short windows; the
// per-chat one (Redis, shared by all workers) gives a batch its slots or says how long to wait.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { queueLimiter } from '../../src/delivery/deliver.worker.ts';
import { ChatLimiter } from '../../src/delivery/chat-limiter.ts';

const redis = new Redis('redis://127.0.0.1:6379');
const prefix = `t-${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('queueLimiter', () => {
  it('spreads Feishu’s 1,000 sends/min over short windows and respects the per-second cap', () => {
    expect(queueLimiter({ sendPerMin: 1000, apiPerSec: 50, perChatPerSec: 5 })).toEqual({ max: 5, duration: 302 });
    expect(queueLimiter({ sendPerMin: 600_000, apiPerSec: 50, perChatPerSec: 5 })).toEqual({
      max: 10,
      duration: 250,
    });
    expect(queueLimiter({ sendPerMin: 1, perChatPerSec: 1 })).toEqual({ max: 1, duration: 60_000 });
    expect(queueLimiter(undefined)).toBeUndefined();
  });

  it('never lets a sliding minute or second hold more than the limit, and keeps close to the allowed rate', () => {
    for (const limits of [
      { sendPerMin: 1000, apiPerSec: 50, perChatPerSec: 5 },
      { sendPerMin: 60, perChatPerSec: 1 },
      { sendPerMin: 1200, perChatPerSec: 1 },
      { sendPerMin: 600_000, apiPerSec: 50, perChatPerSec: 5 },
      { sendPerMin: 1_000_000, apiPerSec: 100_000, perChatPerSec: 5 },
    ]) {
      const { max, duration } = queueLimiter(limits)!;
      // Windows start at least `duration` apart, each may send its `max` anywhere inside it: an
      // interval of T ms touches at most ceil(T / duration) + 1 of them.
      const worst = (ms: number) => (Math.ceil(ms / duration) + 1) * max;
      expect(worst(60_000), JSON.stringify(limits)).toBeLessThanOrEqual(limits.sendPerMin);
      if (limits.apiPerSec) expect(worst(1_000), JSON.stringify(limits)).toBeLessThanOrEqual(limits.apiPerSec);
      const allowed = Math.min(limits.sendPerMin / 60, limits.apiPerSec ?? Infinity);
      // Feishu's and the other minute-bound limits: within 2 %; a per-second cap costs more (sub-second windows).
      const floor = limits.sendPerMin / 60 <= (limits.apiPerSec ?? Infinity) ? 0.98 : 0.75;
      expect((max / duration) * 1000, JSON.stringify(limits)).toBeGreaterThanOrEqual(floor * allowed);
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
