// The application module: "我要申请加入联盟" starts the form, the active dialog takes every message
// until it ends, "我的申请" shows the status, a file after submission is the stamped scan.
import type { Bot } from '../bot/bot.ts';
import type { Corpus } from '../knowledge/corpus.ts';
import { normalizeInput } from '../bot/normalize-input.ts';
import { ApplicationFlow } from './dialog.ts';
import { isResume, isStatus, isYes } from './intents.ts';
import { readNoticeFacts, resolveDeadline } from './notice.ts';
import { Applications } from './service.ts';
import { lockPeriod } from '../membership/lock-period.ts';
import { startIntent } from './start-intent.ts';
import { labelledRows } from './extract.ts';

const OFFER_SLOT = 'applyOffered';

export type ApplicationModule = { applications: Applications; flow: ApplicationFlow };

export function registerApplication(bot: Bot, corpus: Corpus): ApplicationModule {
  const { services } = bot;
  const facts = readNoticeFacts(corpus);
  const applications = new Applications(
    services.db,
    services.now,
    resolveDeadline(services.config.application.deadline, facts),
    (reason) => lockPeriod(services, reason),
  );
  const flow = new ApplicationFlow(bot, applications, facts);

  // Buttons of the summary card; with no form open they are stale and go on to "unknown action".
  bot.action('application.submit', async (ctx, next) => {
    if (!(await flow.submitAction(ctx))) return next();
  });
  bot.action('application.cancel', async (ctx, next) => {
    if (!(await flow.cancelAction(ctx))) return next();
  });

  bot.use('command', async (ctx, next) => {
    if (ctx.inbound.file) {
      if (await flow.fileWithoutDialog(ctx)) return;
      return next();
    }
    // Another module's dialog may have let this through; starting ours would abandon it.
    if (!ctx.text || flow.otherDialogOpen(ctx)) return next();
    const text = normalizeInput(ctx.text);
    const offered = ctx.session.slots[OFFER_SLOT] === true;
    delete ctx.session.slots[OFFER_SLOT];
    if (offered && isYes(text)) return flow.start(ctx);
    // The form pasted whole ("单位名称：…\n地址：…"), asked for or not: start, and take it in.
    if (labelledRows(text) >= 2) return flow.start(ctx, { withAnswer: true });
    const intent = startIntent(text);
    if (intent === 'start') return flow.start(ctx);
    if (intent === 'unsure') {
      // Answer what may be a question, then ask whether they meant to start; "是" starts.
      await next();
      ctx.session.slots[OFFER_SLOT] = true;
      return ctx.say(ctx.t('application.start_offer'));
    }
    if (isResume(text)) return flow.resume(ctx);
    if (isStatus(text)) return flow.status(ctx);
    return next();
  });

  return { applications, flow };
}
