// The WeChat channel through Wechaty (any puppet). Direct messages always; in rooms only when the
// bot is @-mentioned. Cards become numbered text; a numbered reply from the card's addressee becomes
// the button's action. Room chats are addressed as `room:<id>` so a reply needs no lookup.
import { randomUUID } from 'node:crypto';
import { FileBox } from 'file-box';
import type { Logger } from 'pino';
import { types, type Contact, type Message, type Room, type Wechaty } from 'wechaty';
import type { Inbound } from '../../bot/inbound.ts';
import type { Outbound } from '../../bot/outbound.ts';
import type { Texts } from '../../bot/texts.ts';
import { sendOnce } from '../send-once.ts';
import { resendCard } from './resend-card.ts';
import { BotError } from '../../bot/errors.ts';
import { MAX_INCOMING_FILE_BYTES, type Address, type Channel, type OnInbound } from '../channel.ts';
import type { EventDedup } from '../event-dedup.ts';
import type { ReadStoredFile } from '../stored-file.ts';
import { mimeOfName } from '../mime.ts';
import { splitText } from '../split-text.ts';
import { renderCardText } from './card-text.ts';
import { parseOptionNumber } from '../../bot/option-number.ts';
import type { PendingCards } from './pending-cards.ts';

/** WeChat cuts long texts around 2,000 characters; shorter parts also read better on a phone. */
const TEXT_LIMIT = 1_500;
/** Puppets may replay history after a login; older messages were meant for a bot that was not there. */
const MAX_AGE_SECONDS = 10 * 60;
const ROOM = 'room:';

export type WechatChannelOptions = {
  wechaty: Wechaty;
  log: Logger;
  texts: Texts;
  dedup: EventDedup;
  pending: PendingCards;
  readFile: ReadStoredFile;
  now?: () => Date;
};

export class WechatChannel implements Channel {
  readonly name = 'wechat';
  private onInbound: OnInbound | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => Date;

  constructor(private readonly options: WechatChannelOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async start(onInbound: OnInbound): Promise<void> {
    this.onInbound = onInbound;
    const { wechaty, log } = this.options;
    wechaty.on('message', (message) => this.track(message.id, () => this.receive(message)));
    wechaty.on('error', (error) => log.warn({ err: (error as Error).message }, 'wechaty error'));
    await wechaty.start();
  }

  async stop(): Promise<void> {
    await this.idle();
    await this.options.wechaty.stop();
  }

  /** Resolves when every message received so far has been processed. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async send(address: Address, outbound: Outbound, idempotencyKey?: string): Promise<string> {
    const { dedup, texts, pending, readFile } = this.options;
    // WeChat has no idempotency key: remember what was sent so a retried delivery is not doubled.
    return sendOnce(dedup, 'wechat', idempotencyKey, async () => {
      const target = await this.conversation(address);
      switch (outbound.kind) {
        case 'text': {
          let ref = '';
          for (const part of splitText(outbound.text, TEXT_LIMIT)) ref = await target.say(part);
          return ref;
        }
        case 'card': {
          const numbers = await pending.reserve(address.chatId, address.userId, outbound.card, this.now());
          let ref: string;
          try {
            // Some puppets do not say which message they sent: the card still needs a reference,
            // which later updates name (they retire its numbers by it).
            ref =
              (await target.say(renderCardText(outbound.card, texts, this.now(), numbers?.first))) ||
              `card:${numbers?.card ?? randomUUID()}`;
          } catch (error) {
            if (numbers) await pending.forget(address.chatId, numbers).catch(() => undefined);
            throw error;
          }
          // The card is out: failing to note its message id must not make a retry send it again.
          if (numbers)
            await pending
              .sent(address.chatId, numbers, ref)
              .catch((err: unknown) => this.options.log.warn({ err, ref }, 'wechat card reference not kept'));
          return ref;
        }
        case 'file': {
          const file = await readFile(outbound.fileId);
          if (!file)
            throw new BotError('PLATFORM_PERMANENT', `stored file ${outbound.fileId} not found`, { permanent: true });
          // Base64 rather than a Buffer box: it serialises, which remote (service) puppets need.
          const ref = await target.sayFile(
            FileBox.fromBase64(file.data.toString('base64'), outbound.name || file.name),
          );
          if (outbound.caption) await target.say(outbound.caption);
          return ref;
        }
      }
    });
  }

  /** WeChat cannot edit a message: the changed card is sent anew and the old numbers retired. */
  update(ref: string, outbound: Outbound, address: Address, idempotencyKey?: string): Promise<string> {
    const { texts, pending, log } = this.options;
    const send = this.send.bind(this);
    return resendCard({ platform: 'wechat', texts, pending, log, send }, ref, outbound, address, idempotencyKey);
  }

  private async conversation(
    address: Address,
  ): Promise<{ say(text: string): Promise<string>; sayFile(file: FileBox): Promise<string> }> {
    const { wechaty } = this.options;
    const idOf = (m: void | Message) => (m ? m.id : '');
    if (address.chatId.startsWith(ROOM)) {
      const room = await wechaty.Room.find({ id: address.chatId.slice(ROOM.length) });
      if (!room)
        throw new BotError('PLATFORM_PERMANENT', `wechat room ${address.chatId} not found`, { permanent: true });
      // In a room, @ the person the answer is for.
      const asker = address.userId ? await wechaty.Contact.find({ id: address.userId }) : undefined;
      return {
        say: async (text) => idOf(asker ? await room.say(text, asker) : await room.say(text)),
        sayFile: async (file) => idOf(await room.say(file)),
      };
    }
    const contact = await wechaty.Contact.find({ id: address.chatId });
    if (!contact)
      throw new BotError('PLATFORM_PERMANENT', `wechat contact ${address.chatId} not found`, { permanent: true });
    return {
      say: async (text) => idOf(await contact.say(text)),
      sayFile: async (file) => idOf(await contact.say(file)),
    };
  }

  private async receive(message: Message): Promise<void> {
    const { log, dedup } = this.options;
    if (message.self()) return;
    if (message.age() > MAX_AGE_SECONDS) return log.debug({ id: message.id }, 'old wechat message ignored');
    const room = message.room();
    if (room && !(await message.mentionSelf())) return;
    const kind = message.type();
    if (kind !== types.Message.Text && kind !== types.Message.Image && kind !== types.Message.Attachment) return;
    if (!(await dedup.claim('wechat', message.id).catch(() => true)))
      return log.info({ id: message.id }, 'wechat message redelivered, ignored');

    const talker = message.talker();
    const inbound: Inbound = {
      id: message.id,
      channel: 'wechat',
      actor: talker.id,
      actorName: talker.name(),
      chat: room ? { id: ROOM + room.id, kind: 'group' } : { id: talker.id, kind: 'p2p' },
      receivedAt: this.now(),
    };
    if (kind === types.Message.Text) {
      inbound.text = (room ? await message.mentionText() : message.text()).trim();
      const answered = await this.numberedReply(inbound, room, talker);
      if (answered === 'handled') return;
    } else {
      const box = await message.toFileBox();
      inbound.file = {
        name: box.name,
        mime: box.mediaType && box.mediaType !== 'application/octet-stream' ? box.mediaType : mimeOfName(box.name),
        fetch: async () => {
          // Puppets hand over the whole file; refuse one too large to hold before and after reading.
          if (box.size > MAX_INCOMING_FILE_BYTES) throw new Error(`wechat file too large: ${box.size} bytes`);
          const data = await box.toBuffer();
          if (data.length > MAX_INCOMING_FILE_BYTES) throw new Error(`wechat file too large: ${data.length} bytes`);
          return data;
        },
      };
    }
    await this.deliverInbound(inbound);
  }

  /** Turns "1" into the action of option 1 of the card this user may answer here. */
  private async numberedReply(inbound: Inbound, room: Room | undefined, talker: Contact): Promise<'handled' | 'text'> {
    const n = parseOptionNumber(inbound.text ?? '');
    if (n === undefined) return 'text';
    const option = await this.options.pending.take(inbound.chat.id, inbound.actor, n, this.now());
    if (!option) return 'text';
    if ('expired' in option || 'retired' in option) {
      const text = this.options.texts.t(
        'expired' in option ? 'channels.wechat_option_expired' : 'channels.wechat_option_retired',
      );
      await (room ? room.say(text, talker) : talker.say(text));
      return 'handled';
    }
    delete inbound.text;
    inbound.action = {
      name: option.found.action,
      value: option.found.value,
      ...(option.ref ? { cardRef: option.ref } : {}),
    };
    return 'text';
  }

  private async deliverInbound(inbound: Inbound): Promise<void> {
    if (!this.onInbound) throw new Error('wechat channel not started');
    await this.onInbound(inbound);
  }

  private track(id: string, task: () => Promise<void>): void {
    const run = task()
      .catch((error: unknown) => this.options.log.error({ err: error, id }, 'wechat message processing failed'))
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }
}
