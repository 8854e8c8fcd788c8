// The Feishu / Lark channel. Events arrive either through the webhook (http/server.ts verifies them
// and calls `receive`) or the SDK's long connection (`ws` mode); both paths answer Feishu at once
// and process afterwards, because Feishu wants an answer within 3 s whatever the bot does next.
import { createHash, randomUUID } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { FeishuConfig } from './settings.ts';
import type { Inbound } from '../../bot/inbound.ts';
import type { Card, Outbound } from '../../bot/outbound.ts';
import type { Texts } from '../../bot/texts.ts';
import { BotError } from '../../bot/errors.ts';
import { clickedCardAddress, type Address, type Channel, type OnInbound } from '../channel.ts';
import type { EventDedup } from '../event-dedup.ts';
import { KeptEvents } from '../kept-events.ts';
import type { ReadStoredFile } from '../stored-file.ts';
import { splitText } from '../split-text.ts';
import { FeishuApi, sdkLogger, type MsgType, type ReceiveIdType } from './feishu-api.ts';
import { renderPlainText } from './text-render.ts';
import { renderCard } from './card-render.ts';
import { messageToInbound } from './message-event.ts';
import { cardActionToInbound } from './card-action.ts';
import type { FeishuEnvelope } from './webhook-verify.ts';
import { InlineAnswer } from '../inline-answer.ts';

/** Feishu accepts far longer texts, but a phone screen does not. */
const TEXT_LIMIT = 3_000;
/** How long to wait for Redis to keep an event before refusing it (503; Feishu wants its answer in 3 s). */
const KEEP_TIMEOUT_MS = 1_500;

export type FeishuChannelOptions = {
  config: FeishuConfig;
  log: Logger;
  texts: Texts;
  dedup: EventDedup;
  readFile: ReadStoredFile;
  now?: () => Date;
  /**
   * Events handled at once (default 16). Acks never wait for this; under a burst the rest wait here
   * in memory instead of all asking the database at once (which starves its pool and fails every one).
   */
  concurrency?: number;
  /** Tests: how long transient failures are retried before the apology (default 30 minutes). */
  retryForMs?: number;
  /** How long a click's answer waits for a replacement card (default 2.5 s). */
  inlineBudgetMs?: number;
  /** A proxy is configured: sends and replies go through the SDK, whose axios uses it (default false). */
  httpProxy?: boolean;
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
  private readonly now: () => Date;
  /** Kept in Redis before the ack, handled in the background, taken over if this process dies. */
  private readonly events: KeptEvents<Received>;

  constructor(private readonly options: FeishuChannelOptions) {
    this.api = new FeishuApi(options.config, options.log, options.httpProxy ?? false);
    this.now = options.now ?? (() => new Date());
    this.events = new KeptEvents<Received>({
      channel: 'feishu',
      dedup: options.dedup,
      log: options.log,
      handle: (payload, kept, received) => this.handleKept(payload, kept, received),
      keepTimeoutMs: KEEP_TIMEOUT_MS,
      now: this.now,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.retryForMs ? { retryForMs: options.retryForMs } : {}),
    });
  }

  async start(onInbound: OnInbound): Promise<void> {
    this.onInbound = onInbound;
    this.events.start();
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
    const dispatcher = new EnvelopeDispatcher((envelope, raw) => this.receive(envelope, raw), sdkLogger(log));
    await this.ws.start({ eventDispatcher: dispatcher });
    log.info({ domain: config.domain }, 'feishu long connection starting');
  }

  /** Readiness: started and not stopping, and in ws mode with its long connection open. */
  ready(): boolean {
    return this.onInbound !== undefined && !this.events.stopping && this.longConnectionUp() !== false;
  }

  /** In ws mode, whether the long connection is open now (reconnecting or given up: false). */
  longConnectionUp(): boolean | undefined {
    return this.ws ? this.ws.getConnectionStatus().state === 'connected' : undefined;
  }

  async stop(): Promise<void> {
    this.events.stopping = true;
    this.ws?.close({ force: true });
    await this.events.stop();
  }

  /** Resolves when every event received so far has been processed (tests, shutdown). */
  idle(): Promise<void> {
    return this.events.idle();
  }

  /**
   * A verified v2 envelope (`raw`: its JSON text as received, kept as it is): keeps it (claimed
   * with its payload in Redis), answers, and processes it in the background. An event is answered
   * at once, a card click when the bot has its replacement card or the budget is over, whichever
   * comes first. An event that cannot be kept is not acknowledged (a card click included): this
   * throws EventNotKept (HTTP 503) and Feishu sends it again.
   */
  async receive(envelope: FeishuEnvelope, raw?: string): Promise<ImmediateAnswer> {
    const header = envelope?.header;
    if (!header?.event_id) {
      this.options.log.warn('feishu event without header ignored');
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
    const payload = raw ?? JSON.stringify(envelope);
    // Nobody handles a redelivered copy: its answer (the plain toast) goes now.
    if ((await this.events.receive(eventId, payload, { envelope, inline })) === 'duplicate') inline?.close();
    return answer;
  }

  /**
   * Renews the kept events this process is working on, then takes over those another process
   * acknowledged and died holding (see EventDedup); runs every 20 seconds while started.
   */
  sweep(): Promise<void> {
    return this.events.sweep();
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
                  toast: { type: 'success', content: inline.note ?? texts.t('channels.card_updated') },
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
   * One kept event, received here (`received`: its parsed envelope and the click's waiting answer)
   * or taken over from a process that died (parsed from its payload; nobody waits for its answer).
   * KeptEvents retries it through transient failures and settles it when this returns.
   */
  private async handleKept(payload: string, kept: { giveUp?: boolean }, received?: Received): Promise<void> {
    const envelope = received?.envelope ?? parseEnvelope(payload);
    const eventId = envelope?.header?.event_id;
    const task = envelope && eventId ? this.work(envelope, eventId, kept, received?.inline).task : undefined;
    if (!task) {
      this.options.log.error({ event: eventId }, 'feishu event given up: its payload cannot be handled');
      return;
    }
    await task();
  }
}

/** What the receiving process knows of an event besides its payload. */
type Received = { envelope: FeishuEnvelope; inline?: InlineAnswer };

function parseEnvelope(payload: string): FeishuEnvelope | undefined {
  try {
    return JSON.parse(payload) as FeishuEnvelope;
  } catch {
    return undefined;
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
    private readonly handle: (envelope: FeishuEnvelope, raw?: string) => unknown,
    logger: lark.Logger,
  ) {
    super({ logger, loggerLevel: lark.LoggerLevel.warn });
  }

  override async invoke(data: unknown): Promise<unknown> {
    return typeof data === 'string'
      ? this.handle(JSON.parse(data) as FeishuEnvelope, data)
      : this.handle(data as FeishuEnvelope);
  }
}
