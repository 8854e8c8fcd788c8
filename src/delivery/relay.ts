// Moves pending outbox rows into the per-channel BullMQ deliver queues, job id = row id. Adding the
// same job id twice is a no-op in BullMQ, so a crash between "added" and "marked queued" only repeats
// a harmless add. The sweep re-adds rows whose job vanished (Redis restarted without persistence).
import type { Logger } from 'pino';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Sql } from '../db/sql.ts';
import type { DeliverJob } from './queues.ts';

export type RelayOptions = {
  batchSize?: number;
  pollMs?: number;
  /** A queued row older than this is checked against Redis. */
  staleMs?: number;
  sweepMs?: number;
};

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly staleMs: number;
  private readonly sweepMs: number;

  constructor(
    private readonly sql: Sql,
    private readonly queueFor: (channel: string) => Queue<DeliverJob>,
    private readonly log: Logger,
    options: RelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 1_000;
    this.staleMs = options.staleMs ?? 60_000;
    this.sweepMs = options.sweepMs ?? 30_000;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.sweepTimer = setInterval(
      () => void this.sweep().catch((err) => this.log.warn({ err }, 'outbox sweep failed')),
      this.sweepMs,
    );
    this.wake();
  }

  /** Runs a pass now (coalesced: a wake during a pass schedules exactly one more). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((err) => this.log.warn({ err }, 'outbox relay pass failed; will retry'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Relays until no pending row is left. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const moved = await this.pass();
      total += moved;
      if (moved < this.batchSize || this.stopped) return total;
    }
  }

  private async pass(): Promise<number> {
    const rows = await this.sql.query<Row>(
      `SELECT id, channel FROM "OutboxMessage" WHERE status = 'pending' ORDER BY "createdAt" LIMIT $1`,
      [this.batchSize],
    );
    if (rows.length === 0) return 0;
    await this.enqueue(rows);
    await this.mark(rows, 'pending');
    return rows.length;
  }

  /** Records rows as handed to Redis (`queuedAt` is what the sweep ages them by). */
  private async mark(rows: Row[], status: 'pending' | 'queued'): Promise<void> {
    await this.sql.query(
      `UPDATE "OutboxMessage" SET status = 'queued', "queuedAt" = $2 WHERE id = ANY($1::text[]) AND status = $3`,
      [rows.map((r) => r.id), new Date(), status],
    );
  }

  private async enqueue(rows: Row[]): Promise<void> {
    for (const [channel, group] of groupBy(rows)) {
      await this.queueFor(channel).addBulk(
        group.map(({ id }) => ({ name: 'deliver', data: { id }, opts: { jobId: id } })),
      );
    }
  }

  /** Re-adds queued rows whose job is gone from Redis (data lost in a Redis restart). */
  async sweep(): Promise<number> {
    const rows = await this.sql.query<Row>(
      `SELECT id, channel FROM "OutboxMessage" WHERE status = 'queued' AND "queuedAt" < $1
       ORDER BY "queuedAt" LIMIT 5000`,
      [new Date(Date.now() - this.staleMs)],
    );
    const lost: Row[] = [];
    for (const [channel, group] of groupBy(rows)) {
      const queue = this.queueFor(channel);
      const client = (await queue.client) as unknown as Redis;
      const pipeline = client.pipeline();
      for (const row of group) pipeline.exists(queue.toKey(row.id));
      const answers = (await pipeline.exec()) ?? [];
      group.forEach((row, i) => {
        if (answers[i]?.[1] === 0) lost.push(row);
      });
    }
    if (lost.length > 0) {
      this.log.warn({ count: lost.length }, 'outbox rows lost from Redis; re-queueing');
      await this.enqueue(lost);
      await this.mark(lost, 'queued');
    }
    return lost.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.sweepTimer);
    await this.running;
  }
}

type Row = { id: string; channel: string };

function groupBy(rows: Row[]): Map<string, Row[]> {
  const map = new Map<string, Row[]>();
  for (const row of rows) {
    const group = map.get(row.channel);
    if (group) group.push(row);
    else map.set(row.channel, [row]);
  }
  return map;
}
