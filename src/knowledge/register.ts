// The question stage: whatever no dialog or command took is answered from the corpus.
import type { Bot } from '../bot/bot.ts';

export function registerKnowledge(bot: Bot): void {
  bot.use('question', async (ctx, next) => {
    if (!ctx.text || ctx.inbound.action || ctx.inbound.file) return next();
    const result = await ctx.services.knowledge.answer(ctx.text);
    ctx.say(result.answer, result.citations);
  });
}
