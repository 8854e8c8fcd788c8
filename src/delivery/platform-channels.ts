// The platform channels a worker process can send on. Feishu sends are plain API calls, so any
// process can make them; WeChat sends need the logged-in Wechaty session, so WeChat messages are
// delivered by the `wechat` process itself.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { App } from '../app.ts';
import type { Channel } from '../channels/channel.ts';
import { openRedis } from '../db/redis.ts';
import { readFile } from '../db/files.ts';
import { EventDedup } from '../channels/event-dedup.ts';

export async function platformChannels(
  config: Config,
  app: App,
  log: Logger,
): Promise<{ channels: Channel[]; close(): Promise<void> }> {
  if (!config.feishu || !config.redisUrl) return { channels: [], close: async () => {} };
  // Loaded only when Feishu is configured: the Lark SDK alone costs ~40 MB of resident memory.
  const { FeishuChannel } = await import('../channels/feishu/feishu-channel.ts');
  const redis = openRedis(config.redisUrl, log);
  const { services } = app;
  const feishu = new FeishuChannel({
    config: config.feishu,
    log,
    texts: services.texts,
    dedup: new EventDedup(redis, `${config.queuePrefix}:`),
    readFile: (id) => readFile(services.db.prisma, id),
    now: services.now,
  });
  return {
    channels: [feishu],
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
