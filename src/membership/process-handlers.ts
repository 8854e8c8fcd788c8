// The membership process in chat: card buttons (review, objections, withdrawals) and the one-line
// reason each decision may need. Every handler re-reads the actor's role from the database; a
// click from someone without it, a forwarded card or a stale one changes nothing.
import { z } from 'zod';
import type { Bot } from '../bot/bot.ts';
import type { Dialog } from '../bot/dialogs.ts';
import { recusalText } from './recusal.ts';
import type { Context } from '../bot/context.ts';
import type { Services } from '../bot/services.ts';
import { isSecretariat } from './roles.ts';
import { Review, REVIEW_REASON_MAX, type DecideResult, type Decision } from './review.ts';
import { Notices } from './notice.ts';
import { Withdrawals } from './withdrawal.ts';
import { formatPeriod, formatTime } from './format.ts';
import { lockPeriod, periodText } from './lock-period.ts';
import { isBlank } from '../application/normalize.ts';

/** What the one-line reason is for: the decision or request waiting for it. */
const reasonState = z.object({
  kind: z.enum(['review-return', 'review-reject', 'objection', 'withdrawal']),
  id: z.string(),
  label: z.string(),
});
type ReasonData = z.infer<typeof reasonState>;

/** How long a reason prompt ("请输入不予通过的原因") waits for its answer. */
const REASON_PROMPT_MS = 30 * 60_000;

const CANCEL = /^(取消|算了|不了|退出|cancel)[。.!！]*$/i;

export class MembershipProcess {
  private readonly services: Services;
  readonly review: Review;
  readonly notices: Notices;
  readonly withdrawals: Withdrawals;
  private readonly reasonDialog: Dialog<ReasonData>;

  /** `isCommand`: a message that is a command, not a reason ("帮助" must not become why an
   *  application was rejected). */
  constructor(bot: Bot, isCommand: (text: string) => boolean) {
    const services = bot.services;
    this.services = services;
    this.review = new Review(services);
    this.notices = new Notices(services);
    this.withdrawals = new Withdrawals(services);
    this.reasonDialog = bot.dialog({
      name: 'membership-reason',
      version: 1,
      schema: reasonState,
      // A reason prompt left open is over after a while: the message is taken as what it is.
      expiresAfterMs: REASON_PROMPT_MS,
      resume: (ctx, data) => {
        if (!isCommand(ctx.text)) return this.reason(ctx, data);
        ctx.say(ctx.t('membership.reason_is_command', { text: ctx.text.trim() }));
      },
      // Another module took a message meanwhile (a vote typed, `投票 12 赞成`): the reason still waits.
      afterInterruption: (ctx) => ctx.say(ctx.t('membership.reason_still_waiting')),
    });
    this.registerActions(bot);
  }

  /** The membership card buttons. */
  private registerActions(bot: Bot): void {
    bot.action('review.approve', (ctx) =>
      this.secretariatOnly(ctx, () => this.decideReview(ctx, ctx.action.value.case ?? '', 'approved')),
    );
    bot.action('review.return', (ctx) =>
      this.secretariatOnly(ctx, () => this.askReviewReason(ctx, ctx.action.value.case ?? '', 'review-return')),
    );
    bot.action('review.reject', (ctx) =>
      this.secretariatOnly(ctx, () => this.askReviewReason(ctx, ctx.action.value.case ?? '', 'review-reject')),
    );
    bot.action('notice.object', (ctx) => this.startObjection(ctx, ctx.action.value.notice ?? ''));
    bot.action('objection.uphold', (ctx) =>
      this.secretariatOnly(ctx, () => this.decideObjection(ctx, ctx.action.value.objection ?? '', 'upheld')),
    );
    bot.action('objection.dismiss', (ctx) =>
      this.secretariatOnly(ctx, () => this.decideObjection(ctx, ctx.action.value.objection ?? '', 'dismissed')),
    );
    bot.action('withdrawal.approve', (ctx) =>
      this.secretariatOnly(ctx, () => this.decideWithdrawal(ctx, ctx.action.value.request ?? '', 'approved')),
    );
    bot.action('withdrawal.reject', (ctx) =>
      this.secretariatOnly(ctx, () => this.decideWithdrawal(ctx, ctx.action.value.request ?? '', 'rejected')),
    );
  }

  async startWithdrawal(ctx: Context): Promise<void> {
    const check = await this.withdrawals.canRequest(ctx.user);
    if (check.kind === 'not_member') return ctx.say(ctx.t('membership.not_member'));
    if (check.kind === 'pending') return ctx.say(ctx.t('membership.withdraw_pending', { org: check.org }));
    this.openReason(ctx, { kind: 'withdrawal', id: '', label: check.org });
    const period = periodText(await lockPeriod(this.services, 'withdrawn'));
    ctx.say(ctx.t('membership.withdraw_ask_reason', { org: check.org, period }));
  }

  /** The reason dialog: the next message is the reason for the pending decision. */
  private async reason(ctx: Context, data: ReasonData): Promise<void> {
    if (CANCEL.test(ctx.text)) {
      this.reasonDialog.leave(ctx);
      const key = {
        'review-return': 'review_reason_cancelled',
        'review-reject': 'review_reason_cancelled',
        objection: 'objection_cancelled',
        withdrawal: 'withdraw_cancelled',
      }[data.kind];
      return ctx.say(ctx.t(`membership.${key}`, { number: data.label }));
    }
    const reason = ctx.text.trim();
    // "。" or "…" says nothing: the person it goes to would read an empty reason.
    if (isBlank(reason) || ctx.inbound.file) return ctx.say(ctx.t('membership.review_reason_empty'));
    if (reason.length > REVIEW_REASON_MAX)
      return ctx.say(ctx.t('membership.review_reason_too_long', { length: reason.length, max: REVIEW_REASON_MAX }));
    this.reasonDialog.leave(ctx);
    if (data.kind === 'review-return' || data.kind === 'review-reject') {
      if (!(await isSecretariat(this.services.db.prisma, ctx.user)))
        return ctx.say(ctx.t('membership.not_secretariat'));
      return this.decideReview(ctx, data.id, data.kind === 'review-return' ? 'returned' : 'rejected', reason);
    }
    if (data.kind === 'objection') {
      const result = await this.notices.object(ctx.user, data.id, reason);
      return this.sayObjectionCheck(ctx, result, 'objection_received');
    }
    const result = await this.withdrawals.request(ctx.user, reason);
    if (result.kind === 'not_member') return ctx.say(ctx.t('membership.not_member'));
    ctx.say(
      ctx.t(result.kind === 'pending' ? 'membership.withdraw_pending' : 'membership.withdraw_received', {
        org: result.org,
      }),
    );
  }

  private async secretariatOnly(ctx: Context, run: () => Promise<void>): Promise<void> {
    if (!(await isSecretariat(this.services.db.prisma, ctx.user))) ctx.say(ctx.t('membership.not_secretariat'));
    else await run();
  }

  private openReason(ctx: Context, data: ReasonData): void {
    this.reasonDialog.enter(ctx, data);
  }

  private async askReviewReason(ctx: Context, caseId: string, kind: 'review-return' | 'review-reject'): Promise<void> {
    const check = await this.review.check(caseId, ctx.user);
    if (check.kind !== 'open') return this.sayReviewResult(ctx, check);
    this.openReason(ctx, { kind, id: caseId, label: check.number });
    ctx.say(
      ctx.t(kind === 'review-return' ? 'membership.review_ask_reason_return' : 'membership.review_ask_reason_reject'),
    );
  }

  /** On a click, the clicked card is replaced by the decided one; every other copy is updated by `decide`. */
  private async decideReview(ctx: Context, caseId: string, decision: Decision, reason?: string): Promise<void> {
    const clicked = ctx.inbound.action?.cardRef;
    const result = await this.review.decide(ctx.user, caseId, decision, reason, clicked);
    if (result.kind === 'done') ctx.replaceCard(result.card);
    this.sayReviewResult(ctx, result);
  }

  private sayReviewResult(ctx: Context, result: Exclude<DecideResult, { kind: 'done' }> | DecideResult): void {
    ctx.say(reviewResultText(ctx.t, this.services.config.publicNoticeMs, result));
  }

  private async startObjection(ctx: Context, noticeId: string): Promise<void> {
    const check = await this.notices.canObject(ctx.user, noticeId);
    if (check.kind !== 'ok') return this.sayObjectionCheck(ctx, check, 'objection_received');
    this.openReason(ctx, { kind: 'objection', id: noticeId, label: check.org });
    ctx.say(ctx.t('membership.notice_ask_reason', { org: check.org }));
  }

  private sayObjectionCheck(ctx: Context, check: Awaited<ReturnType<Notices['canObject']>>, okKey: string): void {
    if (check.kind === 'not_member') return ctx.say(ctx.t('membership.not_member'));
    if (check.kind === 'closed') return ctx.say(ctx.t('membership.notice_not_open'));
    if (check.kind === 'not_found') return ctx.say(ctx.t('membership.notice_not_found'));
    if (check.kind === 'duplicate')
      return ctx.say(
        ctx.t(check.decided ? `membership.objection_duplicate_${check.decided}` : 'membership.objection_duplicate', {
          org: check.org,
        }),
      );
    ctx.say(ctx.t(`membership.${okKey}`, { org: check.org }));
  }

  private async decideObjection(ctx: Context, objectionId: string, decision: 'upheld' | 'dismissed'): Promise<void> {
    const result = await this.notices.decideObjection(ctx.user, objectionId, decision, ctx.inbound.action?.cardRef);
    if (result.kind === 'not_found') return ctx.say(ctx.t('membership.review_not_found'));
    if (result.kind === 'recused') return ctx.say(recusalText(ctx.t, result));
    if (result.kind === 'decided')
      return ctx.say(ctx.t('membership.objection_already_decided', { by: result.by, at: formatTime(result.at) }));
    ctx.replaceCard(result.card);
    ctx.say(
      ctx.t(decision === 'upheld' ? 'membership.objection_done_upheld' : 'membership.objection_done_dismissed', {
        org: result.org,
      }),
    );
  }

  private async decideWithdrawal(ctx: Context, requestId: string, decision: 'approved' | 'rejected'): Promise<void> {
    const result = await this.withdrawals.decide(ctx.user, requestId, decision);
    if (result.kind === 'not_found') return ctx.say(ctx.t('membership.review_not_found'));
    if (result.kind === 'decided')
      return ctx.say(ctx.t('membership.withdraw_already_decided', { by: result.by, at: formatTime(result.at) }));
    ctx.say(
      ctx.t(decision === 'approved' ? 'membership.withdraw_done_approved' : 'membership.withdraw_done_rejected', {
        org: result.org,
        until: result.until,
        period: result.period,
      }),
    );
  }
}

type T = (key: string, vars?: Record<string, string | number>) => string;

/** What the one who decided (or tried to) is told — in chat and on the dashboard alike. */
export function reviewResultText(
  t: T,
  publicNoticeMs: number,
  result: Exclude<DecideResult, { kind: 'done' }> | DecideResult,
): string {
  if (result.kind === 'not_found') return t('membership.review_not_found');
  if (result.kind === 'stale') return t('membership.review_stale');
  if (result.kind === 'member') return t('membership.review_already_member', { org: result.org });
  if (result.kind === 'recused') return recusalText(t, result);
  if (result.kind === 'decided') {
    return t('membership.review_already_decided', {
      number: result.number,
      by: result.by,
      at: formatTime(result.at),
      decision: t(`membership.decision_${result.decision}`),
    });
  }
  const key = { approved: 'review_done_approve', returned: 'review_done_return', rejected: 'review_done_reject' }[
    result.decision
  ];
  return t(`membership.${key}`, {
    number: result.number,
    org: result.org,
    days: formatPeriod(publicNoticeMs),
    endsAt: result.endsAt ? formatTime(result.endsAt) : '',
  });
}
