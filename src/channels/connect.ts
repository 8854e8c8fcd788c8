// Where a channel's events meet the bot and the replies leave. With the outbox, `deliver` has
// nothing left to do (the bot wrote the replies in the transaction that saved the conversation);
// without Redis it sends them directly. An inline channel gets its replies back to put in the
// platform's HTTP response when they are ready within its budget.
import type { Bot } from '../bot/bot.ts';
import { answerWithin } from '../bot/inline-window.ts';
import type { Deliver } from '../delivery/direct.ts';
import { replyAddressOf, type Channel, type OnInbound } from './channel.ts';
import type { AnswerMode } from './define.ts';

export function connectChannel(channel: Channel, bot: Bot, deliver: Deliver, mode: AnswerMode = 'outbox'): OnInbound {
  if (typeof mode === 'object') return (inbound) => answerWithin(bot, inbound, mode.inline.budgetMs);
  return async (inbound) => {
    const replies = await bot.handle(inbound);
    if (replies.length > 0)
      await deliver(channel, replyAddressOf(channel, inbound), replies, `${channel.name}:${inbound.id}`);
  };
}
