// What a channel hands the bot: one platform event, translated. No platform types leak past here.
import type { Card } from './outbound.ts';

export type ChatKind = 'p2p' | 'group';

/** A file the user sent; the bytes are fetched on demand (Feishu needs a resource download). */
export type InboundFile = {
  name: string;
  mime: string;
  size?: number;
  fetch(): Promise<Buffer>;
};

/**
 * A click the platform lets the bot answer inside its callback response (Feishu, within 3 s): the
 * replacement for the clicked card goes there when it is ready in time.
 */
export interface InlineCardAnswer {
  /**
   * Takes the replacement card, and with it a short note on what the click did where the platform
   * shows one (`showsNote`); false once the platform's answer has gone out without it.
   */
  offer(card: Card, note?: string): boolean;
  /** Whether the answer shows the note beside the card (Feishu's toast); if not, it is sent as text. */
  readonly showsNote?: boolean;
}

export type InboundAction = {
  /** e.g. `review.approve`, `vote.cast` */
  name: string;
  value: Record<string, string>;
  /** The card (outbox/message ref) the click came from, when the platform tells us. */
  cardRef?: string;
  /** Present while the platform still waits for an answer to this click. */
  inline?: InlineCardAnswer;
};

export type Inbound = {
  /** Platform message/event id: the dedup key. */
  id: string;
  channel: string;
  /** Platform user id of who sent or clicked (never taken from message content). */
  actor: string;
  actorName?: string;
  chat: { id: string; kind: ChatKind };
  text?: string;
  action?: InboundAction;
  file?: InboundFile;
  receivedAt: Date;
  /**
   * Set by a channel that keeps the event until it is settled and tries it again later (Feishu):
   * a transient failure is then thrown to it (RetryLater) instead of answered with the apology;
   * `giveUp` (a poison event, tried too often) asks for the apology alone. An inline answer whose
   * deadline passed goes on handling after the answer left: `continues` gets that handling, so the
   * channel settles the event only once its replies are committed (or retries it if it fails).
   */
  kept?: { giveUp?: boolean; continues?: (handling: Promise<unknown>) => void };
};

/** One id form everywhere: `feishu:ou_xxx`, `wechat:wxid_xxx`, `console:alice`. */
export function userKey(channel: string, userId: string): string {
  return `${channel}:${userId}`;
}
