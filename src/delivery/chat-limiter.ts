// The per-chat limit (Feishu: 5 messages/s to one user or chat). BullMQ's open-source limiter is per
// queue, so this one is a fixed one-second window per chat in Redis, shared by every worker process.
import type { Redis } from 'ioredis';

export class ChatLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly perSecond: number,
  ) {}

  /** Takes `n` slots; returns 0 when allowed, otherwise how many ms to wait before trying again. */
  async take(chatId: string, n = 1, now = Date.now()): Promise<number> {
    const second = Math.floor(now / 1000);
    const key = `${this.prefix}:chat-rate:${chatId}:${second}`;
    const [[, count]] = (await this.redis.multi().incrby(key, n).pexpire(key, 2_000).exec()) as [[unknown, number]];
    // A batch larger than the whole allowance goes out alone in a fresh second.
    if (count <= this.perSecond || count === n) return 0;
    return (second + 1) * 1000 - now + Math.floor(Math.random() * 200);
  }
}
