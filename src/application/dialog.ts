// The application, field by field, the way a patient secretariat clerk would on the phone. The form
// declaration (form.ts) decides what is asked and in which order; the step table (dialog-steps.ts)
// decides what a message means at the current step; dialog-effects.ts does what it decides.
// State: the draft in the Application row, the step in the dialog's own state (dialog-state.ts).
import type { Bot } from '../bot/bot.ts';
import type { Context } from '../bot/context.ts';
import { openDialogName, type Dialog } from '../bot/dialogs.ts';
import { normalizeInput } from '../bot/normalize-input.ts';
import { answerAndRecord } from '../knowledge/register.ts';
import type { Next } from '../bot/router.ts';
import { DialogEffects } from './dialog-effects.ts';
import { cachedDraft, DIALOG_NAME, dialogState, openTurn, stepOf, type DialogData } from './dialog-state.ts';
import { STEPS } from './dialog-steps.ts';
import { fieldDef, filledCount, nextEmptyField } from './form.ts';
import { readsAsAnswer } from './dialog-answers.ts';
import { selfIntroduction } from './name-title.ts';
import type { NoticeFacts } from './notice.ts';
import { askPending, t, TOTAL } from './replies.ts';
import type { Applications, ApplicationView } from './service.ts';

export class ApplicationFlow {
  private readonly dialog: Dialog<DialogData>;
  private readonly fx: DialogEffects;

  constructor(
    bot: Bot,
    private readonly apps: Applications,
    private readonly facts: NoticeFacts,
  ) {
    this.dialog = bot.dialog({
      name: DIALOG_NAME,
      version: 1,
      schema: dialogState,
      droppedText: 'application.dialog_dropped',
      // A question the corpus cannot answer is recorded for the secretariat, as outside the form.
      answer: (ctx) => answerAndRecord(ctx),
      resume: (ctx, state, next) => this.continue(ctx, state, next),
      // A question mid-form has been answered; the step then says where the form picks up.
      afterQuestion: (ctx) => this.fx.deadlineNote(ctx),
      takes: (ctx, state) => this.takes(ctx, state),
      afterInterruption: (ctx, state) => this.pickUp(ctx, state),
    });
    this.fx = new DialogEffects(apps, facts, this.dialog);
  }

  // ── Entry points when no application dialog is active ─────────────────────────────────────────

  /** `withAnswer`: the message holds answers too (the form pasted whole), taken in at once. */
  async start(ctx: Context, options: { withAnswer?: boolean } = {}): Promise<void> {
    if (this.apps.isPastDeadline()) return ctx.say(this.fx.deadlineText(ctx));
    const draft = await this.apps.findDraft(ctx.inbound.channel, ctx.inbound.actor);
    if (draft && !options.withAnswer) return this.welcomeBack(ctx, draft);
    const app = draft ?? (await this.apps.createDraft(ctx.inbound.channel, ctx.inbound.actor));
    const state = this.open(ctx, app);
    ctx.text = normalizeInput(ctx.text);
    // "您好，我是碧江区电教站的王磊，想帮单位填申请": remembered for "我就是联系人".
    const intro = selfIntroduction(ctx.text);
    if (intro) state.self = intro;
    ctx.say(draft ? t(ctx, 'already_filling') : t(ctx, 'start', { total: TOTAL }));
    if (options.withAnswer) {
      const turn = openTurn(ctx, state, app, this.fx);
      return STEPS[stepOf(state, turn.current)](turn);
    }
    askPending(ctx, state.asking, app.fields, this.facts.conditions);
  }

  async resume(ctx: Context): Promise<void> {
    const draft = await this.apps.findDraft(ctx.inbound.channel, ctx.inbound.actor);
    if (!draft) return ctx.say(t(ctx, 'resume_none'));
    return this.welcomeBack(ctx, draft);
  }

  status(ctx: Context): Promise<void> {
    return this.fx.status(ctx);
  }

  /** A file outside the dialog: the stamped scan for the latest submitted application, if any. */
  async fileWithoutDialog(ctx: Context): Promise<boolean> {
    const app = await this.apps.latestSubmitted(ctx.inbound.channel, ctx.inbound.actor);
    if (!app) return false;
    await this.fx.takeScan(ctx, app);
    return true;
  }

  /** Whether another module's dialog is open (starting the form would abandon it). */
  otherDialogOpen(ctx: Context): boolean {
    const open = openDialogName(ctx);
    return open !== undefined && open !== DIALOG_NAME;
  }

  // ── The summary card's buttons ────────────────────────────────────────────────────────────────

  async submitAction(ctx: Context): Promise<boolean> {
    const state = this.dialog.state(ctx);
    if (!state || state.step === 'scan') return false;
    await this.fx.submit(ctx, state);
    return true;
  }

  async cancelAction(ctx: Context): Promise<boolean> {
    const state = this.dialog.state(ctx);
    if (!state || state.step === 'scan') return false;
    state.step = 'confirmCancel';
    ctx.say(t(ctx, 'cancel_confirm', { filled: filledCount(state.fields ?? {}) }));
    return true;
  }

  // ── The active dialog ─────────────────────────────────────────────────────────────────────────

  /** A message while the dialog is open: the step it is at takes it; passed on when the dialog is over. */
  private async continue(ctx: Context, state: DialogData, next: Next): Promise<void> {
    // The applicant's words in one plain form: 简体, half-width, no emoji or politeness around them.
    ctx.text = normalizeInput(ctx.text);
    const app: ApplicationView | undefined =
      state.step !== 'scan' && state.fields
        ? cachedDraft(state, state.fields)
        : await this.apps.get(state.applicationId);
    // Cancelled, decided by the review (returned to a draft, rejected, in 公示…), or gone: the wait
    // is over, and the message is taken as what it is — "继续申请" reaches the amended draft, "成员
    // 名单" the list. A scan sent later is still taken outside the dialog.
    const live = state.step === 'scan' ? app?.status === 'submitted' : app?.status === 'draft';
    if (!app || !live) {
      this.dialog.leave(ctx);
      return next();
    }
    // "我叫何丹丹…" said along the way; not looked for in a long profile, which is about the unit.
    const intro = ctx.text.length <= 120 ? selfIntroduction(ctx.text) : undefined;
    if (intro) state.self = { ...state.self, ...intro };
    const turn = openTurn(ctx, state, app, this.fx);
    return STEPS[stepOf(state, turn.current)](turn);
  }

  /**
   * Whether the step at hand could use the message (asked by an interruption unsure of it, e.g. a
   * bare 赞成 while a vote awaits the person's unit). 「确定要放弃吗？」 and 「代表的还是联系人的？」 take
   * any short reply; a field takes only what clearly reads as its answer (赞成 is no name, address
   * or phone number); the summary and the wait for the scan take no such word.
   */
  private takes(ctx: Context, state: DialogData): boolean {
    if (state.step === 'confirmCancel' || state.step === 'clarify') return true;
    if (state.step === 'scan') return false;
    if (!state.fields) return true;
    const current = state.asking ?? nextEmptyField(state.fields);
    return current !== undefined && readsAsAnswer(fieldDef(current), normalizeInput(ctx.text));
  }

  /** After a message another module took mid-form: the question of the step at hand, again. */
  private async pickUp(ctx: Context, state: DialogData): Promise<void> {
    switch (state.step) {
      case 'scan': {
        const app = await this.apps.get(state.applicationId);
        return ctx.say(t(ctx, 'scan_reminder', { number: app?.number ?? state.number ?? '' }));
      }
      case 'confirmCancel':
        return ctx.say(t(ctx, 'cancel_confirm', { filled: filledCount(state.fields ?? {}) }));
      case 'clarify':
        return ctx.say(t(ctx, 'clarify_person', { part: ctx.t(`application.part_${state.clarify?.part ?? 'phone'}`) }));
      default: {
        const fields = state.fields ?? (await this.apps.get(state.applicationId))?.fields ?? {};
        ctx.say(t(ctx, 'interrupted_then'));
        askPending(ctx, state.asking, fields, this.facts.conditions);
      }
    }
  }

  private welcomeBack(ctx: Context, draft: ApplicationView): void {
    const state = this.open(ctx, draft);
    ctx.say(t(ctx, 'welcome_back', { filled: filledCount(draft.fields), total: TOTAL }));
    askPending(ctx, state.asking, draft.fields, this.facts.conditions);
  }

  private open(ctx: Context, app: ApplicationView): DialogData {
    return this.dialog.enter(ctx, {
      applicationId: app.id,
      step: 'fill',
      fields: app.fields,
      number: app.number ?? undefined,
    });
  }
}
