// What a channel hands the bot: one platform event, translated. No platform types leak past here.

export type ChatKind = 'p2p' | 'group';

/** A file the user sent; the bytes are fetched on demand (Feishu needs a resource download). */
export type InboundFile = {
  name: string;
  mime: string;
  size?: number;
  fetch(): Promise<Buffer>;
};

export type InboundAction = {
  /** e.g. `review.approve`, `vote.cast` */
  name: string;
  value: Record<string, string>;
  /** The card (outbox/message ref) the click came from, when the platform tells us. */
  cardRef?: string;
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
   * `giveUp` (a poison event, tried too often) asks for the apology alone.
   */
  kept?: { giveUp?: boolean };
};

/** One id form everywhere: `feishu:ou_xxx`, `wechat:wxid_xxx`, `console:alice`. */
export function userKey(channel: string, userId: string): string {
  return `${channel}:${userId}`;
}
