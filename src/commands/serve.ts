// `serve`: the bot on every configured channel (or those CHANNELS names), any subset including
// none, on one HTTP server: /healthz, /metrics, the queue board, the secretariat dashboard (/admin)
// and each channel's own routes.
// This process also runs the outbox relay, the deliver workers for its channels and the timers
// (`worker` processes can be added to scale out).
import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config.ts';
import { createApp, openMigratedDatabase, type App } from '../app.ts';
import { warmUp } from '../warm-up.ts';
import { createLogger } from '../log.ts';
import { openRedis } from '../db/redis.ts';
import type { Channel } from '../channels/channel.ts';
import type { AnyChannelDefinition } from '../channels/define.ts';
import { connectChannel } from '../channels/connect.ts';
import { channelDeps, servedChannels, settingsOf } from '../channels/runtime.ts';
import { DirectDelivery } from '../delivery/direct.ts';
import { buildHttpServer, type MountRoutes } from '../http/server.ts';
import { databaseReady, readiness, redisReady } from '../http/readiness.ts';
import { importMembers } from '../membership/members.ts';

export type Service = {
  app: App;
  /** The running channels by name. */
  channels: Map<string, Channel>;
  /** Absent when started without an HTTP server. */
  http: FastifyInstance | undefined;
  redis: Redis;
  /** Base URL the HTTP server listens on ('' without one). */
  url: string;
  close(): Promise<void>;
};

export type ServiceOptions = {
  log?: Logger;
  now?: () => Date;
  redisPrefix?: string;
  /** The channels to run (default: what `serve` runs for this config). */
  channels?: AnyChannelDefinition[];
  /** Whether to open the HTTP server (default: yes). */
  http?: boolean;
};

type Running = { definition: AnyChannelDefinition; channel: Channel; settings: unknown };

export async function startService(givenConfig: Config, options: ServiceOptions = {}): Promise<Service> {
  const definitions = options.channels ?? servedChannels(givenConfig);
  // Local trial channels alone (a playground on a laptop) run without Redis: delivery in process.
  const localOnly = definitions.length > 0 && definitions.every((d) => d.local);
  if (!givenConfig.redisUrl && !localOnly)
    throw new ConfigError([
      {
        variable: 'REDIS_URL',
        reason: 'serve 需要 Redis，用于事件去重和发送队列 (serve needs Redis for event dedup and delivery)',
      },
    ]);
  const trial = trialOf(givenConfig, definitions);
  const config = trial.config;
  const log = options.log ?? createLogger(config.logLevel);
  const app = await createApp(config, { log, now: options.now });
  await trial.seed(app);
  // Without Redis a channel gets a client that never connects (a local channel does not use it).
  const redis = config.redisUrl ? openRedis(config.redisUrl, log) : new Redis({ lazyConnect: true });
  const { services } = app;
  const delivery = services.delivery!;
  const keyPrefix = options.redisPrefix ?? `${config.queuePrefix}:`;
  const running: Running[] = [];
  let http: FastifyInstance | undefined;
  const dependencies = readiness({
    server: () => true,
    database: databaseReady(services.db.sql),
    ...(config.redisUrl ? { redis: redisReady(redis) } : {}),
  });
  try {
    for (const definition of definitions) {
      const settings = settingsOf(config, definition);
      const deps = channelDeps(services, redis, keyPrefix, settings);
      const channel = await definition.create(
        trial.seeded.has(definition.name) ? { ...deps, trial: trial.state } : deps,
      );
      delivery.useAnswerMode(definition.name, definition.answerMode);
      running.push({ definition, channel, settings });
    }
    await delivery.startWorkers({ channels: running.map((r) => r.channel) });
    if (options.http !== false) {
      const routes: MountRoutes[] = running.flatMap(({ definition, channel, settings }) =>
        definition.routes ? [(server) => definition.routes!(server, { channel, settings, log })] : [],
      );
      http = buildHttpServer({
        log,
        routes,
        ops: { delivery, ops: config.ops },
        admin: { app, opsBoard: Boolean(config.ops.password) && delivery.enabled },
        // Readiness (issue 16): each dependency bounded in time, then each running channel's own.
        health: async () => ({
          ...(await dependencies()),
          ...Object.assign({}, ...running.map((r) => r.definition.health?.(r.channel) ?? {})),
        }),
      });
    }
    await warmUp(app, log);
    const direct = new DirectDelivery({ log });
    for (const { definition, channel } of running)
      await channel.start(
        connectChannel(channel, app.bot, delivery.outboxDeliver(direct.deliver), definition.answerMode),
      );
    // A local trial channel is not exposed beyond this machine unless HOST says so.
    const host = !config.httpHostSet && running.some((r) => r.definition.local) ? '127.0.0.1' : config.http.host;
    await http?.listen({ port: config.http.port, host });
  } catch (error) {
    await Promise.allSettled([...running.map((r) => r.channel.stop()), http?.close(), app.close()]);
    redis.disconnect();
    throw error;
  }
  const address = http?.server.address();
  const url =
    typeof address === 'object' && address
      ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
      : '';
  if (typeof address === 'object' && address) config.admin.listeningPort = address.port;
  log.info({ url, channels: running.map((r) => r.definition.name) }, 'service ready');
  // A channel whose sends need its session stops after the deliver workers; the others before.
  const inSession = running.filter((r) => r.definition.sendsFrom === 'session');
  const anywhere = running.filter((r) => r.definition.sendsFrom !== 'session');
  return {
    app,
    channels: new Map(running.map((r) => [r.definition.name, r.channel])),
    http,
    redis,
    url,
    async close() {
      // Stop taking events first, then let the ones already acknowledged finish.
      await http?.close();
      await Promise.all([...anywhere.map((r) => r.channel.stop()), ...inSession.map((r) => r.channel.idle?.())]);
      await app.close();
      await Promise.all(inSession.map((r) => r.channel.stop()));
      if (config.redisUrl) await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

/**
 * A trial on the embedded database (no DATABASE_URL) with channels that declare demo accounts: the
 * secretariat ones join SECRETARIAT, the member units are imported, and the application window is
 * open unless APPLICATION_DEADLINE is set. A deployment with its own database gets none of this.
 */
function trialOf(config: Config, definitions: AnyChannelDefinition[]) {
  const withTrial = config.databaseUrl ? [] : definitions.filter((d) => d.trial);
  const accounts = withTrial.map((d) => ({ channel: d.name, ...d.trial!(settingsOf(config, d)) }));
  const open = accounts.some((a) => a.applicationsOpen);
  const deadline = config.application.deadline ?? (open ? 'none' : undefined);
  const trialConfig: Config =
    accounts.length === 0
      ? config
      : {
          ...config,
          secretariat: [
            ...config.secretariat,
            ...accounts.flatMap((a) => a.secretariat.map((id) => `${a.channel}:${id}`)),
          ],
          application: { ...config.application, deadline },
        };
  const rows = accounts.flatMap((a) =>
    a.members.map((m) => [m.orgName, m.orgType, m.repName, a.channel, m.userId].map(csvCell).join(',')),
  );
  return {
    config: trialConfig,
    seeded: new Set(accounts.map((a) => a.channel)),
    state: { applicationsOpen: deadline === 'none', deadline },
    async seed(app: App) {
      if (rows.length === 0) return;
      const header = 'orgName,orgType,repName,channel,userId';
      const result = await importMembers(app.services.db.prisma, 'trial', [header, ...rows].join('\n'));
      if (result.problems.length > 0)
        app.services.log.warn({ problems: result.problems }, 'trial members not all seeded');
    },
  };
}

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export async function serveCommand(
  config: Config,
  options: { processes?: number; channels?: AnyChannelDefinition[] } = {},
): Promise<void> {
  const processes = options.processes ?? 1;
  if (processes > 1 && cluster.isPrimary) return runCluster(config, processes, options.channels);
  // A channel alone (e.g. `wechat`) needs no HTTP server unless it mounts routes; `serve` always has one.
  const http = options.channels ? options.channels.some((d) => d.routes) : true;
  const service = await startService(config, { channels: options.channels, http });
  for (const definition of options.channels ?? servedChannels(config))
    if (definition.page && service.url && service.channels.has(definition.name))
      console.log(service.app.services.texts.t('channels.open_page', { url: `${service.url}${definition.page}` }));
  await untilSignal();
  await service.close();
  // A cluster copy stays alive while its channel to the primary is open.
  if (cluster.isWorker) cluster.worker?.disconnect();
}

/**
 * `serve --processes N`: N copies sharing the port (node:cluster), for more than one core. Safe
 * because event dedup, the outbox and the queues live in Redis and the database, not in a process —
 * but not for a channel that holds one login session (run it in its own process).
 */
async function runCluster(config: Config, processes: number, channels?: AnyChannelDefinition[]): Promise<void> {
  const single = (channels ?? servedChannels(config)).filter((d) => d.sendsFrom === 'session').map((d) => d.name);
  if (single.length > 0)
    throw new ConfigError([
      {
        variable: '--processes',
        reason:
          `${single.join(', ')} 只能在一个进程中运行：用 CHANNELS 把它分到单独的进程 ` +
          `(${single.join(', ')} holds one login session: run it in a process of its own, see CHANNELS)`,
      },
    ]);
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
