// Delivery to console users: a console has no platform to push to, so messages for other console
// users (a review card for the secretariat, a notice card for a member) are handed to a sink —
// printed by `chat`, collected into mailboxes by tests.
import type { Address, Channel } from '../channel.ts';
import type { Outbound } from '../../bot/outbound.ts';

export type ConsoleSink = (userId: string, outbound: Outbound, idempotencyKey: string | undefined) => void;

export function consoleDeliveryChannel(sink: ConsoleSink): Channel {
  let counter = 0;
  return {
    name: 'console',
    async start() {},
    async send(address: Address, outbound: Outbound, idempotencyKey?: string) {
      sink(address.userId ?? address.chatId, outbound, idempotencyKey);
      counter += 1;
      return `console-${counter}`;
    },
    async stop() {},
  };
}
