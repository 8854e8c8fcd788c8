// The seam between platforms and the bot. A channel only translates: platform event → Inbound,
// Outbound → platform call. No business rule, wording or state lives in a channel.
import type { Inbound } from '../bot/inbound.ts';
import type { Outbound } from '../bot/outbound.ts';

/** An incoming file larger than this is refused before it is read into memory. */
export const MAX_INCOMING_FILE_BYTES = 50 * 1024 * 1024;

/** Where to send: a chat (p2p or group) on this channel, optionally replying to a message. */
export type Address = { chatId: string; userId?: string; replyTo?: string };

/**
 * Hands an event to the bot. For a channel that answers inline it resolves to the replies to put in
 * the platform's HTTP response (undefined: they come through the outbox instead); otherwise to nothing.
 */
export type OnInbound = (inbound: Inbound) => Promise<Outbound[] | void>;

export interface Channel {
  readonly name: string;
  start(onInbound: OnInbound): Promise<void>;
  /** Sends one message; returns the platform's reference (message id) for later updates. */
  send(address: Address, outbound: Outbound, idempotencyKey?: string): Promise<string>;
  /**
   * Replaces a sent card; `address` is where it was sent, so it stays bound to its addressee. A
   * channel that cannot edit sends the new content as a new message and returns its reference
   * (`idempotencyKey` keeps a retry from sending it twice).
   */
  update?(ref: string, outbound: Outbound, address: Address, idempotencyKey?: string): Promise<string | void>;
  /** Where replies to this inbound go (e.g. as a reply to the user's message). Default: its chat, to its actor. */
  replyAddress?(inbound: Inbound): Address;
  /** Resolves when every event received so far has been handled (tests, shutdown). */
  idle?(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Where the card a click came from sits: its chat, bound to the clicker only when the card was
 * theirs alone (a card in a group stays open to everyone there).
 */
export function clickedCardAddress(inbound: Inbound): Address {
  return { chatId: inbound.chat.id, ...(inbound.chat.kind === 'p2p' ? { userId: inbound.actor } : {}) };
}

export function replyAddressOf(channel: Channel, inbound: Inbound): Address {
  return channel.replyAddress?.(inbound) ?? { chatId: inbound.chat.id, userId: inbound.actor };
}
