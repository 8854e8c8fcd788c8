// The Feishu / Lark channel. Events arrive either through the webhook (http/server.ts verifies them
// and calls `receive`) or the SDK's long connection (`ws` mode); both paths answer Feishu at once
// and process afterwards, because Feishu wants an answer within 3 s whatever the bot does next.
import { createHash, randomUUID } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import type { FeishuConfig } from './settings.ts';
import type { Inbound } from '../../bot/inbound.ts';
import type { Card, Outbound } from '../../bot/outbound.ts';
import type { Texts } from '../../bot/texts.ts';
import { BotError } from '../../bot/errors.ts';
import { clickedCardAddress, type Address, type Channel, type OnInbound } from '../channel.ts';
import type { EventDedup } from '../event-dedup.ts';
import { keepBeforeAck } from '../keep-before-ack.ts';
import { backoffMs, isTransient } from '../../bot/transient.ts';
import type { ReadStoredFile } from '../stored-file.ts';
import { splitText } from '../split-text.ts';
import { FeishuApi, sdkLogger, type MsgType, type ReceiveIdType } from './feishu-api.ts';
import { renderPlainText } from './text-render.ts';
import { renderCard } from './card-render.ts';
import { messageToInbound } from './message-event.ts';
import { cardActionToInbound } from './card-action.ts';
import type { FeishuEnvelope } from './webhook-verify.ts';
import { InlineAnswer } from '../inline-answer.ts';
import { safeError } from '../../bot/safe-error.ts';

/** Feishu accepts far longer texts, but a phone screen does not. */
const TEXT_LIMIT = 3_000;
/**
 * Events handled at once. Acks never wait for this; under a burst the rest wait here in memory
 * instead of all asking the database at once (which starves its pool and fails every one of them).
 */
const DEFAULT_CONCURRENCY = 16;
/**
 * A process renews the events it is working on every SWEEP_EVERY_MS; one not renewed for
 * ORPHAN_AFTER_MS was held by a process that died, and another one takes it over.
 */
const SWEEP_EVERY_MS = 20_000;
const ORPHAN_AFTER_MS = 60_000;
/** How long settling a handled event keeps trying through a Redis outage (it is renewed meanwhile). */
const SETTLE_FOR_MS = 5 * 60_000;
/**
 * An event taken over this often kills whoever handles it (a poison event): it is given up, logged
 * and apologised for.
 */
const MAX_TAKEOVERS = 3;
/** How long to wait for Redis to keep an event before refusing it (503; Feishu wants its answer in 3 s). */
const KEEP_TIMEOUT_MS = 1_500;
/**
 * How long a process keeps trying an event through transient failures (the database or Redis away)
 * before it is given up and apologised for; meanwhile it stays kept, so if this process dies,
 * another takes it over.
 */
const RETRY_FOR_MS = 30 * 60_000;

export type FeishuChannelOptions = {
  config: FeishuConfig;
  log: Logger;
  texts: Texts;
  dedup: EventDedup;
  readFile: ReadStoredFile;
  now?: () => Date;
  concurrency?: number;
  /** Tests: how long transient failures are retried before the apology (default 30 minutes). */
  retryForMs?: number;
  /** How long a click's answer waits for a replacement card (default 2.5 s). */
  inlineBudgetMs?: number;
};

/**
 * The longest a card click's answer waits for the bot's replacement card: Feishu gives up on the
 * callback after 3 s, and the answer still has to travel back.
 */
const INLINE_BUDGET_MS = 2_500;

/**
 * What to answer Feishu: `{}` for events at once; for card clicks a toast, plus the replacement card
 * (`card: {type: 'raw', data}`, the new callback's answer for a JSON 2.0 card) when the bot has one
 * within the budget.
 */
export type ImmediateAnswer = Record<string, unknown>;

export class FeishuChannel implements Channel {
  readonly name = 'feishu';
  readonly api: FeishuApi;
  private onInbound: OnInbound | undefined;
  private ws: lark.WSClient | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => Date;
  private readonly limit: LimitFunction;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopping = false;
  /** Kept events this process is working on (or still settling): renewed on every sweep. */
  private readonly working = new Set<string>();
  /** This process's claims carry it, so it can tell its own claim from another's. */
  private readonly instance = randomUUID();

  constructor(private readonly options: FeishuChannelOptions) {
    this.api = new FeishuApi(options.config, options.log);
    this.now = options.now ?? (() => new Date());
    this.limit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  async start(onInbound: OnInbound): Promise<void> {
    this.onInbound = onInbound;
    this.stopping = false;
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY_MS).unref();
    if (this.options.config.mode !== 'ws') return;
    const { config, log } = this.options;
    this.ws = new lark.WSClient({
      appId: config.appId,
      appSecret: config.appSecret,
      domain: config.domain,
      logger: sdkLogger(log, { errors: 'warn' }),
      loggerLevel: lark.LoggerLevel.info,
      autoReconnect: true,
      onReady: () => log.info('feishu long connection established'),
      onReconnecting: () => log.warn('feishu long connection lost, reconnecting'),
      onError: (err) => log.error({ err: err.message }, 'feishu long connection failed'),
    });
    // The long connection is authenticated by itself: hand the raw envelope to the same path the
    // webhook uses instead of the SDK's flattened, unchecked dispatch.
    const dispatcher = new EnvelopeDispatcher((data) => this.receive(data as FeishuEnvelope), sdkLogger(log));
    await this.ws.start({ eventDispatcher: dispatcher });
    log.info({ domain: config.domain }, 'feishu long connection starting');
  }

  /** Readiness: started and not stopping, and in ws mode with its long connection open. */
  ready(): boolean {
    return this.onInbound !== undefined && !this.stopping && this.longConnectionUp() !== false;
  }

  /** In ws mode, whether the long connection is open now (reconnecting or given up: false). */
  longConnectionUp(): boolean | undefined {
    return this.ws ? this.ws.getConnectionStatus().state === 'connected' : undefined;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweeper);
    this.ws?.close({ force: true });
    await this.sweeping;
    await this.idle();
  }

  /** Resolves when every event received so far has been processed (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * A verified v2 envelope: keeps it (claimed with its payload in Redis), answers, and processes it
   * in the background. An event is answered at once, a card click when the bot has its replacement
   * card or the budget is over, whichever comes first. An event that cannot be kept is not
   * acknowledged (a card click included): this throws EventNotKept (HTTP 503) and Feishu sends it again.
   */
  async receive(envelope: FeishuEnvelope): Promise<ImmediateAnswer> {
    const { log, dedup } = this.options;
    const header = envelope?.header;
    if (!header?.event_id) {
      log.warn('feishu event without header ignored');
      return {};
    }
    const eventId = header.event_id;
    const inline =
      header.event_type === 'card.action.trigger'
        ? new InlineAnswer(this.options.inlineBudgetMs ?? INLINE_BUDGET_MS)
        : undefined;
    const { answer, task } = this.work(envelope, eventId, {}, inline);
    if (!task) {
      inline?.close();
      return answer;
    }
    const handle = () => this.handleKept(eventId, envelope, false, inline);
    const outcome = await keepBeforeAck(
      eventId,
      () => dedup.claimAndKeep('feishu', eventId, JSON.stringify(envelope), this.now().getTime(), this.instance),
      { timeoutMs: KEEP_TIMEOUT_MS, onLateKeep: handle },
    ).catch((error: unknown) => {
      log.warn({ err: safeError(error), event: eventId }, 'feishu event not kept; answered 503 for redelivery');
      throw error;
    });
    if (outcome === 'kept' || (await this.ownClaimLeftUnhandled(eventId))) handle();
    else {
      log.info({ event: eventId }, 'feishu event redelivered, ignored');
      // Nobody handles this copy: its answer (the plain toast) goes now.
      inline?.close();
    }
    return answer;
  }

  /**
   * A redelivery of an event this process claimed before without hearing back (Redis went away
   * between running the claim and answering it; that try was answered 503): it is ours to handle.
   * One it claimed, handled and settled is a plain duplicate: handling it again would cost a whole
   * turn (and a failed insert of its reply row) for nothing.
   */
  private async ownClaimLeftUnhandled(eventId: string): Promise<boolean> {
    if (this.working.has(eventId)) return false;
    return this.options.dedup.ownsUnsettled('feishu', eventId, this.instance).catch(() => false);
  }

  /**
   * Renews the kept events this process is working on, then takes over those another process
   * acknowledged and died holding (see EventDedup); runs every 20 seconds while started.
   */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const { log, dedup } = this.options;
    const now = this.now().getTime();
    let orphans;
    try {
      await dedup.renew('feishu', [...this.working], now);
      orphans = await dedup.takeOrphans('feishu', ORPHAN_AFTER_MS, now);
    } catch (error) {
      return log.warn({ err: (error as Error).message }, 'feishu kept events not renewed or checked');
    }
    for (const orphan of orphans) {
      // Stopping: leave it; having been renewed just now, another process takes it in a minute.
      if (this.stopping || this.working.has(orphan.id)) continue;
      if (!orphan.payload) {
        // Settled meanwhile by the process that had it.
        await dedup.settle('feishu', orphan.id).catch(() => undefined);
        continue;
      }
      let envelope: FeishuEnvelope | undefined;
      try {
        envelope = JSON.parse(orphan.payload) as FeishuEnvelope;
      } catch {
        envelope = undefined;
      }
      if (!envelope || !this.work(envelope, orphan.id).task) {
        log.error({ event: orphan.id, tries: orphan.tries }, 'feishu event given up: its payload cannot be handled');
        await dedup.settle('feishu', orphan.id).catch(() => undefined);
        continue;
      }
      const giveUp = orphan.tries > MAX_TAKEOVERS;
      if (giveUp) log.error({ event: orphan.id, tries: orphan.tries }, 'feishu event given up after its handlers died');
      else log.warn({ event: orphan.id, tries: orphan.tries }, 'feishu event taken over from a process that died');
      this.handleKept(orphan.id, envelope, giveUp);
    }
  }

  /**
   * What to answer, and the work to do afterwards (none for an event that is refused). `inline` is
   * the click's waiting answer (none when an event is taken over: nobody waits for that one).
   */
  private work(
    envelope: FeishuEnvelope,
    eventId: string,
    kept: { giveUp?: boolean } = {},
    inline?: InlineAnswer,
  ): { answer: ImmediateAnswer | Promise<ImmediateAnswer>; task?: () => Promise<void> } {
    const { log, texts } = this.options;
    switch (envelope.header?.event_type) {
      case 'im.message.receive_v1':
        return {
          answer: {},
          task: async () => {
            const result = await messageToInbound(envelope.event, {
              botOpenId: () => this.api.botOpenId(),
              download: (messageId, key, type) => this.api.download(messageId, key, type),
              receivedAt: this.now(),
            });
            if ('ignored' in result) log.debug({ event: eventId, reason: result.ignored }, 'feishu message ignored');
            else await this.deliverInbound({ ...result.inbound, kept });
          },
        };
      case 'card.action.trigger': {
        const result = cardActionToInbound(eventId, envelope.event, this.now());
        if ('refused' in result) {
          log.warn({ event: eventId, reason: result.refused, detail: result.detail }, 'feishu card action refused');
          const key = { not_addressee: 'card_not_for_you', expired: 'card_expired', malformed: 'card_invalid' }[
            result.refused
          ];
          return { answer: { toast: { type: 'warning', content: texts.t(`channels.${key}`) } } };
        }
        const toast = { toast: { type: 'info', content: texts.t('channels.card_received') } };
        if (!inline) return { answer: toast, task: () => this.deliverInbound({ ...result.inbound, kept }) };
        const { inbound } = result;
        inbound.action = { ...inbound.action!, inline };
        const address = clickedCardAddress(inbound);
        return {
          answer: inline.card.then((card) =>
            card
              ? {
                  toast: { type: 'success', content: texts.t('channels.card_updated') },
                  card: { type: 'raw', data: this.renderFor(address, card) },
                }
              : toast,
          ),
          // Handled without a replacement (or failed, or handed back for a retry): the toast goes now.
          // A click dropped as a redelivery never runs this; receive closes its answer.
          task: () => this.deliverInbound({ ...inbound, kept }).finally(() => inline.close()),
        };
      }
      default:
        log.debug({ type: envelope.header?.event_type }, 'feishu event type not handled');
        return { answer: {} };
    }
  }

  replyAddress(inbound: Inbound): Address {
    const replyTo = inbound.action?.cardRef ?? (inbound.action ? undefined : inbound.id);
    return { chatId: inbound.chat.id, userId: inbound.actor, ...(replyTo ? { replyTo } : {}) };
  }

  async send(address: Address, outbound: Outbound, idempotencyKey?: string): Promise<string> {
    const key = idempotencyKey ?? randomUUID();
    switch (outbound.kind) {
      case 'text': {
        let ref = '';
        const parts = splitText(outbound.text, TEXT_LIMIT);
        for (const [i, part] of parts.entries()) {
          ref = await this.post(address, 'text', JSON.stringify({ text: renderPlainText(part) }), sendUuid(key, i));
        }
        return ref;
      }
      case 'card': {
        const card = this.renderFor(address, outbound.card);
        return this.post(address, 'interactive', JSON.stringify(card), sendUuid(key, 0));
      }
      case 'file': {
        const file = await this.options.readFile(outbound.fileId);
        if (!file)
          throw new BotError('PLATFORM_PERMANENT', `stored file ${outbound.fileId} not found`, { permanent: true });
        const fileKey = await this.api.uploadFile(outbound.name || file.name, file.data);
        const ref = await this.post(address, 'file', JSON.stringify({ file_key: fileKey }), sendUuid(key, 0));
        if (outbound.caption)
          await this.post(
            { chatId: address.chatId },
            'text',
            JSON.stringify({ text: renderPlainText(outbound.caption) }),
            sendUuid(key, 1),
          );
        return ref;
      }
    }
  }

  async update(ref: string, outbound: Outbound, address: Address): Promise<void> {
    if (outbound.kind !== 'card')
      throw new BotError('PLATFORM_PERMANENT', 'only cards can be updated on Feishu', { permanent: true });
    await this.api.patchMessage(ref, JSON.stringify(this.renderFor(address, outbound.card)));
  }

  /** A card for one person carries them as its addressee: only they may click it. */
  private renderFor(address: Address, card: Card): Record<string, unknown> {
    return renderCard(card, address.userId ? { addressee: address.userId } : {});
  }

  private post(address: Address, msgType: MsgType, content: string, uuid: string): Promise<string> {
    return address.replyTo
      ? this.api.replyMessage(address.replyTo, msgType, content, uuid)
      : this.api.createMessage(address.chatId, receiveIdType(address.chatId), msgType, content, uuid);
  }

  private async deliverInbound(inbound: Inbound): Promise<void> {
    if (!this.onInbound) throw new Error('feishu channel not started');
    await this.onInbound(inbound);
  }

  /**
   * Handles a kept event in the background, then settles it. A transient failure (the database or
   * Redis away) leaves it kept and tries again with backoff; after RETRY_FOR_MS, or when `giveUp`
   * (a poison event), only the apology is written — itself tried until it can be. While stopping,
   * an unfinished event is left kept for another process to take over.
   */
  private handleKept(eventId: string, envelope: FeishuEnvelope, giveUp = false, inline?: InlineAnswer): void {
    const { log } = this.options;
    // Already at work on it (a late keep and its redelivery both lead here).
    if (this.working.has(eventId)) return;
    const retryFor = this.options.retryForMs ?? RETRY_FOR_MS;
    this.working.add(eventId);
    this.track(eventId, async () => {
      const since = Date.now();
      for (let attempt = 0; ; attempt++) {
        const { task } = this.work(envelope, eventId, giveUp ? { giveUp } : {}, inline);
        try {
          if (task) await this.limit(task);
          return true;
        } catch (error) {
          if (!isTransient(error)) {
            log.error({ err: safeError(error), event: eventId }, 'feishu event processing failed');
            return true;
          }
          if (this.stopping) return false;
          if (!giveUp && Date.now() - since > retryFor) {
            log.error({ event: eventId, attempt }, 'feishu event given up after retrying');
            giveUp = true;
          }
          const wait = backoffMs(attempt, 500, 10_000);
          log.warn(
            { err: (error as Error).message, event: eventId, attempt, waitMs: wait },
            'feishu event kept for a retry',
          );
          await new Promise((resolve) => setTimeout(resolve, wait));
          if (this.stopping) return false;
        }
      }
    });
  }

  /**
   * Runs `task` in the background; when it says so, settles the event (done either way). Until
   * settled the event stays in `working`, so sweeps keep renewing it.
   */
  private track(eventId: string, task: () => Promise<boolean>): void {
    const { log } = this.options;
    const run = task()
      .catch((error: unknown) => {
        log.error({ err: safeError(error), event: eventId }, 'feishu event processing failed');
        return true;
      })
      .then((done) => (done ? this.settle(eventId) : undefined))
      .catch((error: unknown) => log.error({ err: error, event: eventId }, 'feishu event not settled'))
      .finally(() => {
        this.working.delete(eventId);
        this.inFlight.delete(run);
      });
    this.inFlight.add(run);
  }

  /** Settles, retrying through a Redis outage (while stopping, once): an event left kept would be handled twice. */
  private async settle(eventId: string): Promise<void> {
    const deadline = Date.now() + SETTLE_FOR_MS;
    for (let wait = 200; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        return await this.options.dedup.settle('feishu', eventId);
      } catch (error) {
        if (this.stopping || Date.now() + wait > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
      }
    }
  }
}

/** A direct message to a user is addressed by their open_id (`ou_…`); a chat by its chat_id (`oc_…`). */
function receiveIdType(id: string): ReceiveIdType {
  if (id.startsWith('ou_')) return 'open_id';
  if (id.startsWith('on_')) return 'union_id';
  return 'chat_id';
}

/** Feishu keeps a send `uuid` for an hour and drops a second send with the same one; ≤ 50 chars. */
function sendUuid(key: string, part: number): string {
  return createHash('sha256').update(`${key}#${part}`).digest('hex').slice(0, 40);
}

class EnvelopeDispatcher extends lark.EventDispatcher {
  constructor(
    private readonly handle: (data: unknown) => unknown,
    logger: lark.Logger,
  ) {
    super({ logger, loggerLevel: lark.LoggerLevel.warn });
  }

  override async invoke(data: unknown): Promise<unknown> {
    return this.handle(typeof data === 'string' ? JSON.parse(data) : data);
  }
}
