// `worker`: the delivery backbone alone — outbox relay, deliver workers for the platform channels
// this process can send on (Feishu), and timers. Run more of them to scale out; SIGTERM/SIGINT
// finish the jobs in flight (or hand them back) before exiting.
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { createApp } from '../app.ts';
import { createLogger } from '../log.ts';
import { DEFAULT_REDIS_URL, pingRedis } from '../delivery/redis.ts';
import { platformChannels } from '../delivery/platform-channels.ts';
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
  const platforms = await platformChannels({ ...config, redisUrl }, app, log);
  const delivery = app.services.delivery!;
  await delivery.startWorkers({ channels: platforms.channels });
  log.info({ channels: platforms.channels.map((c) => c.name), prefix: config.queuePrefix }, 'worker ready');
  await untilSignal();
  log.info('worker stopping: finishing jobs in flight');
  await app.close();
  await platforms.close();
}
