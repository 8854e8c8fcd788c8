// What `chat` (and `npm start`) runs: the bot for console users, with the delivery backbone when a
// Redis can be had (REDIS_URL, else 127.0.0.1:6379, else a redis-server started for the session).
// Replies to the person typing are printed at once; messages for other console users (a review card
// for the secretariat, a notice for a member) travel through the outbox and arrive via `push`.
import type { Config } from '../config.ts';
import { createApp, type App } from '../app.ts';
import type { Logger } from 'pino';
import type { Outbound } from '../bot/outbound.ts';
import { resolveRedis } from './redis.ts';
import { consoleDeliveryChannel } from './console-channel.ts';
import { platformChannels } from './platform-channels.ts';

export type ConsoleSessionOptions = {
  log: Logger;
  push(user: string, outbound: Outbound): void;
  notice(text: string): void;
};

export async function openConsoleSession(config: Config, options: ConsoleSessionOptions): Promise<App> {
  const { log } = options;
  const redis = await resolveRedis(config.redisUrl, log);
  const app = await createApp({ ...config, redisUrl: redis?.url }, { log });
  const delivery = app.services.delivery!;
  let platforms: Awaited<ReturnType<typeof platformChannels>> | undefined;
  if (!redis) {
    options.notice(app.services.texts.t('delivery.redis_missing'));
  } else {
    if (redis.started) options.notice(app.services.texts.t('delivery.redis_started', { url: redis.url }));
    platforms = await platformChannels({ ...config, redisUrl: redis.url }, app, log);
    await delivery.startWorkers({ channels: [consoleDeliveryChannel(options.push), ...platforms.channels] });
  }
  return {
    ...app,
    async close() {
      // Messages for other console users caused by the last lines are shown before the session ends;
      // what is still undelivered stays in the outbox for the next session.
      if (redis) await delivery.settle('console', 3_000);
      await app.close();
      await platforms?.close();
      await redis?.stop();
    },
  };
}
