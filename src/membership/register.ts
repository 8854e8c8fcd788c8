// The membership module: secretariat roles, the member list, 群发通知, and (review.ts, notice.ts,
// withdrawal.ts) the charter's membership process.
import type { Bot } from '../bot/bot.ts';
import type { Context } from '../bot/context.ts';
import { BROADCAST_DIALOG, continueBroadcast, showBroadcastStatus, startBroadcast } from './broadcast-dialog.ts';
import { changeRole, listMembers, listSecretariat } from './secretariat-commands.ts';
import { MembershipProcess, REASON_DIALOG } from './process-handlers.ts';
import { remindCongress } from './congress-reminder.ts';
import { DIALOG_NAME as APPLICATION_DIALOG } from '../application/dialog.ts';
import { isHelp, isResume, isStatus } from '../application/intents.ts';

/** How long a reason prompt ("请输入不予通过的原因") waits for its answer. */
const REASON_PROMPT_MS = 30 * 60_000;

type Command = { pattern: RegExp; run: (ctx: Context, match: RegExpExecArray) => Promise<void> };

const commandsOf = (process: MembershipProcess): Command[] => [
  { pattern: /^(我要|申请|我们要|本单位)?(申请)?退出联盟$/, run: (ctx) => process.startWithdrawal(ctx) },
  { pattern: /^(添加|增加|新增)秘书处(成员)?\s*(\S+)$/, run: (ctx, m) => changeRole(ctx, 'grant', m[3]!) },
  { pattern: /^(移除|移出|删除|撤销)秘书处(成员)?\s*(\S+)$/, run: (ctx, m) => changeRole(ctx, 'revoke', m[3]!) },
  { pattern: /^秘书处(名单|成员|账号)$/, run: (ctx) => listSecretariat(ctx) },
  { pattern: /^((联盟)?成员(单位)?名单|members list)$/i, run: (ctx) => listMembers(ctx) },
  { pattern: /^群发(通知)?$/, run: (ctx) => startBroadcast(ctx) },
  { pattern: /^群发状态\s*(\S+)$/, run: (ctx, m) => showBroadcastStatus(ctx, m[1]!) },
];

export function registerMembership(bot: Bot): MembershipProcess {
  const { services } = bot;
  const process = new MembershipProcess(services);
  const commands = commandsOf(process);

  bot.use('action', async (ctx, next) => {
    if (await process.action(ctx)) return;
    return next();
  });

  bot.use('dialog', async (ctx, next) => {
    const dialog = ctx.session.dialog;
    if (dialog?.name !== REASON_DIALOG || ctx.inbound.action) return next();
    // A reason prompt left open is over after a while: the message is taken as what it is.
    if (services.now().getTime() - Date.parse(dialog.startedAt) > REASON_PROMPT_MS) {
      ctx.session.dialog = undefined;
      return next();
    }
    // A command is not a reason: "帮助" must not become why an application was rejected.
    const text = ctx.text.trim();
    const bare = text.replace(/[\s！!。.]+/g, '');
    if (
      commands.some((c) => c.pattern.test(text) || c.pattern.test(bare)) ||
      isHelp(text) ||
      // The status words as the whole message, not a reason that mentions "申请编号".
      (isStatus(text) && bare.length <= 8) ||
      isResume(text)
    )
      return ctx.say(ctx.t('membership.reason_is_command', { text }));
    await process.reason(ctx);
  });

  // The application dialog waits for the stamped scan after submission. Once the review has decided
  // (returned to a draft, rejected, in 公示…), that wait is over: "继续申请" must reach the
  // amended draft, "成员名单" the list. A scan sent later is still taken outside the dialog.
  bot.use('dialog', async (ctx, next) => {
    const dialog = ctx.session.dialog;
    if (dialog?.name === APPLICATION_DIALOG && (dialog.data as { step?: string }).step === 'scan') {
      const id = (dialog.data as { applicationId?: string }).applicationId ?? '';
      const app = await services.db.prisma.application.findUnique({ where: { id }, select: { status: true } });
      if (app && app.status !== 'submitted' && app.status !== 'cancelled') delete ctx.session.dialog;
    }
    return next();
  });

  bot.use('dialog', async (ctx, next) => {
    if (ctx.session.dialog?.name !== BROADCAST_DIALOG || ctx.inbound.action) return next();
    await continueBroadcast(ctx);
  });

  bot.use('command', async (ctx, next) => {
    if (!ctx.text || ctx.inbound.file) return next();
    const text = ctx.text.replace(/(?<![。.!！])[。.!！]+$/, '').trim();
    for (const command of commands) {
      const match = command.pattern.exec(text);
      if (match) return command.run(ctx, match);
    }
    return next();
  });

  // Timers and pollers run in whichever process runs the timers worker (serve, worker, chat).
  const timers = services.delivery?.timers;
  if (timers) {
    timers.on('notice.end', async (data) => void (await process.notices.end(data.notice ?? '')));
    timers.on('review.remind', (data) => process.review.remind(data.application ?? ''));
    timers.on('congress.reminder', () => remindCongress(services));
    timers.onReconcile(async (t) => {
      await process.notices.reconcile();
      await t.every('congress.reminder', services.config.congressReminderCron);
    });
  }
  services.delivery?.addPoller(() => process.review.sweep());
  return process;
}
