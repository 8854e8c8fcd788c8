// One Redis connection per process for channel state (event dedup, WeChat pending cards).
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export function openRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  // ioredis reconnects by itself; without a listener an outage would be an unhandled 'error' event.
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection problem'));
  return redis;
}
