// The WeCom (企业微信) self-built app channel. Callbacks arrive through routes.ts (verified and
// decrypted there), are kept and acknowledged empty at once, and handled in the background (see
// kept-events.ts); replies go out through the outbox as message/send calls. Cards are
// `template_card`s whose clicks come back as `template_card_event`s and are changed with
// update_template_card and the card's latest single-use response_code.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Inbound } from '../../bot/inbound.ts';
import type { Card, Outbound } from '../../bot/outbound.ts';
import type { Texts } from '../../bot/texts.ts';
import { BotError } from '../../bot/errors.ts';
import { safeError } from '../../bot/safe-error.ts';
import type { Address, Channel, OnInbound } from '../channel.ts';
import type { EventDedup } from '../event-dedup.ts';
import type { ReadStoredFile } from '../stored-file.ts';
import { splitText } from '../split-text.ts';
import { callbackToInbound, eventIdOf } from './callback-event.ts';
import { CardCodes } from './card-codes.ts';
import { renderCard } from './card-render.ts';
import { KeptEvents } from '../kept-events.ts';
import type { WecomSettings } from './settings.ts';
import { WecomApi } from './wecom-api.ts';
import { parseXml, type XmlFields } from './xml.ts';

/** WeCom takes 2,048 bytes of text; 600 characters of Chinese (3 bytes each) stay under it. */
const TEXT_LIMIT = 600;
/** Redis must keep an event within this, or WeCom gets 503 and sends it again (it waits 5 s). */
const KEEP_TIMEOUT_MS = 3_000;
const ZWSP = '\u200B';

export type WecomChannelOptions = {
  settings: WecomSettings;
  log: Logger;
  texts: Texts;
  dedup: EventDedup;
  redis: Redis;
  keyPrefix: string;
  readFile: ReadStoredFile;
  now?: () => Date;
  concurrency?: number;
  retryForMs?: number;
};

export class WecomChannel implements Channel {
  readonly name = 'wecom';
  readonly api: WecomApi;
  private onInbound: OnInbound | undefined;
  private readonly events: KeptEvents;
  private readonly codes: CardCodes;
  private readonly now: () => Date;

  constructor(private readonly options: WecomChannelOptions) {
    this.now = options.now ?? (() => new Date());
    this.api = new WecomApi(options.settings, options.redis, options.keyPrefix, options.log);
    this.codes = new CardCodes(options.redis, options.keyPrefix, this.now);
    this.events = new KeptEvents({
      channel: 'wecom',
      dedup: options.dedup,
      log: options.log,
      handle: (payload, kept) => this.handle(payload, kept),
      keepTimeoutMs: KEEP_TIMEOUT_MS,
      now: this.now,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.retryForMs ? { retryForMs: options.retryForMs } : {}),
    });
  }

  async start(onInbound: OnInbound): Promise<void> {
    this.onInbound = onInbound;
    this.events.start();
  }

  async stop(): Promise<void> {
    await this.events.stop();
  }

  idle(): Promise<void> {
    return this.events.idle();
  }

  /** Readiness: started and not stopping. */
  ready(): boolean {
    return this.onInbound !== undefined && !this.events.stopping;
  }

  /**
   * A verified, decrypted callback: kept (or recognised as a redelivery) before the route answers.
   * Throws EventNotKept when Redis cannot keep it in time.
   */
  async receive(message: string, fields: XmlFields): Promise<void> {
    const id = eventIdOf(fields);
    if (!id) {
      this.options.log.info({ type: fields.MsgType, event: fields.Event }, 'wecom callback without an id ignored');
      return;
    }
    await this.events.receive(id, message);
  }

  private async handle(payload: string, kept: { giveUp?: boolean }): Promise<void> {
    const { log } = this.options;
    const parsed = parseXml(payload);
    const id = parsed.ok ? eventIdOf(parsed.fields) : undefined;
    if (!parsed.ok || !id) return log.error('wecom kept event unreadable, dropped');
    const result = callbackToInbound(id, parsed.fields, {
      download: (mediaId) => this.api.getMedia(mediaId),
      receivedAt: this.now(),
      agentId: this.options.settings.agentId,
    });
    if ('ignored' in result) return log.debug({ event: id, reason: result.ignored }, 'wecom callback ignored');
    if ('refused' in result) {
      log.warn({ event: id, reason: result.refused, detail: result.detail }, 'wecom card click refused');
      const key = { not_addressee: 'card_not_for_you', expired: 'card_expired', malformed: 'card_invalid' }[
        result.refused
      ];
      // The click's only answer (WeCom shows no toast): a short note to the clicker, best effort.
      await this.sendText(result.actor, this.options.texts.t(`channels.${key}`)).catch((error: unknown) =>
        log.warn({ err: safeError(error), event: id }, 'wecom refusal note not sent'),
      );
      return;
    }
    if (result.taskId && result.responseCode) await this.codes.put(result.taskId, result.responseCode);
    if (!this.onInbound) throw new Error('wecom channel not started');
    await this.onInbound({ ...result.inbound, kept });
  }

  replyAddress(inbound: Inbound): Address {
    return { chatId: inbound.chat.id, userId: inbound.actor };
  }

  /**
   * Sends one outbound. WeCom has no idempotency key, so each message sent under `idempotencyKey`
   * is remembered in Redis for a day: a retry (say, after the "delivered" mark failed) skips the
   * parts already out. A connection cut after WeCom took a message can still repeat that one.
   */
  async send(address: Address, outbound: Outbound, idempotencyKey?: string): Promise<string> {
    const touser = address.userId ?? address.chatId;
    let part = 0;
    const once = (send: () => Promise<string>) => this.once(idempotencyKey, part++, send);
    switch (outbound.kind) {
      case 'text': {
        let ref = '';
        for (const text of splitText(outbound.text, TEXT_LIMIT)) ref = await once(() => this.sendText(touser, text));
        return ref;
      }
      case 'card':
        return this.sendCard(touser, outbound.card, address.userId, once);
      case 'file': {
        const ref = await once(async () => {
          const file = await this.options.readFile(outbound.fileId);
          if (!file)
            throw new BotError('PLATFORM_PERMANENT', `stored file ${outbound.fileId} not found`, { permanent: true });
          const mediaId = await this.api.uploadMedia(outbound.name || file.name, file.data);
          const sent = await this.api.sendMessage({ touser, msgtype: 'file', file: { media_id: mediaId } });
          return sent.msgid ?? '';
        });
        const caption = outbound.caption;
        if (caption) await once(() => this.sendText(touser, caption));
        return ref;
      }
    }
  }

  private async once(key: string | undefined, part: number, send: () => Promise<string>): Promise<string> {
    if (!key) return send();
    const { redis, keyPrefix } = this.options;
    const sentKey = `${keyPrefix}wecom:sent:${key}#${part}`;
    const before = await redis.get(sentKey);
    if (before !== null) return before;
    const ref = await send();
    await redis.set(sentKey, ref, 'EX', 86_400).catch(() => undefined);
    return ref;
  }

  /**
   * Changes a sent card (`ref` is its task_id) with its newest unused response_code; one WeCom
   * refuses (used after all, say by another process, or expired early) is dropped and the next one
   * tried. Without any (all used, or older than 72 hours) the new card is sent as a new message,
   * whose task_id is returned.
   */
  async update(ref: string, outbound: Outbound, address: Address): Promise<string | void> {
    if (outbound.kind !== 'card')
      throw new BotError('PLATFORM_PERMANENT', 'only cards can be updated on WeCom', { permanent: true });
    const touser = address.userId ?? address.chatId;
    const { templateCard } = renderCard(outbound.card, ref, this.renderOptions(address.userId));
    for (let taken = await this.codes.take(ref); taken; taken = await this.codes.take(ref)) {
      try {
        await this.api.updateTemplateCard({
          userids: [touser],
          response_code: taken.code,
          template_card: templateCard,
        });
        return ref;
      } catch (error) {
        if (!(error instanceof BotError && error.permanent)) {
          // Not used after all: keep it for the retry.
          await this.codes.put(ref, taken.code, taken.issuedAt).catch(() => undefined);
          throw error;
        }
        this.options.log.info({ ref, reason: error.message }, 'wecom response_code refused; trying the next');
      }
    }
    this.options.log.info({ ref }, 'wecom card has no usable response_code; sending it anew');
    return this.sendCard(touser, outbound.card, address.userId);
  }

  private async sendCard(
    touser: string,
    card: Card,
    addressee: string | undefined,
    once: (send: () => Promise<string>) => Promise<string> = (send) => send(),
  ): Promise<string> {
    const taskId = `c${Date.now().toString(36)}${randomBytes(9).toString('hex')}`;
    const { templateCard, overflow } = renderCard(card, taskId, this.renderOptions(addressee));
    if (overflow) for (const text of splitText(overflow, TEXT_LIMIT)) await once(() => this.sendText(touser, text));
    return once(async () => {
      const sent = await this.api.sendMessage({ touser, msgtype: 'template_card', template_card: templateCard });
      if (sent.response_code) await this.codes.put(taskId, sent.response_code);
      return taskId;
    });
  }

  private renderOptions(addressee: string | undefined) {
    return { texts: this.options.texts, ...(addressee ? { addressee } : {}) };
  }

  private async sendText(touser: string, text: string): Promise<string> {
    // WeCom renders <a href> in text messages: nothing a user typed may turn into a link.
    const content = text.replaceAll('<', `<${ZWSP}`);
    const sent = await this.api.sendMessage({ touser, msgtype: 'text', text: { content } });
    return sent.msgid ?? '';
  }
}
