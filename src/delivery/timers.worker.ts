// The BullMQ backend of timers.ts: a timer is a delayed job on the `timers` queue whose job id is
// the timer's key, so every process that schedules the same row's timer adds the same job once,
// and one worker runs it. A recurring timer is a job scheduler. Completed jobs are kept 30 days,
// which is what makes a reconcile after the timer fired a no-op.
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BEIJING_TZ } from '../time/beijing.ts';
import { TIMERS_QUEUE, timerJobOptions } from './queues.ts';
import { delayThroughOutages } from './retry-later.ts';
import { RECONCILE_MS, TimerRegistry, timerKey, type Timer, type TimerData, type Timers } from './timers.ts';

export class QueueTimers extends TimerRegistry implements Timers {
  readonly backend = 'bullmq' as const;
  readonly queue: Queue<TimerData>;
  private worker: Worker<TimerData> | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;

  /** `workerConnection` opens the worker's own (blocking) connection when `start` is called. */
  constructor(
    connection: Redis,
    readonly prefix: string,
    log: Logger,
    private readonly workerConnection: () => Redis,
  ) {
    super(log);
    this.queue = new Queue<TimerData>(TIMERS_QUEUE, { connection, prefix, defaultJobOptions: timerJobOptions });
    this.queue.on('error', (err) => log.warn({ err }, 'timers queue error'));
  }

  async at(timer: Timer): Promise<void> {
    await this.queue.add(timer.name, timer.data, {
      jobId: timerKey(timer.name, timer.id).replaceAll(':', '-'),
      delay: Math.max(0, timer.at.getTime() - Date.now()),
    });
  }

  async every(name: string, pattern: string, data: TimerData = {}): Promise<void> {
    await this.queue.upsertJobScheduler(name, { pattern, tz: BEIJING_TZ }, { name, data });
  }

  async start(): Promise<void> {
    if (this.worker) return;
    // The database or Redis away: the timer is put back (delayed) without counting an attempt.
    const worker = new Worker<TimerData>(
      TIMERS_QUEUE,
      (job: Job<TimerData>, token?: string) => delayThroughOutages(job, token, () => this.fire(job.name, job.data)),
      { connection: this.workerConnection(), prefix: this.prefix, concurrency: 4 },
    );
    worker.on('error', (err) => this.log.warn({ err }, 'timers worker error'));
    worker.on('failed', (job, err) => this.log.warn({ err, timer: job?.name, id: job?.id }, 'timer failed'));
    this.worker = worker;
    await this.reconcile();
    this.reconcileTimer = setInterval(() => void this.reconcile(), RECONCILE_MS);
  }

  async close(): Promise<void> {
    clearInterval(this.reconcileTimer);
    await this.worker?.close();
    await this.queue.close();
  }
}
