// The in-process backend of timers.ts, for a bot without Redis (`npm start` / `chat` on the embedded
// defaults): the same timers, kept in memory and fired with setTimeout. Nothing is lost when the
// process stops, because the truth is the rows: `start` reconciles from them first, so a due time
// that passed while the process was down fires once, at once. Long delays are clamped (setTimeout
// cannot wait more than ~24.8 days, and a short re-check also follows a changed system clock).
// A failed handler is retried with backoff, as the BullMQ backend does.
import cronParser from 'cron-parser';
import type { Logger } from 'pino';
import { BEIJING_TZ } from '../time/beijing.ts';
import { timerJobOptions } from './queues.ts';
import { RECONCILE_MS, TimerRegistry, timerKey, type Timer, type TimerData, type Timers } from './timers.ts';

type Entry = { key: string; name: string; due: number; data: TimerData; attempt: number };

export type InProcessTimersOptions = {
  /** The longest single wait before due times are looked at again (default one hour). */
  maxDelayMs?: number;
  /** How often the rows are reconciled while running (default five minutes). */
  reconcileMs?: number;
  /** Base of the exponential backoff after a failed handler (default 5 s). */
  retryMs?: number;
  now?: () => number;
};

/** As the BullMQ backend: fired timers are remembered this long (a reconcile then is a no-op). */
const REMEMBER_MS = 30 * 86_400_000;

export class InProcessTimers extends TimerRegistry implements Timers {
  readonly backend = 'in-process' as const;
  private readonly pending = new Map<string, Entry>();
  /** Keys of timers that fired (or gave up), and when. */
  private readonly done = new Map<string, number>();
  private readonly schedules = new Map<string, { pattern: string; data: TimerData; next: number }>();
  private readonly maxDelayMs: number;
  private readonly reconcileMs: number;
  private readonly retryMs: number;
  private readonly attempts = timerJobOptions.attempts ?? 8;
  private readonly now: () => number;
  private started = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private firing: Promise<void> | undefined;

  constructor(log: Logger, options: InProcessTimersOptions = {}) {
    super(log);
    this.maxDelayMs = options.maxDelayMs ?? 3_600_000;
    this.reconcileMs = options.reconcileMs ?? RECONCILE_MS;
    this.retryMs = options.retryMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  async at(timer: Timer): Promise<void> {
    const key = timerKey(timer.name, timer.id);
    if (this.pending.has(key) || this.done.has(key)) return;
    this.pending.set(key, { key, name: timer.name, due: timer.at.getTime(), data: timer.data, attempt: 0 });
    this.arm();
  }

  async every(name: string, pattern: string, data: TimerData = {}): Promise<void> {
    const next = nextRun(pattern, this.now());
    const existing = this.schedules.get(name);
    if (existing?.pattern === pattern) return;
    this.schedules.set(name, { pattern, data, next });
    this.arm();
  }

  /** Timers waiting in this process and the next run of each recurring one, soonest first. */
  list(): { key: string; name: string; at: Date }[] {
    return [
      ...[...this.pending.values()].map((e) => ({ key: e.key, name: e.name, due: e.due })),
      ...[...this.schedules].map(([name, s]) => ({ key: timerKey(name, String(s.next)), name, due: s.next })),
    ]
      .sort((a, b) => a.due - b.due)
      .map((e) => ({ key: e.key, name: e.name, at: new Date(e.due) }));
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.reconcile();
    this.reconcileTimer = setInterval(() => void this.reconcile(), this.reconcileMs);
    this.reconcileTimer.unref();
    this.arm();
  }

  async close(): Promise<void> {
    this.started = false;
    clearTimeout(this.wakeTimer);
    clearInterval(this.reconcileTimer);
    await this.firing;
  }

  /** Waits until the soonest due time (at most maxDelayMs), then fires what is due. */
  private arm(): void {
    if (!this.started || this.firing) return;
    clearTimeout(this.wakeTimer);
    const soonest = Math.min(
      ...[...this.pending.values()].map((e) => e.due),
      ...[...this.schedules.values()].map((s) => s.next),
    );
    if (soonest === Infinity) return;
    const delay = Math.min(Math.max(0, soonest - this.now()), this.maxDelayMs);
    // A waiting timer must not keep a finished process alive.
    this.wakeTimer = setTimeout(() => this.fireDue(), delay);
    this.wakeTimer.unref();
  }

  private fireDue(): void {
    this.firing ??= this.fireAll().finally(() => {
      this.firing = undefined;
      this.arm();
    });
  }

  private async fireAll(): Promise<void> {
    for (;;) {
      const now = this.now();
      // A recurring timer's occurrence becomes a one-off timer of its own (and is retried as one).
      for (const [name, s] of this.schedules) {
        if (s.next > now) continue;
        const key = timerKey(name, String(s.next));
        if (!this.done.has(key)) this.pending.set(key, { key, name, due: s.next, data: s.data, attempt: 0 });
        s.next = nextRun(s.pattern, now);
      }
      const due = [...this.pending.values()].filter((e) => e.due <= now).sort((a, b) => a.due - b.due);
      if (due.length === 0 || !this.started) break;
      for (const entry of due) {
        if (!this.started) break;
        this.pending.delete(entry.key);
        try {
          await this.fire(entry.name, entry.data);
          this.done.set(entry.key, this.now());
        } catch (err) {
          const attempt = entry.attempt + 1;
          this.log.warn({ err, timer: entry.name, id: entry.key, attempt }, 'timer failed');
          if (attempt >= this.attempts) this.done.set(entry.key, this.now());
          else this.pending.set(entry.key, { ...entry, attempt, due: this.now() + this.retryMs * 2 ** (attempt - 1) });
        }
      }
    }
    const forgetBefore = this.now() - REMEMBER_MS;
    for (const [key, at] of this.done) if (at < forgetBefore) this.done.delete(key);
  }
}

/** The next time after `after` that a cron pattern names, read in Beijing time. */
function nextRun(pattern: string, after: number): number {
  return cronParser
    .parseExpression(pattern, { tz: BEIJING_TZ, currentDate: new Date(after) })
    .next()
    .getTime();
}
