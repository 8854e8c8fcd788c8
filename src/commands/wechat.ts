// `wechat`: the bot as a WeChat account through Wechaty. The login QR code is printed in the
// terminal; the session is kept in a memory card under DATA_DIR so a restart does not ask again
// (where the puppet supports it).
import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import qrcode from 'qrcode-terminal';
import { WechatyBuilder, ScanStatus, type Wechaty, type WechatyOptions } from 'wechaty';
import { ConfigError, type Config } from '../config.ts';
import { createApp, type App } from '../app.ts';
import { createLogger } from '../log.ts';
import { openRedis } from '../db/redis.ts';
import { readFile } from '../db/files.ts';
import { EventDedup } from '../channels/event-dedup.ts';
import { connectChannel } from '../channels/connect.ts';
import { WechatChannel } from '../channels/wechat/wechat-channel.ts';
import { PendingCards } from '../channels/wechat/pending-cards.ts';
import { DirectDelivery } from '../delivery/direct.ts';
import { untilSignal } from './serve.ts';

export type WechatService = {
  app: App;
  channel: WechatChannel;
  wechaty: Wechaty;
  redis: Redis;
  close(): Promise<void>;
};

export type WechatServiceOptions = {
  log?: Logger;
  now?: () => Date;
  redisPrefix?: string;
  /** Tests pass a ready puppet instance (wechaty-puppet-mock) instead of a puppet name. */
  wechatyOptions?: WechatyOptions;
};

export async function startWechatService(config: Config, options: WechatServiceOptions = {}): Promise<WechatService> {
  if (!config.redisUrl)
    throw new ConfigError([{ variable: 'REDIS_URL', reason: 'wechat 需要 Redis (wechat needs Redis)' }]);
  const log = options.log ?? createLogger(config.logLevel);
  const app = await createApp(config, { log, now: options.now });
  const redis = openRedis(config.redisUrl, log);
  const prefix = options.redisPrefix ?? `${config.queuePrefix}:`;
  const wechaty = WechatyBuilder.build(options.wechatyOptions ?? puppetOptions(config));
  const { services } = app;
  const channel = new WechatChannel({
    wechaty,
    log,
    texts: services.texts,
    dedup: new EventDedup(redis, prefix),
    pending: new PendingCards(redis, prefix),
    readFile: (id) => readFile(services.db.prisma, id),
    now: services.now,
  });
  wechaty.on('scan', (code, status) => {
    if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout) return;
    // The QR code is for the operator at the terminal, on stdout, not in the logs.
    console.log("请用要作为机器人的微信号扫描下面的二维码登录 (scan with the bot's WeChat account):");
    qrcode.generate(code, { small: true });
  });
  wechaty.on('login', (user) => log.info({ user: user.name() }, 'wechat logged in'));
  wechaty.on('logout', (user) => log.warn({ user: user.name() }, 'wechat logged out'));
  const direct = new DirectDelivery({ log });
  // WeChat sends need this process's logged-in session: the wechat deliver worker runs here, with
  // the outbox relay and timers (safe to run beside `serve` and `worker` processes).
  const delivery = services.delivery!;
  try {
    await delivery.startWorkers({ channels: [channel] });
    await channel.start(connectChannel(channel, app.bot, delivery.outboxDeliver(direct.deliver)));
  } catch (error) {
    await app.close();
    redis.disconnect();
    throw error;
  }
  return {
    app,
    channel,
    wechaty,
    redis,
    async close() {
      // Finish what arrived, stop the deliver worker (which needs the session), then log out.
      await channel.idle();
      await app.close();
      await channel.stop();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function puppetOptions(config: Config): WechatyOptions {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const { puppet, puppetToken, name } = config.wechaty;
  return {
    // The memory card (the puppet's saved session) is `<name>.memory-card.json`.
    name: path.join(config.dataDir, name),
    puppet: puppet as NonNullable<Extract<WechatyOptions, { puppetOptions?: unknown }>['puppet']>,
    ...(puppetToken ? { puppetOptions: { token: puppetToken } } : {}),
  };
}

export async function wechatCommand(config: Config): Promise<void> {
  const service = await startWechatService(config);
  await untilSignal();
  await service.close();
}
