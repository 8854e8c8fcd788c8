// Commands every user has at any step: 帮助 and a greeting; and a bare option number no card took.
import type { Bot } from './bot.ts';
import { parseOptionNumber } from './option-number.ts';

const HELP = /^(帮助|help|\?|？|菜单|功能|你能做什么|你会什么|怎么用)[。!！?？]*$/i;
const GREETING = /^(你好|您好|hi|hello|嗨|在吗|在不在|哈喽|开始|start)[啊呀吗？?!！。～~]*$/i;

export function registerCommands(bot: Bot): void {
  bot.use('command', (ctx, next) => {
    if (HELP.test(ctx.text)) return ctx.say(ctx.t('bot.help'));
    if (GREETING.test(ctx.text)) return ctx.say(ctx.t('bot.welcome'));
    return next();
  });
  // A card's numbered reply reaches here only when no open card answers it (answered, replaced,
  // expired or not this person's): no question, said so. Modules with more to say come first.
  bot.use('question', (ctx, next) => {
    const n = ctx.inbound.action || ctx.inbound.file ? undefined : parseOptionNumber(ctx.text);
    return n === undefined ? next() : ctx.say(ctx.t('bot.stray_number', { n }));
  });
}
