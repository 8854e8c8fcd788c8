// The application module: "我要申请加入联盟" starts the form, the active dialog takes every message
// until it ends, "我的申请" shows the status, a file after submission is the stamped scan.
import type { Bot } from '../bot/bot.ts';
import type { Corpus } from '../knowledge/corpus.ts';
import { ApplicationFlow, DIALOG_NAME } from './dialog.ts';
import { normalizeInput } from '../bot/normalize-input.ts';
import { isResume, isStatus, isYes } from './intents.ts';
import { startIntent } from './start-intent.ts';

const OFFER_SLOT = 'applyOffered';
import { readNoticeFacts, resolveDeadline } from './notice.ts';
import { Applications } from './service.ts';

export type ApplicationModule = { applications: Applications; flow: ApplicationFlow };

export function registerApplication(bot: Bot, corpus: Corpus): ApplicationModule {
  const { services } = bot;
  const facts = readNoticeFacts(corpus);
  const applications = new Applications(
    services.db,
    services.now,
    resolveDeadline(services.config.application.deadline, facts),
  );
  const flow = new ApplicationFlow(applications, facts);

  bot.use('action', async (ctx, next) => {
    const name = ctx.inbound.action?.name;
    if (name === 'application.submit' && (await flow.submitAction(ctx))) return;
    if (name === 'application.cancel' && (await flow.cancelAction(ctx))) return;
    return next();
  });

  bot.use('dialog', async (ctx, next) => {
    if (ctx.session.dialog?.name !== DIALOG_NAME || ctx.inbound.action) return next();
    // The applicant's words in one plain form: 简体, half-width, no emoji or politeness around them.
    ctx.text = normalizeInput(ctx.text);
    if (!(await flow.continue(ctx))) return next();
  });

  bot.use('command', async (ctx, next) => {
    if (ctx.inbound.file) {
      if (await flow.fileWithoutDialog(ctx)) return;
      return next();
    }
    // Another module's dialog may have let this through; starting ours would abandon it.
    if (!ctx.text || (ctx.session.dialog && ctx.session.dialog.name !== DIALOG_NAME)) return next();
    const text = normalizeInput(ctx.text);
    const offered = ctx.session.slots[OFFER_SLOT] === true;
    delete ctx.session.slots[OFFER_SLOT];
    if (offered && isYes(text)) return flow.start(ctx);
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
