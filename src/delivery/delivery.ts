// The delivery backbone as one object: outbox relay, per-channel deliver queues and workers, timers.
// Without Redis it is disabled: outbox rows are still written (a later worker delivers them) and the
// features that need fan-out say so; timers then run in process (timers.in-process.ts).
import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Sql } from '../db/sql.ts';
import type { Address, Channel } from '../channels/channel.ts';
import type { AnswerMode } from '../channels/define.ts';
import { CHANNELS } from '../channels/registry.ts';
import type { Inbound } from '../bot/inbound.ts';
import type { OutboxRow } from '../bot/conversation.ts';
import type { Deliver } from './direct.ts';
import { deliverJobOptions, deliverQueueName, type DeliverJob } from './queues.ts';
import { OutboxRelay, type RelayOptions } from './relay.ts';
import { createDeliverWorker } from './deliver.worker.ts';
import { QueueTimers } from './timers.worker.ts';
import { InProcessTimers } from './timers.in-process.ts';
import type { Timers } from './timers.ts';
import { redisConnection } from './redis.ts';
import { createDeliveryMetrics, type DeliveryMetrics } from './metrics.ts';
import { InProcessOutbox } from './in-process.ts';

export type WorkerOptions = {
  channels: Channel[];
  relay?: boolean;
  timers?: boolean;
  relayOptions?: RelayOptions;
  concurrency?: number;
  /** How often the pollers run (default 1 s). */
  pollMs?: number;
};

export class Delivery {
  /** The timers domain modules schedule on: BullMQ's with Redis, else in process (delivery/timers.ts). */
  readonly scheduler: Timers;
  readonly metrics: DeliveryMetrics;
  private readonly connection: Redis | undefined;
  private readonly prisma: PrismaClient;
  private readonly sql: Sql;
  private readonly queues = new Map<string, Queue<DeliverJob>>();
  private readonly workers: Worker[] = [];
  private readonly workerConnections: Redis[] = [];
  private relay: OutboxRelay | undefined;
  /** Without Redis, the outbox rows of the channels this process runs are sent from here. */
  private inProcess: InProcessOutbox | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly pollers: (() => Promise<void>)[] = [];
  private polling: Promise<void> | undefined;

  constructor(
    private readonly config: Config,
    db: { prisma: PrismaClient; sql: Sql },
    private readonly log: Logger,
    readonly redisUrl: string | undefined,
  ) {
    this.prisma = db.prisma;
    this.sql = db.sql;
    this.connection = redisUrl ? redisConnection(redisUrl) : undefined;
    this.scheduler = this.connection
      ? new QueueTimers(this.connection, config.queuePrefix, log, () => this.newConnection())
      : new InProcessTimers(log);
    this.metrics = createDeliveryMetrics(
      () => [...this.queues.values(), ...(this.timers ? [this.timers.queue] : [])],
      async () => {
        const groups = await db.prisma.outboxMessage.groupBy({ by: ['status'], _count: true });
        return Object.fromEntries(groups.map((g) => [g.status, g._count]));
      },
    );
  }

  /** The BullMQ timers queue, when there is Redis (operators: Bull Board, metrics). */
  get timers(): QueueTimers | undefined {
    return this.scheduler instanceof QueueTimers ? this.scheduler : undefined;
  }

  get enabled(): boolean {
    return this.connection !== undefined;
  }

  private readonly replyAddressers = new Map<string, (inbound: Inbound) => Address>();
  /** How each channel answers: the registry's, plus any other channel a service runs (useAnswerMode). */
  private readonly answerModes = new Map<string, AnswerMode>(CHANNELS.map((c) => [c.name, c.answerMode]));

  /** Lets replies to this channel's events use its own addressing (e.g. Feishu replies in thread). */
  useChannel(channel: Channel): void {
    if (channel.replyAddress) this.replyAddressers.set(channel.name, channel.replyAddress.bind(channel));
  }

  replyAddress(inbound: Inbound): Address {
    return this.replyAddressers.get(inbound.channel)?.(inbound) ?? { chatId: inbound.chat.id, userId: inbound.actor };
  }

  /** Declares how a channel outside the registry answers (a service started with its own channel list). */
  useAnswerMode(channel: string, mode: AnswerMode): void {
    this.answerModes.set(channel, mode);
  }

  answerMode(channel: string): AnswerMode {
    return this.answerModes.get(channel) ?? 'outbox';
  }

  /**
   * Whether replies on this channel go through the outbox when the caller does not carry them: not
   * for a channel whose caller always does (the console prints them at once), nor without Redis.
   */
  repliesViaOutbox(channel: string): boolean {
    return (this.enabled || this.deliversInProcess(channel)) && this.answerMode(channel) !== 'caller';
  }

  /** Whether this channel's outbox rows are sent by this process without Redis (delivery/in-process.ts). */
  deliversInProcess(channel: string): boolean {
    return this.inProcess?.handles(channel) ?? false;
  }

  queueFor(channel: string): Queue<DeliverJob> {
    if (!this.connection) throw new Error('delivery needs Redis');
    let queue = this.queues.get(channel);
    if (!queue) {
      queue = new Queue<DeliverJob>(deliverQueueName(channel), {
        connection: this.connection,
        prefix: this.config.queuePrefix,
        defaultJobOptions: deliverJobOptions(this.config),
      });
      queue.on('error', (err) => this.log.warn({ err }, 'deliver queue error'));
      this.queues.set(channel, queue);
    }
    return queue;
  }

  /**
   * The reply sender for a channel's connector: nothing to do when the Bot already wrote the replies
   * to the outbox in the transaction that saved the session; otherwise (no Redis) the fallback.
   */
  outboxDeliver(fallback: Deliver): Deliver {
    return async (channel, address, replies, key) => {
      if (this.repliesViaOutbox(channel.name)) return;
      await fallback(channel, address, replies, key);
    };
  }

  /** Every queue operators should see: the channels' deliver queues and the timers. */
  allQueues(): Queue[] {
    for (const name of this.answerModes.keys()) this.queueFor(name);
    return [...this.queues.values(), ...(this.timers ? [this.timers.queue] : [])];
  }

  /**
   * Hands a just-committed `queued` outbox row to its deliver queue, with its payload, instead of
   * leaving it to the relay (two statements fewer per reply). Not awaited by the caller: while Redis
   * is away the add waits in ioredis's offline queue. If Redis refuses it, the row goes back to
   * `pending` for the relay; if this process dies first, the relay's sweep finds the queued row
   * without a job and adds it again.
   */
  enqueueCommitted(row: OutboxRow): void {
    if (this.inProcess?.handles(row.channel)) return this.inProcess.send(row.id);
    const job: DeliverJob = { id: row.id, address: row.address, payload: row.payload };
    this.queueFor(row.channel)
      .add('deliver', job, { jobId: row.id })
      .catch(async (err: unknown) => {
        this.log.warn({ err, outbox: row.id }, 'reply not queued; left to the outbox relay');
        await this.sql
          .query(`UPDATE "OutboxMessage" SET status = 'pending' WHERE id = $1 AND status = 'queued'`, [row.id])
          .catch((error: unknown) => this.log.warn({ err: error, outbox: row.id }, 'reply left to the sweep'));
        this.wake();
      });
  }

  /** Called after a commit that wrote outbox rows: relay now instead of at the next poll. */
  wake(): void {
    this.relay?.wake();
    this.inProcess?.wake();
  }

  /**
   * Work that watches the database for something to announce (e.g. a newly submitted application),
   * run every second by processes that run the timers worker. Each must be idempotent.
   */
  addPoller(poller: () => Promise<void>): void {
    this.pollers.push(poller);
  }

  /** Runs the pollers now (tests, and after a commit that may have made work for them). */
  async poll(): Promise<void> {
    this.polling ??= (async () => {
      for (const poller of this.pollers) {
        try {
          await poller();
        } catch (err) {
          this.log.warn({ err }, 'poller failed');
        }
      }
    })().finally(() => {
      this.polling = undefined;
    });
    await this.polling;
    this.wake();
  }

  /**
   * Starts the relay, one deliver worker per channel and the timers (with the pollers) in this
   * process. Without Redis the timers and pollers run in process, and so does the delivery of the
   * given channels' outbox rows (a local trial: delivery/in-process.ts).
   */
  async startWorkers(options: WorkerOptions): Promise<void> {
    if (!this.redisUrl && options.channels.length > 0) {
      for (const channel of options.channels) this.useChannel(channel);
      this.inProcess = new InProcessOutbox(this.sql, options.channels, this.log, {
        attempts: this.config.delivery.attempts,
      });
      this.inProcess.start();
    }
    for (const channel of this.redisUrl ? options.channels : []) {
      this.useChannel(channel);
      this.queueFor(channel.name);
      const connection = this.newConnection();
      this.workers.push(
        createDeliverWorker({
          sql: this.sql,
          prisma: this.prisma,
          channel,
          connection,
          prefix: this.config.queuePrefix,
          lockMs: this.config.delivery.lockMs,
          limits: this.config.delivery.limits[channel.name],
          concurrency: options.concurrency,
          metrics: this.metrics,
          log: this.log,
        }),
      );
    }
    if (options.timers !== false) {
      await this.scheduler.start();
      this.pollTimer = setInterval(() => void this.poll(), options.pollMs ?? 1_000);
    }
    if (this.redisUrl && options.relay !== false) {
      this.relay = new OutboxRelay(this.sql, (c) => this.queueFor(c), this.log, options.relayOptions);
      this.relay.start();
    }
  }

  /** Relays what is pending now and waits for it (tests, `broadcast` command). */
  async flush(): Promise<void> {
    await this.relay?.drain();
    await this.inProcess?.idle();
  }

  /** Waits (up to `timeoutMs`) until nothing for this channel is waiting in the outbox. */
  async settle(channel: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const open = await this.prisma.outboxMessage.count({ where: { channel, status: { in: ['pending', 'queued'] } } });
      if (open === 0) return true;
      await this.poll();
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  /** Graceful: stop taking jobs, let in-flight ones finish (or return to the queue), then disconnect. */
  async close(): Promise<void> {
    clearInterval(this.pollTimer);
    await this.polling;
    await this.relay?.stop();
    await this.inProcess?.stop();
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await this.scheduler.close();
    for (const c of [...this.workerConnections, ...(this.connection ? [this.connection] : [])]) c.disconnect();
  }

  private newConnection(): Redis {
    const connection = redisConnection(this.redisUrl!);
    this.workerConnections.push(connection);
    return connection;
  }
}
