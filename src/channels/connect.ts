// Where a channel's events meet the bot and the replies leave: the one seam the outbox (issue 6)
// replaces — swap `deliver` for the outbox writer and nothing else changes.
import type { Bot } from '../bot/bot.ts';
import type { Deliver } from '../delivery/direct.ts';
import { replyAddressOf, type Channel, type OnInbound } from './channel.ts';

export function connectChannel(channel: Channel, bot: Bot, deliver: Deliver): OnInbound {
  return async (inbound) => {
    const replies = await bot.handle(inbound);
    if (replies.length > 0)
      await deliver(channel, replyAddressOf(channel, inbound), replies, `${channel.name}:${inbound.id}`);
  };
}
