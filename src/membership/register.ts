// The membership module: secretariat roles, the member list, 群发通知, and (review.ts, notice.ts,
// withdrawal.ts) the charter's membership process.
import type { Bot } from '../bot/bot.ts';
import type { Context } from '../bot/context.ts';
import { BROADCAST_DIALOG, continueBroadcast, showBroadcastStatus, startBroadcast } from './broadcast-dialog.ts';
import { changeRole, listMembers, listSecretariat } from './secretariat-commands.ts';

type Command = { pattern: RegExp; run: (ctx: Context, match: RegExpExecArray) => Promise<void> };

const commands: Command[] = [
  { pattern: /^(添加|增加|新增)秘书处(成员)?\s*(\S+)$/, run: (ctx, m) => changeRole(ctx, 'grant', m[3]!) },
  { pattern: /^(移除|删除|撤销)秘书处(成员)?\s*(\S+)$/, run: (ctx, m) => changeRole(ctx, 'revoke', m[3]!) },
  { pattern: /^秘书处(名单|成员|账号)$/, run: (ctx) => listSecretariat(ctx) },
  { pattern: /^((联盟)?成员(单位)?名单|members list)$/i, run: (ctx) => listMembers(ctx) },
  { pattern: /^群发(通知)?$/, run: (ctx) => startBroadcast(ctx) },
  { pattern: /^群发状态\s*(\S+)$/, run: (ctx, m) => showBroadcastStatus(ctx, m[1]!) },
];

export function registerMembership(bot: Bot): void {
  bot.use('dialog', async (ctx, next) => {
    if (ctx.session.dialog?.name !== BROADCAST_DIALOG || ctx.inbound.action) return next();
    await continueBroadcast(ctx);
  });

  bot.use('command', async (ctx, next) => {
    if (!ctx.text || ctx.inbound.file) return next();
    const text = ctx.text.replace(/[。.!！]+$/, '').trim();
    for (const command of commands) {
      const match = command.pattern.exec(text);
      if (match) return command.run(ctx, match);
    }
    return next();
  });
}
