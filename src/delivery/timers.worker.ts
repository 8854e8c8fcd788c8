// Timers are BullMQ delayed or scheduled jobs on the `timers` queue. Handlers must be idempotent: a
// timer can fire twice (retry after a crash) or after the thing it was for was already settled.
// Modules also register a reconcile step that re-creates timers from the database, so a timer lost
// with Redis data (or never scheduled because of a crash right after commit) is restored.
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { TIMERS_QUEUE, timerJobOptions } from './queues.ts';
import { delayThroughOutages } from './retry-later.ts';

export type TimerData = Record<string, string>;
export type TimerHandler = (data: TimerData) => Promise<void>;
export type Reconciler = (timers: Timers) => Promise<void>;

export class Timers {
  private readonly handlers = new Map<string, TimerHandler>();
  private readonly reconcilers: Reconciler[] = [];
  readonly queue: Queue<TimerData>;

  constructor(
    connection: Redis,
    readonly prefix: string,
  ) {
    this.queue = new Queue<TimerData>(TIMERS_QUEUE, { connection, prefix, defaultJobOptions: timerJobOptions });
  }

  on(name: string, handler: TimerHandler): void {
    this.handlers.set(name, handler);
  }

  onReconcile(reconciler: Reconciler): void {
    this.reconcilers.push(reconciler);
  }

  /** One timer per id: scheduling the same id again is a no-op while it exists. */
  async at(name: string, id: string, when: Date, data: TimerData): Promise<void> {
    await this.queue.add(name, data, {
      jobId: `${name}:${id}`.replaceAll(':', '-'),
      delay: Math.max(0, when.getTime() - Date.now()),
    });
  }

  /** A recurring timer (cron pattern, China time). */
  async every(name: string, pattern: string, data: TimerData = {}): Promise<void> {
    await this.queue.upsertJobScheduler(name, { pattern, tz: 'Asia/Shanghai' }, { name, data });
  }

  async reconcile(log: Logger): Promise<void> {
    for (const reconciler of this.reconcilers) {
      try {
        await reconciler(this);
      } catch (err) {
        log.warn({ err }, 'timer reconcile failed');
      }
    }
  }

  createWorker(connection: Redis, log: Logger): Worker<TimerData> {
    const worker = new Worker<TimerData>(
      TIMERS_QUEUE,
      (job: Job<TimerData>, token?: string) =>
        delayThroughOutages(job, token, async () => {
          const handler = this.handlers.get(job.name);
          if (!handler) throw new Error(`no handler for timer ${job.name}`);
          await handler(job.data);
        }),
      { connection, prefix: this.prefix, concurrency: 4 },
    );
    worker.on('error', (err) => log.warn({ err }, 'timers worker error'));
    worker.on('failed', (job, err) => log.warn({ err, timer: job?.name, id: job?.id }, 'timer failed'));
    return worker;
  }
}
