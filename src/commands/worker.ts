// `worker`: the delivery backbone alone — outbox relay, deliver workers for the configured channels
// whose sends can run in any process (see each channel's definition), and timers. Run more of them
// to scale out; SIGTERM/SIGINT finish the jobs in flight (or hand them back) before exiting.
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { createApp } from '../app.ts';
import { createLogger } from '../log.ts';
import { openRedis } from '../db/redis.ts';
import { DEFAULT_REDIS_URL, pingRedis } from '../delivery/redis.ts';
import { senderChannels } from '../channels/runtime.ts';
import { untilSignal } from './serve.ts';

export async function workerCommand(config: Config): Promise<void> {
  const log = createLogger(config.logLevel);
  const redisUrl = config.redisUrl ?? DEFAULT_REDIS_URL;
  if (!(await pingRedis(redisUrl, 2_000))) {
    throw new ConfigError([
      {
        variable: 'REDIS_URL',
        reason: `worker 需要 Redis，${redisUrl} 无响应 (worker needs Redis; ${redisUrl} did not answer)`,
      },
    ]);
  }
  const app = await createApp({ ...config, redisUrl }, { log });
  const redis = openRedis(redisUrl, log);
  const channels = await senderChannels(app.services, redis, `${config.queuePrefix}:`);
  const delivery = app.services.delivery!;
  await delivery.startWorkers({ channels });
  log.info({ channels: channels.map((c) => c.name), prefix: config.queuePrefix }, 'worker ready');
  await untilSignal();
  log.info('worker stopping: finishing jobs in flight');
  await app.close();
  await redis.quit().catch(() => redis.disconnect());
}
