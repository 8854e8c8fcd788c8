// Timers: a public notice's end, a review reminder, the yearly congress reminder. A timer follows
// from a committed row — its id is derived from the row (`notice.end:<noticeId>`), it is scheduled
// after the commit that wrote the row, and each module's reconcile step re-creates the timers its
// open rows imply (so a crash between commit and schedule, or a Redis data loss, is healed). Two
// backends, one interface: BullMQ's `timers` queue when Redis is configured (timers.worker.ts), in
// process over the same rows when it is not (timers.in-process.ts). Handlers are idempotent: a timer
// may fire twice (a retry, a restart, two processes without Redis) or after its row was settled.
import type { Logger } from 'pino';

export type TimerData = Record<string, string>;
export type TimerHandler = (data: TimerData) => Promise<void>;
export type Reconciler = (timers: Timers) => Promise<void>;

/** One timer, as a row implies it: one per (name, id), due at `at`. */
export type Timer = { name: string; id: string; at: Date; data: TimerData };

export interface Timers {
  readonly backend: 'bullmq' | 'in-process';
  on(name: string, handler: TimerHandler): void;
  onReconcile(reconciler: Reconciler): void;
  /** Schedules a row's timer (after its commit). Once per id: again is a no-op while it is known. */
  at(timer: Timer): Promise<void>;
  /** A recurring timer (cron pattern, Beijing time). */
  every(name: string, pattern: string, data?: TimerData): Promise<void>;
  /** Runs every module's reconcile step. */
  reconcile(): Promise<void>;
  /** Fires timers in this process from now on: reconciles first, then again every few minutes. */
  start(): Promise<void>;
  /** Stops firing; a handler in flight finishes first. */
  close(): Promise<void>;
}

/** How often a running backend re-creates missing timers from the rows. */
export const RECONCILE_MS = 5 * 60_000;

/** The key a timer is known by (BullMQ job ids cannot hold `:`; the in-process backend uses it as is). */
export const timerKey = (name: string, id: string): string => `${name}:${id}`;

/** Handlers and reconcile steps, the same for both backends. */
export abstract class TimerRegistry {
  private readonly handlers = new Map<string, TimerHandler>();
  private readonly reconcilers: Reconciler[] = [];

  constructor(protected readonly log: Logger) {}

  on(name: string, handler: TimerHandler): void {
    this.handlers.set(name, handler);
  }

  onReconcile(reconciler: Reconciler): void {
    this.reconcilers.push(reconciler);
  }

  async reconcile(): Promise<void> {
    for (const reconciler of this.reconcilers) {
      try {
        await reconciler(this as unknown as Timers);
      } catch (err) {
        this.log.warn({ err }, 'timer reconcile failed');
      }
    }
  }

  /** Runs the handler of a fired timer; throws so the backend retries. */
  protected async fire(name: string, data: TimerData): Promise<void> {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`no handler for timer ${name}`);
    await handler(data);
  }
}
