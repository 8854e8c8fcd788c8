// The per-chat limit (Feishu: 5 messages/s to one user or chat). BullMQ's open-source limiter is per
// queue, so this one is a fixed one-second window per chat in Redis, shared by every worker process.
import type { Redis } from 'ioredis';

/** Count and expiry in one round trip (a MULTI cost four socket writes: one per command). */
const TAKE = `local count = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], 2000)
return count`;

type WithTake = Redis & { chatLimiterTake(key: string, n: number): Promise<number> };

export class ChatLimiter {
  private readonly redis: WithTake;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly perSecond: number,
  ) {
    // ioredis sends it by SHA and loads it again by itself after a Redis restart (NOSCRIPT).
    if (!('chatLimiterTake' in redis)) redis.defineCommand('chatLimiterTake', { numberOfKeys: 1, lua: TAKE });
    this.redis = redis as WithTake;
  }

  /** Takes `n` slots; returns 0 when allowed, otherwise how many ms to wait before trying again. */
  async take(chatId: string, n = 1, now = Date.now()): Promise<number> {
    const second = Math.floor(now / 1000);
    const key = `${this.prefix}:chat-rate:${chatId}:${second}`;
    const count = await this.redis.chatLimiterTake(key, n);
    // A batch larger than the whole allowance goes out alone in a fresh second.
    if (count <= this.perSecond || count === n) return 0;
    return (second + 1) * 1000 - now + Math.floor(Math.random() * 200);
  }
}
