// The keep-before-ack life of a callback event (Feishu and WeCom, which acknowledge at once and
// handle afterwards — a Feishu card click's answer may wait for its replacement card; the Official
// Account, which answers inline when it can): claimed with its payload in Redis before the
// acknowledgement, handled in the background with bounded concurrency, retried through transient
// failures, settled when done, and taken over by another process if this one dies holding it
// (EventDedup's orphans).
import { randomUUID } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import { backoffMs, isTransient } from '../bot/transient.ts';
import { safeError } from '../bot/safe-error.ts';
import type { EventDedup } from './event-dedup.ts';
import { keepBeforeAck, type KeepOutcome } from './keep-before-ack.ts';

const SWEEP_EVERY_MS = 20_000;
const ORPHAN_AFTER_MS = 60_000;
const SETTLE_FOR_MS = 5 * 60_000;
const MAX_TAKEOVERS = 3;
const RETRY_FOR_MS = 30 * 60_000;

/**
 * `L`: what the receiving process already knows of an event besides its payload (its parsed form, a
 * caller waiting for the answer), handed to `handle` with it; an event taken over has none.
 */
export type KeptEventsOptions<L = never> = {
  channel: string;
  dedup: EventDedup;
  log: Logger;
  /**
   * Handles one event; `giveUp` asks for the apology alone (a poison event, or retried too long).
   * `local` is what `receive` was given with it, undefined for an event taken over.
   */
  handle: (payload: string, kept: { giveUp?: boolean }, local: L | undefined) => Promise<void>;
  concurrency?: number;
  /** How long Redis may take to keep an event before it is refused with 503. */
  keepTimeoutMs: number;
  retryForMs?: number;
  /** How long an event goes unrenewed before another process takes it over (its process died). */
  orphanAfterMs?: number;
  now: () => Date;
};

export class KeptEvents<L = never> {
  private readonly limit: LimitFunction;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly working = new Set<string>();
  private readonly instance = randomUUID();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  stopping = false;

  constructor(private readonly options: KeptEventsOptions<L>) {
    this.limit = pLimit(options.concurrency ?? 16);
  }

  start(): void {
    this.stopping = false;
    const every = Math.min(SWEEP_EVERY_MS, Math.ceil(this.orphanAfterMs / 3));
    this.sweeper = setInterval(() => void this.sweep(), every).unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweeper);
    await this.sweeping;
    await this.idle();
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Keeps the event and starts handling it, or recognises a redelivery (`duplicate`); throws
   * EventNotKept (HTTP 503) when Redis cannot keep it in time, so the platform sends it again.
   */
  async receive(eventId: string, payload: string, local?: L): Promise<KeepOutcome> {
    const { dedup, channel, log } = this.options;
    const handle = () => this.handleKept(eventId, payload, false, local);
    const outcome = await keepBeforeAck(
      eventId,
      () => dedup.claimAndKeep(channel, eventId, payload, this.options.now().getTime(), this.instance),
      { timeoutMs: this.options.keepTimeoutMs, onLateKeep: handle },
    ).catch((error: unknown) => {
      log.warn({ err: safeError(error), event: eventId }, `${channel} event not kept; answered 503 for redelivery`);
      throw error;
    });
    if (outcome === 'kept' || (await this.ownClaimLeftUnhandled(eventId))) {
      handle();
      return 'kept';
    }
    log.info({ event: eventId }, `${channel} event redelivered, ignored`);
    return 'duplicate';
  }

  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private get orphanAfterMs(): number {
    return this.options.orphanAfterMs ?? ORPHAN_AFTER_MS;
  }

  private async ownClaimLeftUnhandled(eventId: string): Promise<boolean> {
    if (this.working.has(eventId)) return false;
    // Claimed by this process and still kept: its acknowledgement was lost. A settled event stays
    // claimed, and its redelivery is a duplicate.
    return this.options.dedup.ownsUnsettled(this.options.channel, eventId, this.instance).catch(() => false);
  }

  private async sweepOnce(): Promise<void> {
    const { log, dedup, channel } = this.options;
    const now = this.options.now().getTime();
    let orphans;
    try {
      await dedup.renew(channel, [...this.working], now);
      orphans = await dedup.takeOrphans(channel, this.orphanAfterMs, now);
    } catch (error) {
      return log.warn({ err: (error as Error).message }, `${channel} kept events not renewed or checked`);
    }
    for (const orphan of orphans) {
      if (this.stopping || this.working.has(orphan.id)) continue;
      if (!orphan.payload) {
        await dedup.settle(channel, orphan.id).catch(() => undefined);
        continue;
      }
      const giveUp = orphan.tries > MAX_TAKEOVERS;
      if (giveUp)
        log.error({ event: orphan.id, tries: orphan.tries }, `${channel} event given up after its handlers died`);
      else log.warn({ event: orphan.id, tries: orphan.tries }, `${channel} event taken over from a process that died`);
      this.handleKept(orphan.id, orphan.payload, giveUp);
    }
  }

  private handleKept(eventId: string, payload: string, giveUp = false, local?: L): void {
    const { log, channel } = this.options;
    if (this.working.has(eventId)) return;
    const retryFor = this.options.retryForMs ?? RETRY_FOR_MS;
    this.working.add(eventId);
    const run = (async () => {
      const since = Date.now();
      for (let attempt = 0; ; attempt++) {
        try {
          await this.limit(() => this.options.handle(payload, giveUp ? { giveUp } : {}, local));
          return true;
        } catch (error) {
          if (!isTransient(error)) {
            log.error({ err: safeError(error), event: eventId }, `${channel} event processing failed`);
            return true;
          }
          if (this.stopping) return false;
          if (!giveUp && Date.now() - since > retryFor) {
            log.error({ event: eventId, attempt }, `${channel} event given up after retrying`);
            giveUp = true;
          }
          const wait = backoffMs(attempt, 500, 10_000);
          log.warn(
            { err: (error as Error).message, event: eventId, attempt, waitMs: wait },
            `${channel} event kept for a retry`,
          );
          await new Promise((resolve) => setTimeout(resolve, wait));
          if (this.stopping) return false;
        }
      }
    })()
      .then((done) => (done ? this.settle(eventId) : undefined))
      .catch((error: unknown) => log.error({ err: error, event: eventId }, `${channel} event not settled`))
      .finally(() => {
        this.working.delete(eventId);
        this.inFlight.delete(run);
      });
    this.inFlight.add(run);
  }

  private async settle(eventId: string): Promise<void> {
    const deadline = Date.now() + SETTLE_FOR_MS;
    for (let wait = 200; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        return await this.options.dedup.settle(this.options.channel, eventId);
      } catch (error) {
        if (this.stopping || Date.now() + wait > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
      }
    }
  }
}
