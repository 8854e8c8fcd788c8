// The membership module: secretariat roles, the member list, 群发通知, and (review.ts, notice.ts,
// withdrawal.ts) the charter's membership process.
import type { Bot } from '../bot/bot.ts';
import type { Context } from '../bot/context.ts';
import { registerBroadcastDialog, showBroadcastStatus, type Broadcasts } from './broadcast-dialog.ts';
import { changeRole, listMembers, listSecretariat, openDashboard } from './secretariat-commands.ts';
import { MembershipProcess } from './process-handlers.ts';
import { remindCongress } from './congress-reminder.ts';
import { isHelp, isResume, isStatus } from '../application/intents.ts';

type Command = { pattern: RegExp; run: (ctx: Context, match: RegExpExecArray) => Promise<void> };

const commandsOf = (process: () => MembershipProcess, broadcasts: Broadcasts): Command[] => [
  { pattern: /^(我要|申请|我们要|本单位)?(申请)?退出联盟$/, run: (ctx) => process().startWithdrawal(ctx) },
  { pattern: /^(添加|增加|新增)秘书处(成员)?\s*(\S+)$/, run: (ctx, m) => changeRole(ctx, 'grant', m[3]!) },
  { pattern: /^(移除|移出|删除|撤销)秘书处(成员)?\s*(\S+)$/, run: (ctx, m) => changeRole(ctx, 'revoke', m[3]!) },
  { pattern: /^秘书处(名单|成员|账号)$/, run: (ctx) => listSecretariat(ctx) },
  { pattern: /^((联盟)?成员(单位)?名单|members list)$/i, run: (ctx) => listMembers(ctx) },
  { pattern: /^群发(通知)?$/, run: (ctx) => broadcasts.start(ctx) },
  { pattern: /^群发状态\s*(\S+)$/, run: (ctx, m) => showBroadcastStatus(ctx, m[1]!) },
  { pattern: /^(打开|进入|登录)?(管理)?后台(登录)?$/, run: (ctx) => openDashboard(ctx) },
];

export function registerMembership(bot: Bot): MembershipProcess {
  const { services } = bot;
  const broadcasts = registerBroadcastDialog(bot);
  // The commands and the reason dialog refer to each other: a command is not a reason.
  const commands = commandsOf(() => process, broadcasts);
  const process = new MembershipProcess(bot, (text) => isCommand(commands, text));

  bot.use('command', async (ctx, next) => {
    if (!ctx.text || ctx.inbound.file) return next();
    const text = ctx.text.replace(/(?<![。.!！])[。.!！]+$/, '').trim();
    for (const command of commands) {
      const match = command.pattern.exec(text);
      if (match) return command.run(ctx, match);
    }
    return next();
  });

  // Timers and pollers run in whichever process runs them (serve, worker, chat; in process without
  // Redis). Each open row's timer is re-created by the reconcile step.
  const timers = services.delivery?.scheduler;
  if (timers) {
    timers.on('notice.end', async (data) => void (await process.notices.end(data.notice ?? '')));
    timers.on('review.remind', (data) => process.review.remind(data.application ?? '', data.case));
    timers.on('congress.reminder', () => remindCongress(services));
    timers.onReconcile(async (t) => {
      await process.notices.reconcile();
      await process.review.reconcile();
      await t.every('congress.reminder', services.config.congressReminderCron);
    });
  }
  services.delivery?.addPoller(() => process.review.sweep());
  return process;
}

/** A command, help, status or resume words as the whole message: not a reason for a decision. */
function isCommand(commands: Command[], raw: string): boolean {
  const text = raw.trim();
  const bare = text.replace(/[\s！!。.]+/g, '');
  return (
    commands.some((c) => c.pattern.test(text) || c.pattern.test(bare)) ||
    isHelp(text) ||
    // The status words as the whole message, not a reason that mentions "申请编号".
    (isStatus(text) && bare.length <= 8) ||
    isResume(text)
  );
}
