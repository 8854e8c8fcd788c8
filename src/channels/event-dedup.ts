// Platforms redeliver events (Feishu retries an event until it sees an ack); the first process to
// claim an event id in Redis handles it, every other delivery of the same id is dropped.
import type { Redis } from 'ioredis';

export class EventDedup {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Feishu's last retry comes about 7 hours after the first try; a day covers it. */
    private readonly ttlSeconds = 86_400,
  ) {}

  /** True the first time `id` is seen on `channel` across all processes sharing this Redis. */
  async claim(channel: string, id: string): Promise<boolean> {
    const result = await this.redis.set(`${this.prefix}dedup:${channel}:${id}`, '1', 'EX', this.ttlSeconds, 'NX');
    return result === 'OK';
  }

  /** Forgets a claim whose work did not happen, so the next attempt may claim it again. */
  async release(channel: string, id: string): Promise<void> {
    await this.redis.del(`${this.prefix}dedup:${channel}:${id}`);
  }
}
