// The WeChat Official Account (服务号) channel. WeChat posts each message to the callback and waits
// five seconds for the HTTP response; the answer goes in that response (a passive reply) when the
// bot has it within the inline budget, else the response is `success` and the answer follows as a
// customer-service message (客服消息) from the outbox. Those reach a follower only within 48 hours
// of their last message; outside it a notification goes as a template message where one is
// configured, and is otherwise recorded as undeliverable (outbox row failed, never retried).
// Cards become numbered text (the numbering the Wechaty channel uses); documents become links.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Inbound } from '../../bot/inbound.ts';
import { text as textOut, type Outbound } from '../../bot/outbound.ts';
import type { Texts } from '../../bot/texts.ts';
import { sendOnce } from '../send-once.ts';
import { resendCard } from '../wechat/resend-card.ts';
import { BotError } from '../../bot/errors.ts';
import { safeError } from '../../bot/safe-error.ts';
import type { Address, Channel, OnInbound } from '../channel.ts';
import type { EventDedup } from '../event-dedup.ts';
import { KeptEvents } from '../kept-events.ts';
import type { ReadStoredFile } from '../stored-file.ts';
import { splitText } from '../split-text.ts';
import { renderCardText } from '../wechat/card-text.ts';
import { parseOptionNumber } from '../../bot/option-number.ts';
import type { PendingCards, Reservation } from '../wechat/pending-cards.ts';
import { OutsideWindow } from './api-error.ts';
import { encryptMessage, messageSignature } from './callback-crypto.ts';
import { encryptedReplyXml, textReplyXml, type XmlFields } from './callback-xml.ts';
import type { CallbackVerdict } from './callback-verify.ts';
import { LINK_LIFETIME_MS, type FileLinks } from './file-link.ts';
import type { MpApi } from './mp-api.ts';
import { CHANNEL, toInbound } from './message-event.ts';
import type { MpSettings } from './settings.ts';

/** A customer-service text; long answers are cut into messages of this many characters. */
const TEXT_LIMIT = 600;
/** A passive reply's text is at most 2048 bytes (UTF-8: about 680 Chinese characters). */
const PASSIVE_MAX_BYTES = 2_048;
/** The customer-service window: 48 hours after the follower's last message. */
export const WINDOW_MS = 48 * 3_600_000;
/** How long the time of a follower's last message is remembered (to know they are outside the window). */
const SEEN_TTL_S = 30 * 86_400;
/** How long to wait for Redis to keep a callback before refusing it (503, WeChat sends it again). */
const KEEP_TIMEOUT_MS = 500;
/** Images go through the media API (临时素材 image: bmp/png/jpeg/gif, at most 10 MB). */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/bmp']);
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** A template message's `thing` field holds at most 20 characters. */
const TEMPLATE_VALUE_CHARS = 20;

export const SUCCESS = 'success';
const LATE = Symbol('late');
/**
 * The response leaves by this long after the request arrived, whatever the bot is doing: WeChat
 * counts 5 s on its side, and the network needs the rest.
 */
const RESPONSE_DEADLINE_MS = 4_300;

export type CallbackAnswer = { type: string; body: string };

type Piece = { text: string } | { image: Extract<Outbound, { kind: 'file' }> };

export type MpChannelOptions = {
  settings: MpSettings;
  api: MpApi;
  log: Logger;
  texts: Texts;
  redis: Redis;
  keyPrefix: string;
  dedup: EventDedup;
  pending: PendingCards;
  links: FileLinks | undefined;
  readFile: ReadStoredFile;
  now?: () => Date;
  /** How long a kept message goes unrenewed before another process takes it over (default 60 s). */
  takeoverAfterMs?: number;
};

export class WechatMpChannel implements Channel {
  readonly name = CHANNEL;
  private onInbound: OnInbound | undefined;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => Date;
  private readonly events: KeptEvents;
  /** Callbacks whose HTTP response waits for the bot's replies, by message id. */
  private readonly waiting = new Map<string, InlineReplies>();

  constructor(private readonly options: MpChannelOptions) {
    this.now = options.now ?? (() => new Date());
    this.events = new KeptEvents({
      channel: CHANNEL,
      dedup: options.dedup,
      log: options.log,
      handle: (payload, kept) => this.handleKept(payload, kept),
      keepTimeoutMs: KEEP_TIMEOUT_MS,
      now: this.now,
      ...(options.takeoverAfterMs ? { orphanAfterMs: options.takeoverAfterMs } : {}),
    });
  }

  async start(onInbound: OnInbound): Promise<void> {
    this.onInbound = onInbound;
    this.stopping = false;
    this.events.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.events.stop();
    await this.idle();
  }

  /** Where documents go out as links (none without WECHAT_MP_PUBLIC_URL). */
  get links(): FileLinks | undefined {
    return this.options.links;
  }

  get readFile(): ReadStoredFile {
    return this.options.readFile;
  }

  ready(): boolean {
    return this.onInbound !== undefined && !this.stopping;
  }

  /** Resolves when the background sends started so far are done (tests, shutdown). */
  async idle(): Promise<void> {
    await this.events.idle();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * A verified callback: kept in Redis with its fields (once across processes), handled, and
   * answered — with the passive reply when the bot is done within the budget, else `success` and
   * the answer follows as customer-service messages. The kept message is settled once its answer is
   * in the response or committed for the outbox; if this process dies before, another one takes it
   * over (KeptEvents) and answers by customer-service message. A redelivery is answered `success` at
   * once; a callback that cannot be kept throws EventNotKept (HTTP 503).
   */
  async receive(verdict: Extract<CallbackVerdict, { ok: true }>, arrivedAt = Date.now()): Promise<CallbackAnswer> {
    const { log } = this.options;
    const { fields } = verdict;
    const translated = toInbound(fields, (mediaId) => this.options.api.downloadMedia(mediaId), this.now());
    if ('ignored' in translated) {
      log.info({ event: translated.id, reason: translated.ignored }, 'wechat-mp callback ignored');
      return plain(SUCCESS);
    }
    const { id, openId } = translated;
    // Not awaited: a slow Redis must not hold the answer (the keep below is bounded in time).
    void this.noteSeen(openId);
    const waiter = new InlineReplies();
    // A copy arriving while the first still waits is a duplicate: the first keeps its waiter.
    if (!this.waiting.has(id)) this.waiting.set(id, waiter);
    let replies: Outbound[] | undefined;
    try {
      if ((await this.events.receive(id, JSON.stringify(fields))) === 'duplicate') return plain(SUCCESS);
      const answer = await this.withinDeadline(waiter.replies, arrivedAt);
      if (answer === LATE) {
        // The response must leave now. The bot's budget counts from when it got the message, not
        // from when the request arrived (a busy process queues it first): replies it still hands
        // back go as customer-service messages instead (handleKept sees the waiter closed).
        waiter.close();
        log.warn({ event: id, waitedMs: Date.now() - arrivedAt }, 'wechat-mp answer not ready by the deadline');
        return plain(SUCCESS);
      }
      replies = answer;
    } finally {
      waiter.close();
      if (this.waiting.get(id) === waiter) this.waiting.delete(id);
    }
    if (!replies || replies.length === 0) return plain(SUCCESS);
    try {
      return await this.passiveReply(verdict, openId, replies);
    } catch (error) {
      // Handled and saved, but the reply could not be put together (Redis lost mid-way): say so in the log.
      log.error({ err: safeError(error), event: id }, 'wechat-mp passive reply failed; the answer was not sent');
      return plain(SUCCESS);
    }
  }

  /** Takes over sweeps now (tests; `serve` sweeps on a timer). */
  sweep(): Promise<void> {
    return this.events.sweep();
  }

  /**
   * One kept message, here or taken over from a process that died: handed to the bot; its replies
   * go in the waiting response if there is one, else as customer-service messages. Returns (and the
   * message is settled) once the replies are sent, carried, or committed for the outbox.
   */
  private async handleKept(payload: string, kept: { giveUp?: boolean }): Promise<void> {
    const { log } = this.options;
    const fields = JSON.parse(payload) as XmlFields;
    const translated = toInbound(fields, (mediaId) => this.options.api.downloadMedia(mediaId), this.now());
    if ('ignored' in translated) return log.info({ event: translated.id }, 'wechat-mp kept callback ignored');
    const { id, openId, inbound } = translated;
    let continuing: Promise<unknown> | undefined;
    inbound.kept = { ...kept, continues: (handling) => (continuing = handling) };
    const replies = await this.handle(inbound);
    if (!this.waiting.get(id)?.offer(replies) && replies && replies.length > 0)
      await this.sendRest(openId, await this.render(openId, replies));
    // Past the bot's budget: its replies go to the outbox when it is done; settled only then.
    await continuing;
  }

  /** The handling's result, or LATE when the response deadline (counted from arrival) comes first. */
  private async withinDeadline<T>(handling: Promise<T>, arrivedAt: number): Promise<T | typeof LATE> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => {
      timer = setTimeout(() => resolve(LATE), Math.max(0, arrivedAt + RESPONSE_DEADLINE_MS - Date.now()));
    });
    try {
      return await Promise.race([handling, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Hands the message to the bot (a numbered reply to a card becomes its button's action). */
  private async handle(inbound: Inbound): Promise<Outbound[] | undefined> {
    if (!this.onInbound) throw new Error('wechat-mp channel not started');
    const n = inbound.text !== undefined ? parseOptionNumber(inbound.text) : undefined;
    if (n !== undefined) {
      const option = await this.options.pending.take(inbound.chat.id, inbound.actor, n, this.now());
      if (option && ('expired' in option || 'retired' in option))
        return [
          textOut(
            this.options.texts.t(
              'expired' in option ? 'channels.wechat_option_expired' : 'channels.wechat_option_retired',
            ),
          ),
        ];
      if (option && 'found' in option) {
        delete inbound.text;
        inbound.action = {
          name: option.found.action,
          value: option.found.value,
          ...(option.ref ? { cardRef: option.ref } : {}),
        };
      }
    }
    return (await this.onInbound(inbound)) ?? undefined;
  }

  /**
   * The replies in the HTTP response: as much as fits one passive text (in order); whatever does
   * not (a long batch, an image) follows at once as customer-service messages.
   */
  private async passiveReply(
    verdict: Extract<CallbackVerdict, { ok: true }>,
    openId: string,
    replies: Outbound[],
  ): Promise<CallbackAnswer> {
    const { settings } = this.options;
    const pieces = await this.render(openId, replies);
    const carried: string[] = [];
    let rest = pieces;
    while (rest.length > 0 && 'text' in rest[0]!) {
      const next = [...carried, rest[0].text].join('\n\n');
      if (Buffer.byteLength(next) > PASSIVE_MAX_BYTES) break;
      carried.push(rest[0].text);
      rest = rest.slice(1);
    }
    if (rest.length > 0) this.track(`${openId}:rest`, () => this.sendRest(openId, rest));
    if (carried.length === 0) return plain(SUCCESS);
    const createTime = Math.floor(this.now().getTime() / 1000);
    const xml = textReplyXml(openId, verdict.fields.ToUserName!, carried.join('\n\n'), createTime);
    if (!verdict.encrypted || !settings.encodingAesKey) return { type: 'application/xml; charset=utf-8', body: xml };
    const encrypted = encryptMessage(settings.encodingAesKey, xml, settings.appId);
    const timestamp = String(createTime);
    const signature = messageSignature(settings.token, timestamp, verdict.nonce, encrypted);
    return {
      type: 'application/xml; charset=utf-8',
      body: encryptedReplyXml(encrypted, signature, timestamp, verdict.nonce),
    };
  }

  /** Replies that did not fit the passive reply: sent in order, each tried a few times. */
  private async sendRest(openId: string, pieces: Piece[]): Promise<void> {
    for (const piece of pieces) {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.sendPiece(openId, piece);
          break;
        } catch (error) {
          const permanent = error instanceof OutsideWindow || (error instanceof BotError && error.permanent);
          if (permanent || attempt >= 5 || this.stopping) {
            this.options.log.error({ err: safeError(error), openId }, 'wechat-mp reply not delivered');
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
        }
      }
    }
  }

  async send(address: Address, outbound: Outbound, idempotencyKey?: string): Promise<string> {
    const openId = address.userId ?? address.chatId;
    // 客服消息 has no idempotency key: remember what was sent so a retried delivery is not doubled.
    return sendOnce(this.options.dedup, 'wechat-mp', idempotencyKey, async () => {
      const seen = await this.lastSeen(openId);
      if (seen !== undefined && this.now().getTime() - seen > WINDOW_MS)
        return await this.outsideWindow(openId, outbound, idempotencyKey, 'no message from the follower for 48 hours');
      try {
        return await this.sendNow(openId, outbound);
      } catch (error) {
        if (error instanceof OutsideWindow)
          return await this.outsideWindow(openId, outbound, idempotencyKey, error.message);
        throw error;
      }
    });
  }

  /** WeChat cannot edit a message: the changed card is sent anew and the old numbers retired. */
  update(ref: string, outbound: Outbound, address: Address, idempotencyKey?: string): Promise<string> {
    const { texts, pending, log } = this.options;
    const send = this.send.bind(this);
    return resendCard({ platform: 'wechat-mp', texts, pending, log, send }, ref, outbound, address, idempotencyKey);
  }

  /** One outbound as customer-service messages; its reference (a card's, for later updates). */
  private async sendNow(openId: string, outbound: Outbound): Promise<string> {
    const reservations: Reservation[] = [];
    const pieces = await this.render(openId, [outbound], reservations, false);
    try {
      for (const piece of pieces) await this.sendPiece(openId, piece);
    } catch (error) {
      for (const r of reservations) await this.options.pending.forget(openId, r).catch(() => undefined);
      throw error;
    }
    const card = reservations[0];
    if (!card) return `cs:${randomUUID()}`;
    const ref = `card:${card.card}`;
    await this.options.pending
      .sent(openId, card, ref)
      .catch((err: unknown) => this.options.log.warn({ err, ref }, 'wechat-mp card reference not kept'));
    return ref;
  }

  private async sendPiece(openId: string, piece: Piece): Promise<void> {
    const { api, readFile } = this.options;
    if ('text' in piece) return api.sendCustom(openId, { msgtype: 'text', text: { content: piece.text } });
    const file = await readFile(piece.image.fileId);
    if (!file)
      throw new BotError('PLATFORM_PERMANENT', `stored file ${piece.image.fileId} not found`, { permanent: true });
    const mediaId = await api.uploadImage(piece.image.name || file.name, piece.image.mime, file.data);
    await api.sendCustom(openId, { msgtype: 'image', image: { media_id: mediaId } });
  }

  /**
   * Outbounds as the texts and images WeChat can carry. Cards get their numbers here (`reservations`
   * collects them; without it — a passive reply — they are marked sent at once, as the reply is).
   */
  private async render(
    openId: string,
    outbounds: Outbound[] | undefined,
    reservations?: Reservation[],
    markSent = true,
  ): Promise<Piece[]> {
    const { texts, pending, links } = this.options;
    const pieces: Piece[] = [];
    const say = (value: string) => pieces.push(...splitText(value, TEXT_LIMIT).map((t) => ({ text: t })));
    for (const outbound of outbounds ?? []) {
      switch (outbound.kind) {
        case 'text':
          say(outbound.text);
          break;
        case 'card': {
          const numbers = await pending.reserve(openId, openId, outbound.card, this.now());
          say(renderCardText(outbound.card, texts, this.now(), numbers?.first));
          if (numbers) reservations?.push(numbers);
          if (numbers && markSent && !reservations) await pending.sent(openId, numbers, `card:${numbers.card}`);
          break;
        }
        case 'file': {
          if (outbound.caption) say(outbound.caption);
          const name = outbound.name || 'file';
          const file = IMAGE_TYPES.has(outbound.mime) ? await this.options.readFile(outbound.fileId) : undefined;
          if (file && file.data.length <= MAX_IMAGE_BYTES) pieces.push({ image: outbound });
          else if (links)
            say(
              texts.t('channels.mp_file_link', {
                name,
                url: links.url(outbound.fileId, name, this.now().getTime()),
                days: Math.round(LINK_LIFETIME_MS / 86_400_000),
              }),
            );
          else say(texts.t('channels.mp_file_unavailable', { name }));
          break;
        }
      }
    }
    return pieces;
  }

  /**
   * Outside the window: a template message where one is configured (one per outbox row, however
   * many parts the row has), else undeliverable — a permanent failure the outbox records as such.
   */
  private async outsideWindow(
    openId: string,
    outbound: Outbound,
    key: string | undefined,
    why: string,
  ): Promise<string> {
    const { settings, api, dedup, log } = this.options;
    if (!settings.templateId)
      throw new BotError(
        'PLATFORM_PERMANENT',
        `undeliverable: follower outside the 48-hour customer-service window (${why}); no template message configured (WECHAT_MP_TEMPLATE_ID)`,
        { permanent: true },
      );
    const row = key ? /^ob-([0-9a-f-]{36})/.exec(key)?.[1] : undefined;
    // The row's first part sent it; the others name the same message.
    if (row && !(await dedup.claim('wechat-mp-template', row))) return `template:row:${row}`;
    try {
      const msgId = await api.sendTemplate(openId, settings.templateId, {
        [settings.templateField]: { value: summaryOf(outbound) },
      });
      log.info({ openId, why }, 'wechat-mp notice sent as a template message (outside the customer-service window)');
      return `template:${msgId}`;
    } catch (error) {
      if (row) await dedup.release('wechat-mp-template', row).catch(() => undefined);
      if (error instanceof BotError && error.permanent)
        throw new BotError('PLATFORM_PERMANENT', `undeliverable: template message refused: ${error.message}`, {
          permanent: true,
          cause: error,
        });
      throw error;
    }
  }

  /** The follower wrote now: the window is open for 48 hours. */
  private async noteSeen(openId: string): Promise<void> {
    await this.options.redis
      .set(this.seenKey(openId), String(this.now().getTime()), 'EX', SEEN_TTL_S)
      .catch((err: unknown) => this.options.log.warn({ err: safeError(err) }, 'wechat-mp window not noted'));
  }

  private async lastSeen(openId: string): Promise<number | undefined> {
    const value = await this.options.redis.get(this.seenKey(openId)).catch(() => null);
    return value ? Number(value) : undefined;
  }

  private seenKey(openId: string): string {
    return `${this.options.keyPrefix}wechat-mp:seen:${openId}`;
  }

  private track(id: string, task: () => Promise<void>): void {
    const run = task()
      .catch((error: unknown) =>
        this.options.log.error({ err: safeError(error), id }, 'wechat-mp background send failed'),
      )
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }
}

/** The bot's replies for a callback's HTTP response, taken at most once and only while it waits. */
class InlineReplies {
  readonly replies: Promise<Outbound[] | undefined>;
  private resolve!: (replies: Outbound[] | undefined) => void;
  private open = true;

  constructor() {
    this.replies = new Promise((resolve) => (this.resolve = resolve));
  }

  /** True when the response carries them; false when it left without them. */
  offer(replies: Outbound[] | undefined): boolean {
    if (!this.open) return false;
    this.open = false;
    this.resolve(replies);
    return true;
  }

  close(): void {
    this.open = false;
  }
}

function plain(body: string): CallbackAnswer {
  return { type: 'text/plain; charset=utf-8', body };
}

/** What a template message says of an outbound: its first words, within the field's 20 characters. */
function summaryOf(outbound: Outbound): string {
  const whole =
    outbound.kind === 'text'
      ? outbound.text
      : outbound.kind === 'card'
        ? outbound.card.title
        : outbound.caption || outbound.name;
  const line =
    whole
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  const chars = [...line];
  return chars.length <= TEMPLATE_VALUE_CHARS ? line : `${chars.slice(0, TEMPLATE_VALUE_CHARS - 1).join('')}…`;
}
