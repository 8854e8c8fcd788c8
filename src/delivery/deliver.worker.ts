// Sends outbox rows through their channel. Transient failures retry with backoff; permanent ones stop
// at once and are recorded on the row; a platform rate-limit answer pauses the channel's queue
// (BullMQ rate limiter) without using up an attempt.
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Sql } from '../db/sql.ts';
import type { Address, Channel } from '../channels/channel.ts';
import { BotError } from '../bot/errors.ts';
import type { ChannelLimits } from '../config.ts';
import { deliverQueueName, type DeliverJob } from './queues.ts';
import { idempotencyKey, partsOf, type CardUpdate } from './outbox.ts';
import { ChatLimiter } from './chat-limiter.ts';
import { LATE_MS, SendPacer } from './send-pacer.ts';
import { delayThroughOutages, isInfrastructureOutage } from './retry-later.ts';
import type { DeliveryMetrics } from './metrics.ts';

export type DeliverWorkerOptions = {
  /** The read and the "delivered" mark of every message (plain SQL: they run per message). */
  sql: Sql;
  /** Failures and retries (rare). */
  prisma: PrismaClient;
  channel: Channel;
  connection: Redis;
  prefix: string;
  lockMs: number;
  limits: ChannelLimits | undefined;
  concurrency?: number;
  metrics: DeliveryMetrics;
  log: Logger;
};

/**
 * Jobs each process works on at once. A job waits for its slot of the app's pace while it holds one
 * of these, and on a busy machine a send takes long: at Feishu's 16.6 sends a second, 10 of them
 * capped one process at 10 ÷ (wait + send time), under the pace once a job took over 0.6 s.
 */
const DEFAULT_CONCURRENCY = 32;

/** How often a change to a card not sent yet looks again, and after how long it is dropped. */
const UPDATE_WAIT_MS = 1_000;
const UPDATE_GIVE_UP_MS = 86_400_000;

/** What the worker needs of an outbox row to send it (from the job, or read back from the table). */
type RowToSend = { id: string; address: unknown; payload: unknown; status: string; createdAt: Date };

/**
 * The first run of a job that carries its payload (enqueued by the committing process): the row was
 * just written and nothing else has sent it. Retries, stalled jobs (a worker died mid-send) and jobs
 * from the relay or the sweep read the row, and skip it if it is already settled.
 */
const firstRun = (job: Job<DeliverJob>): boolean =>
  job.data.payload !== undefined && job.attemptsMade === 0 && !job.stalledCounter;

/**
 * BullMQ's limiter only holds the queue after the platform answered "too many requests"
 * (`worker.rateLimit`, shared by every process through Redis); the pace itself is the SendPacer's
 * (send-pacer.ts), which fixed windows of BullMQ's could only approach: windows safe against a
 * sliding minute either lose the gap between windows or allow bursts (3-second windows of 50 put up
 * to 1,050 sends in a minute: 107 answers 429 in a 5,000-card fan-out).
 */
const PAUSE_ONLY_LIMITER = { max: 1_000_000_000, duration: 1_000 };

export function createDeliverWorker(options: DeliverWorkerOptions): Worker<DeliverJob> {
  const { sql, prisma, channel, metrics, log } = options;
  const chatLimiter = options.limits
    ? new ChatLimiter(options.connection, options.prefix, options.limits.perChatPerSec, options.limits.perChatWindows)
    : undefined;
  const pacer = options.limits
    ? new SendPacer(options.connection, `${options.prefix}:send-pace:${channel.name}`, options.limits)
    : undefined;
  const labels = { channel: channel.name };

  const worker: Worker<DeliverJob> = new Worker<DeliverJob>(
    deliverQueueName(channel.name),
    (job: Job<DeliverJob>, token?: string) => delayThroughOutages(job, token, () => deliver(job, token)),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      limiter: options.limits ? PAUSE_ONLY_LIMITER : undefined,
      // A job whose worker died (SIGKILL) is taken back after this and retried.
      lockDuration: options.lockMs,
      stalledInterval: Math.max(500, Math.floor(options.lockMs / 2)),
      maxStalledCount: 5,
    },
  );

  async function deliver(job: Job<DeliverJob>, token: string | undefined): Promise<string> {
    const row = firstRun(job)
      ? {
          id: job.data.id,
          address: job.data.address,
          payload: job.data.payload,
          status: 'queued',
          createdAt: new Date(job.timestamp),
        }
      : await readRow(job.data.id);
    // Already settled (a repeated job after a crash or a sweep): nothing to send again.
    if (!row || row.status === 'delivered' || row.status === 'failed') return row?.status ?? 'missing';
    const address = row.address as Address;
    const parts = partsOf(row.payload);
    // A change to a card whose message is not out yet waits for it (without using up an attempt).
    for (const part of parts) {
      if (
        part.kind !== 'update' ||
        !channel.update ||
        (await targetOf(part, address, row.createdAt.getTime())) !== 'wait'
      )
        continue;
      await job.moveToDelayed(Date.now() + UPDATE_WAIT_MS, token);
      throw new DelayedError();
    }
    // The app's pace: a slot for each part, each sent at its slot (send-pacer.ts). No slot yet
    // counts as one missed: onSlot takes the first ones (or delays the job) and waits for them.
    let slot = pacer ? await onSlot(pacer, Number.NEGATIVE_INFINITY, parts.length, job, token) : 0;
    // The chat's own limit, counted in the second the sends go out: right before them.
    const wait = await chatLimiter?.take(address.chatId, parts.length);
    if (wait) {
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
    try {
      // In order; after a retry the parts already sent repeat with the same key and the platform drops them.
      // The reference kept is the row's card's (what a later update names), else its last message's.
      let ref = '';
      let cardRef: string | undefined;
      for (const [i, part] of parts.entries()) {
        if (pacer && i > 0) slot = await onSlot(pacer, slot, parts.length - i, job, token);
        if (part.kind === 'update') {
          ref = (await applyUpdate(part, address, row, idempotencyKey(row.id, i))) ?? ref;
          continue;
        }
        ref = await channel.send(address, part, idempotencyKey(row.id, i));
        if (part.kind === 'card') cardRef ??= ref;
      }
      ref = cardRef ?? ref;
      const deliveredAt = new Date();
      await sql.query(
        `UPDATE "OutboxMessage" SET status = 'delivered', "deliveredAt" = $2, "platformRef" = $3,
           attempts = $4, "lastError" = NULL
         WHERE id = $1 AND status <> 'delivered'`,
        [row.id, deliveredAt, ref || null, job.attemptsMade + 1],
      );
      metrics.delivered.inc(labels);
      metrics.latency.observe(labels, (deliveredAt.getTime() - row.createdAt.getTime()) / 1000);
      return 'delivered';
    } catch (error) {
      // The database away (e.g. the "delivered" mark failed after the send): retried without
      // counting an attempt; the platform drops the resend by its uuid.
      if (isInfrastructureOutage(error) || error instanceof DelayedError) throw error;
      return await onSendError(error, row.id, job);
    }
  }

  /**
   * Waits for `slot` (ms, this process's clock) and returns the slot after it. Woken too late for it
   * (a stalled process: a send now could crowd the ones after it past the limit), it takes new slots
   * for the `left` parts instead; too far ahead, the job waits delayed and the row is sent again
   * (parts already sent repeat with their keys and the platform drops them).
   */
  async function onSlot(
    pacer: SendPacer,
    slot: number,
    left: number,
    job: Job<DeliverJob>,
    token: string | undefined,
  ): Promise<number> {
    for (;;) {
      const early = slot - Date.now();
      if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
      if (Date.now() - slot <= LATE_MS / 2) return slot + pacer.spacing;
      const wait = await pacer.take(left);
      if (wait < 0) {
        await job.moveToDelayed(Date.now() - wait, token);
        throw new DelayedError();
      }
      slot = Date.now() + wait;
    }
  }

  /** Where the card to change is now: its reference and address, `wait` while unsent, `gone` if it never will be. */
  async function targetOf(
    part: CardUpdate,
    address: Address,
    createdAtMs: number,
  ): Promise<{ ref: string; address: Address } | 'wait' | 'gone'> {
    if (part.ref) return { ref: part.ref, address: part.address ?? address };
    if (!part.outbox) return 'gone';
    const [target] = await sql.query<{ status: string; platformRef: string | null; address: Address }>(
      `SELECT status, "platformRef", address FROM "OutboxMessage" WHERE id = $1`,
      [part.outbox],
    );
    if (!target || target.status === 'failed') return 'gone';
    if (target.status === 'delivered')
      return target.platformRef ? { ref: target.platformRef, address: target.address } : 'gone';
    // A card that has not gone out in a day is not coming; its change is dropped rather than held forever.
    return Date.now() - createdAtMs > UPDATE_GIVE_UP_MS ? 'gone' : 'wait';
  }

  /**
   * Changes one card; returns the reference its content now lives at (a channel that cannot edit
   * sends a new message, and a later change then names that one). A change the platform refuses
   * for good (the card was recalled, or is too old) is logged and skipped: the rest of the row
   * still goes out.
   */
  async function applyUpdate(
    part: CardUpdate,
    address: Address,
    row: RowToSend,
    key: string,
  ): Promise<string | undefined> {
    const target = await targetOf(part, address, row.createdAt.getTime());
    if (target === 'wait' || target === 'gone' || !channel.update) {
      log.info(
        { outbox: row.id, target: part.outbox ?? part.ref, channel: channel.name },
        'card update skipped: nothing to change',
      );
      return undefined;
    }
    let now: string;
    try {
      now = (await channel.update(target.ref, { kind: 'card', card: part.card }, target.address, key)) || target.ref;
    } catch (error) {
      const permanent = error instanceof BotError && (error.permanent || error.code === 'PLATFORM_PERMANENT');
      if (!permanent) throw error;
      log.warn(
        { outbox: row.id, ref: target.ref, reason: error.message },
        'card update refused by the platform, skipped',
      );
      return undefined;
    }
    if (part.outbox && now !== target.ref)
      await sql.query(`UPDATE "OutboxMessage" SET "platformRef" = $2 WHERE id = $1`, [part.outbox, now]);
    return now;
  }

  async function readRow(id: string): Promise<RowToSend | undefined> {
    const [row] = await sql.query<RowToSend>(
      `SELECT id, address, payload, status, "createdAt" FROM "OutboxMessage" WHERE id = $1`,
      [id],
    );
    return row;
  }

  async function onSendError(error: unknown, id: string, job: Job<DeliverJob>): Promise<never> {
    const botError = error instanceof BotError ? error : undefined;
    const reason = (error as Error)?.message ?? String(error);
    if (botError?.code === 'PLATFORM_RATE_LIMITED') {
      metrics.rateLimited.inc(labels);
      await worker.rateLimit(botError.retryAfterMs ?? 1_000);
      throw Worker.RateLimitError();
    }
    const permanent = botError?.permanent || botError?.code === 'PLATFORM_PERMANENT';
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (permanent || last) {
      await prisma.outboxMessage.updateMany({
        where: { id, status: { not: 'delivered' } },
        data: {
          status: 'failed',
          failedAt: new Date(),
          lastError: reason.slice(0, 1000),
          attempts: job.attemptsMade + 1,
        },
      });
      metrics.failed.inc({ ...labels, reason: permanent ? 'permanent' : 'attempts_exhausted' });
      log.warn({ outbox: id, channel: channel.name, reason }, 'message not delivered (recorded on the outbox row)');
      if (permanent) throw new UnrecoverableError(reason);
      throw error;
    }
    await prisma.outboxMessage.update({
      where: { id },
      data: { attempts: job.attemptsMade + 1, lastError: reason.slice(0, 1000) },
    });
    metrics.retried.inc(labels);
    throw error;
  }

  worker.on('error', (err) => log.warn({ err, queue: worker.name }, 'deliver worker error'));
  return worker;
}
