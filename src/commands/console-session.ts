// What `chat` (and `npm start`) runs: the bot for console users, with the delivery backbone when a
// Redis can be had (REDIS_URL, else 127.0.0.1:6379, else a redis-server started for the session).
// Replies to the person typing are printed at once; messages for other console users (a review card
// for the secretariat, a notice for a member) travel through the outbox and arrive via `push`, and
// messages for the channels any process can send on are delivered from here too.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createApp, type App } from '../app.ts';
import type { Outbound } from '../bot/outbound.ts';
import { openRedis } from '../db/redis.ts';
import { resolveRedis } from '../delivery/redis.ts';
import { consoleChannel } from '../channels/console/definition.ts';
import { consoleDeliveryChannel } from '../channels/console/delivery-channel.ts';
import { senderChannels } from '../channels/runtime.ts';

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
  let channelState: Redis | undefined;
  if (!redis) {
    options.notice(app.services.texts.t('delivery.redis_missing'));
    // No queues, but the timers (公示 end, reminders) run in this process over the database rows.
    await delivery.startWorkers({ channels: [] });
  } else {
    if (redis.started) options.notice(app.services.texts.t('delivery.redis_started', { url: redis.url }));
    channelState = openRedis(redis.url, log);
    const senders = await senderChannels(app.services, channelState, `${config.queuePrefix}:`);
    await delivery.startWorkers({ channels: [consoleDeliveryChannel(options.push), ...senders] });
  }
  return {
    ...app,
    async close() {
      // Messages for other console users caused by the last lines are shown before the session ends;
      // what is still undelivered stays in the outbox for the next session.
      if (redis) await delivery.settle(consoleChannel.name, 3_000);
      await app.close();
      await channelState?.quit().catch(() => channelState?.disconnect());
      await redis?.stop();
    },
  };
}
