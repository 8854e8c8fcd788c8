// Sends a batch of replies straight from the process that handled the event: in order per chat,
// retrying transient failures with backoff and waiting out the platform's rate-limit answers.
// Stand-in until the transactional outbox + BullMQ `deliver` queue (issue 6) takes over.
import type { Logger } from 'pino';
import type { Outbound } from '../bot/outbound.ts';
import { BotError } from '../bot/errors.ts';
import { KeyedQueue } from '../bot/conversation.ts';
import type { Address, Channel } from '../channels/channel.ts';

export type Deliver = (channel: Channel, address: Address, replies: Outbound[], key: string) => Promise<void>;

export type DirectDeliveryOptions = {
  log: Logger;
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
};

export class DirectDelivery {
  private readonly chats = new KeyedQueue();
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: DirectDeliveryOptions) {
    this.attempts = options.attempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  readonly deliver: Deliver = (channel, address, replies, key) =>
    this.chats.run(`${channel.name}:${address.chatId}`, async () => {
      for (const [i, reply] of replies.entries()) await this.sendOne(channel, address, reply, `${key}:${i}`);
    });

  private async sendOne(channel: Channel, address: Address, reply: Outbound, key: string): Promise<void> {
    const { log } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await channel.send(address, reply, key);
        return;
      } catch (error) {
        const e =
          error instanceof BotError ? error : new BotError('PLATFORM_TRANSIENT', String(error), { cause: error });
        if (e.permanent || attempt >= this.attempts) {
          log.error(
            { err: e.message, code: e.code, channel: channel.name, chat: address.chatId, key, attempt },
            'reply not delivered',
          );
          return;
        }
        const wait =
          e.code === 'PLATFORM_RATE_LIMITED'
            ? (e.retryAfterMs ?? this.baseDelayMs)
            : Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
        log.warn(
          { code: e.code, channel: channel.name, key, attempt, waitMs: Math.round(wait) },
          'send failed, retrying',
        );
        await this.sleep(wait);
      }
    }
  }
}
