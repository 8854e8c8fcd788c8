// The question stage: whatever no dialog or command took is answered from the corpus. A question
// the bot refuses is recorded for the secretariat (learned.ts), who list them with 「待答问题」.
import type { Bot } from '../bot/bot.ts';
import type { Context } from '../bot/context.ts';
import type { Answer } from './answer.ts';
import { normalizeInput } from '../bot/normalize-input.ts';
import type { Knowledge } from './knowledge.ts';
import { recordUnplaced, type LearnedQuestions } from './learned.ts';
import { registerLearnedCommands } from './learned-commands.ts';

/** Answers the message and records it when it could not be answered; the dialog uses it too. */
export async function answerAndRecord(ctx: Context, question = ctx.text): Promise<Answer> {
  const result = await ctx.services.knowledge.answer(question);
  if ((result.refused && result.mode === 'refused' && !result.instruction) || result.weak)
    await recordUnplaced(
      ctx.services.db.prisma,
      result.refused ? 'question_refused' : 'question_weak',
      question,
      ctx.inbound.channel,
    );
  return result;
}

export function registerKnowledge(
  bot: Bot,
  learned?: { questions: LearnedQuestions; sections: Pick<Knowledge, 'sectionFor'> },
): void {
  if (learned) registerLearnedCommands(bot, learned.questions, learned.sections);
  bot.use('question', async (ctx, next) => {
    if (!ctx.text || ctx.inbound.action || ctx.inbound.file) return next();
    const result = await answerAndRecord(ctx, normalizeInput(ctx.text));
    ctx.say(result.answer, result.citations);
  });
}
