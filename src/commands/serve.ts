// `serve`: the bot on Feishu / Lark. Webhook mode listens for events and card callbacks; ws mode
// holds the SDK's long connection. Both start the HTTP server for /healthz.
import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config.ts';
import { createApp, openMigratedDatabase, type App } from '../app.ts';
import { warmUp } from '../warm-up.ts';
import { createLogger } from '../log.ts';
import { openRedis } from '../db/redis.ts';
import { readFile } from '../db/files.ts';
import { EventDedup } from '../channels/event-dedup.ts';
import { FeishuChannel } from '../channels/feishu/feishu-channel.ts';
import { connectChannel } from '../channels/connect.ts';
import { DirectDelivery } from '../delivery/direct.ts';
import { buildHttpServer } from '../http/server.ts';

export type FeishuService = {
  app: App;
  channel: FeishuChannel;
  http: FastifyInstance;
  redis: Redis;
  /** Base URL the HTTP server listens on. */
  url: string;
  close(): Promise<void>;
};

export type FeishuServiceOptions = { log?: Logger; now?: () => Date; redisPrefix?: string };

export async function startFeishuService(config: Config, options: FeishuServiceOptions = {}): Promise<FeishuService> {
  const feishu = config.feishu;
  if (!feishu)
    throw new ConfigError([
      { variable: 'FEISHU_APP_ID', reason: 'serve 需要飞书应用凭证 (serve needs the Feishu app credentials)' },
    ]);
  if (!config.redisUrl)
    throw new ConfigError([
      { variable: 'REDIS_URL', reason: 'serve 需要 Redis，用于事件去重 (serve needs Redis for event dedup)' },
    ]);
  const log = options.log ?? createLogger(config.logLevel);
  const app = await createApp(config, { log, now: options.now });
  const redis = openRedis(config.redisUrl, log);
  const { services } = app;
  const channel = new FeishuChannel({
    config: feishu,
    log,
    texts: services.texts,
    dedup: new EventDedup(redis, options.redisPrefix ?? `${config.queuePrefix}:`),
    readFile: (id) => readFile(services.db.prisma, id),
    now: services.now,
  });
  const direct = new DirectDelivery({ log });
  // Replies and notifications leave through the outbox; this process also runs the relay, the
  // deliver worker for this channel and the timers (`worker` processes can be added to scale out).
  const delivery = services.delivery!;
  await delivery.startWorkers({ channels: [channel] });
  const http = buildHttpServer({
    log,
    feishu: feishu.mode === 'webhook' ? { channel, secrets: feishu } : undefined,
    ops: { delivery, ops: config.ops },
    health: async () => ({
      server: true,
      database: await services.db.prisma.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      ),
      redis: await redis.ping().then(
        (pong) => pong === 'PONG',
        () => false,
      ),
      ...(feishu.mode === 'ws' ? { feishuLongConnection: channel.longConnectionUp() === true } : {}),
    }),
  });
  try {
    await warmUp(app, log);
    await channel.start(connectChannel(channel, app.bot, delivery.outboxDeliver(direct.deliver)));
    await http.listen({ port: config.http.port, host: config.http.host });
  } catch (error) {
    await Promise.allSettled([channel.stop(), http.close(), app.close()]);
    redis.disconnect();
    throw error;
  }
  const address = http.server.address();
  const url =
    typeof address === 'object' && address
      ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
      : '';
  log.info({ url, mode: feishu.mode, domain: feishu.domain }, 'feishu channel ready');
  if (feishu.mode === 'webhook' && !feishu.encryptKey)
    log.warn(
      '未设置 FEISHU_ENCRYPT_KEY：飞书不会给请求签名，只能核对 Verification Token，知道它的人可以冒充任何用户 ' +
        '(no Encrypt Key: requests are unsigned and only the verification token is checked)',
    );
  return {
    app,
    channel,
    http,
    redis,
    url,
    async close() {
      // Stop taking events first, then let the ones already acknowledged finish.
      log.debug('closing http');
      await http.close();
      log.debug('closing channel');
      await channel.stop();
      log.debug('closing app');
      await app.close();
      log.debug('closing redis');
      await redis.quit().catch(() => redis.disconnect());
      log.debug('closed');
    },
  };
}

export async function serveCommand(config: Config, options: { processes?: number } = {}): Promise<void> {
  const processes = options.processes ?? 1;
  if (processes > 1 && cluster.isPrimary) return runCluster(config, processes);
  const service = await startFeishuService(config);
  await untilSignal();
  await service.close();
  // A cluster copy stays alive while its channel to the primary is open.
  if (cluster.isWorker) cluster.worker?.disconnect();
}

/**
 * `serve --processes N`: N copies sharing the port (node:cluster), for more than one core. Safe
 * because event dedup, the outbox and the queues live in Redis and the database, not in a process.
 */
async function runCluster(config: Config, processes: number): Promise<void> {
  const log = createLogger(config.logLevel);
  // Migrate once here, so the copies do not race to apply the same migration.
  await (await openMigratedDatabase(config, log)).close();
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error({ pid: worker.process.pid, code, signal }, 'serve process died, starting another');
    cluster.fork();
  });
  for (let i = 0; i < processes; i++) cluster.fork();
  log.info({ processes }, 'serve cluster started');
  await untilSignal();
  stopping = true;
  const exits = Object.values(cluster.workers ?? {}).map(
    (worker) => new Promise((resolve) => worker?.once('exit', resolve)),
  );
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  await Promise.all(exits);
}

export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
