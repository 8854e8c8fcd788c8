// Delivery without Redis: the outbox rows of the channels this process holds are sent from here, one
// at a time in the order they were written — for a local trial on the embedded defaults (`npm start`
// with no REDIS_URL). The rows are the same as with BullMQ (written in the transaction of the state
// change, marked delivered after the send), so nothing is lost across a restart: what is still
// pending or queued is sent at the next start. No rate limits and a single process: not for
// production, where `serve` has Redis and the deliver queues.
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.ts';
import type { Address, Channel } from '../channels/channel.ts';
import { BotError } from '../bot/errors.ts';
import { idempotencyKey, partsOf, type CardUpdate } from './outbox.ts';

type Row = { id: string; channel: string; address: Address; payload: unknown; status: string; attempts: number };

export type InProcessOptions = { attempts: number; pollMs?: number };

export class InProcessOutbox {
  private readonly channels: Map<string, Channel>;
  private chain: Promise<void> = Promise.resolve();
  private readonly waiting = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly sql: Sql,
    channels: Channel[],
    private readonly log: Logger,
    private readonly options: InProcessOptions,
  ) {
    this.channels = new Map(channels.map((c) => [c.name, c]));
  }

  handles(channel: string): boolean {
    return this.channels.has(channel);
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.pollMs ?? 500);
    this.wake();
  }

  /** Looks for rows to send now (after a commit that wrote some). */
  wake(): void {
    if (this.stopped) return;
    void this.sql
      .query<{ id: string }>(
        `SELECT id FROM "OutboxMessage" WHERE status IN ('pending', 'queued') AND channel = ANY($1::text[])
         ORDER BY "createdAt" LIMIT 200`,
        [[...this.channels.keys()]],
      )
      .then((rows) => rows.forEach((row) => this.send(row.id)))
      .catch((err: unknown) => this.log.warn({ err }, 'in-process outbox poll failed'));
  }

  /** Sends one row (once, however often it is asked for), after the ones asked for before it. */
  send(id: string): void {
    if (this.stopped || this.waiting.has(id)) return;
    this.waiting.add(id);
    this.chain = this.chain.then(async () => {
      try {
        await this.deliver(id);
      } catch (err) {
        this.log.warn({ err, outbox: id }, 'in-process delivery failed');
      } finally {
        this.waiting.delete(id);
      }
    });
  }

  /** Resolves when what was asked for so far has been tried. */
  async idle(): Promise<void> {
    await this.chain;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.chain;
  }

  private async deliver(id: string): Promise<void> {
    const [row] = await this.sql.query<Row>(
      `SELECT id, channel, address, payload, status, attempts FROM "OutboxMessage" WHERE id = $1`,
      [id],
    );
    if (!row || (row.status !== 'pending' && row.status !== 'queued')) return;
    const channel = this.channels.get(row.channel);
    if (!channel) return;
    let ref = '';
    let cardRef: string | undefined;
    try {
      for (const [i, part] of partsOf(row.payload).entries()) {
        if (part.kind === 'update') {
          ref = (await this.update(channel, part, row.address, idempotencyKey(row.id, i))) ?? ref;
          continue;
        }
        ref = await channel.send(row.address, part, idempotencyKey(row.id, i));
        if (part.kind === 'card') cardRef ??= ref;
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof BotError && error.permanent;
      const failed = permanent || row.attempts + 1 >= this.options.attempts;
      await this.sql.query(
        `UPDATE "OutboxMessage" SET attempts = attempts + 1, "lastError" = $2,
           status = CASE WHEN $3 THEN 'failed' ELSE status END, "failedAt" = CASE WHEN $3 THEN now() ELSE NULL END
         WHERE id = $1`,
        [row.id, reason.slice(0, 1000), failed],
      );
      this.log.warn({ outbox: row.id, reason, failed }, 'in-process send failed');
      return;
    }
    await this.sql.query(
      `UPDATE "OutboxMessage" SET status = 'delivered', "deliveredAt" = $2, "platformRef" = $3,
         attempts = attempts + 1, "lastError" = NULL
       WHERE id = $1 AND status <> 'delivered'`,
      [row.id, new Date(), cardRef ?? (ref || null)],
    );
  }

  /** Changes a card sent earlier (by its reference, or by the outbox row that sent it). */
  private async update(channel: Channel, part: CardUpdate, address: Address, key: string): Promise<string | undefined> {
    if (!channel.update) return undefined;
    let target: { ref: string; address: Address } | undefined;
    if (part.ref) target = { ref: part.ref, address: part.address ?? address };
    else if (part.outbox) {
      // Rows go out in the order they were written, so the card's own row was sent before this one.
      const [sent] = await this.sql.query<{ platformRef: string | null; address: Address }>(
        `SELECT "platformRef", address FROM "OutboxMessage" WHERE id = $1 AND status = 'delivered'`,
        [part.outbox],
      );
      if (sent?.platformRef) target = { ref: sent.platformRef, address: sent.address };
    }
    if (!target) return undefined;
    const now =
      (await channel.update(target.ref, { kind: 'card', card: part.card }, target.address, key)) || target.ref;
    if (part.outbox && now !== target.ref)
      await this.sql.query(`UPDATE "OutboxMessage" SET "platformRef" = $2 WHERE id = $1`, [part.outbox, now]);
    return now;
  }
}
