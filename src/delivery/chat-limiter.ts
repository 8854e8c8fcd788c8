// The per-chat limit (Feishu: 5 messages/s to one user or chat). BullMQ's open-source limiter is per
// queue, so this one is a fixed one-second window per chat in Redis, shared by every worker process.
import type { Redis } from 'ioredis';

export class ChatLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly perSecond: number,
  ) {}

  /** Takes a slot; returns 0 when allowed, otherwise how many ms to wait before trying again. */
  async take(chatId: string, now = Date.now()): Promise<number> {
    const second = Math.floor(now / 1000);
    const key = `${this.prefix}:chat-rate:${chatId}:${second}`;
    const [[, count]] = (await this.redis.multi().incr(key).pexpire(key, 2_000).exec()) as [[unknown, number]];
    if (count <= this.perSecond) return 0;
    return (second + 1) * 1000 - now + Math.floor(Math.random() * 200);
  }
}
