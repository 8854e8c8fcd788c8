// Moves pending outbox rows into the per-channel BullMQ deliver queues, job id = row id. Adding the
// same job id twice is a no-op in BullMQ, so a crash between "added" and "marked queued" only repeats
// a harmless add. The sweep re-adds rows whose job vanished (Redis restarted without persistence).
import type { Logger } from 'pino';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../generated/prisma/client.ts';
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
    private readonly prisma: PrismaClient,
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
    const rows = await this.prisma.outboxMessage.findMany({
      where: { status: 'pending' },
      orderBy: { createdAt: 'asc' },
      take: this.batchSize,
      select: { id: true, channel: true },
    });
    if (rows.length === 0) return 0;
    await this.enqueue(rows);
    await this.prisma.outboxMessage.updateMany({
      where: { id: { in: rows.map((r) => r.id) }, status: 'pending' },
      data: { status: 'queued', queuedAt: new Date() },
    });
    return rows.length;
  }

  private async enqueue(rows: { id: string; channel: string }[]): Promise<void> {
    const byChannel = new Map<string, string[]>();
    for (const row of rows) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row.id]);
    for (const [channel, ids] of byChannel) {
      await this.queueFor(channel).addBulk(ids.map((id) => ({ name: 'deliver', data: { id }, opts: { jobId: id } })));
    }
  }

  /** Re-adds queued rows whose job is gone from Redis (data lost in a Redis restart). */
  async sweep(): Promise<number> {
    const rows = await this.prisma.outboxMessage.findMany({
      where: { status: 'queued', queuedAt: { lt: new Date(Date.now() - this.staleMs) } },
      orderBy: { queuedAt: 'asc' },
      take: 5_000,
      select: { id: true, channel: true },
    });
    const lost: { id: string; channel: string }[] = [];
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
      await this.prisma.outboxMessage.updateMany({
        where: { id: { in: lost.map((r) => r.id) }, status: 'queued' },
        data: { queuedAt: new Date() },
      });
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

function groupBy(rows: { id: string; channel: string }[]): Map<string, { id: string; channel: string }[]> {
  const map = new Map<string, { id: string; channel: string }[]>();
  for (const row of rows) map.set(row.channel, [...(map.get(row.channel) ?? []), row]);
  return map;
}
