// The membership process in chat: card buttons (review, objections, withdrawals) and the one-line
// reason each decision may need. Every handler re-reads the actor's role from the database; a
// click from someone without it, a forwarded card or a stale one changes nothing.
import { recusalText } from './recusal.ts';
import type { Context } from '../bot/context.ts';
import type { Services } from '../bot/services.ts';
import { isSecretariat } from './roles.ts';
import { Review, REVIEW_REASON_MAX, type DecideResult, type Decision } from './review.ts';
import { Notices } from './notice.ts';
import { Withdrawals } from './withdrawal.ts';
import { formatPeriod, formatTime } from './format.ts';
import { isBlank } from '../application/normalize.ts';

export const REASON_DIALOG = 'membership-reason';
type ReasonKind = 'review-return' | 'review-reject' | 'objection' | 'withdrawal';
type ReasonData = { kind: ReasonKind; id: string; label: string };

const CANCEL = /^(取消|算了|不了|退出|cancel)[。.!！]*$/i;

export class MembershipProcess {
  readonly review: Review;
  readonly notices: Notices;
  readonly withdrawals: Withdrawals;

  constructor(private readonly services: Services) {
    this.review = new Review(services);
    this.notices = new Notices(services);
    this.withdrawals = new Withdrawals(services);
  }

  /** Handles a membership card button; false when the action is not ours. */
  async action(ctx: Context): Promise<boolean> {
    const action = ctx.inbound.action;
    if (!action) return false;
    const value = action.value ?? {};
    switch (action.name) {
      case 'review.approve':
        return this.secretariatOnly(ctx, () => this.decideReview(ctx, value.case ?? '', 'approved'));
      case 'review.return':
      case 'review.reject':
        return this.secretariatOnly(ctx, () =>
          this.askReviewReason(
            ctx,
            value.case ?? '',
            action.name === 'review.return' ? 'review-return' : 'review-reject',
          ),
        );
      case 'notice.object':
        return this.startObjection(ctx, value.notice ?? '').then(() => true);
      case 'objection.uphold':
      case 'objection.dismiss':
        return this.secretariatOnly(ctx, () =>
          this.decideObjection(ctx, value.objection ?? '', action.name === 'objection.uphold' ? 'upheld' : 'dismissed'),
        );
      case 'withdrawal.approve':
      case 'withdrawal.reject':
        return this.secretariatOnly(ctx, () =>
          this.decideWithdrawal(
            ctx,
            value.request ?? '',
            action.name === 'withdrawal.approve' ? 'approved' : 'rejected',
          ),
        );
      default:
        return false;
    }
  }

  async startWithdrawal(ctx: Context): Promise<void> {
    const check = await this.withdrawals.canRequest(ctx.user);
    if (check.kind === 'not_member') return ctx.say(ctx.t('membership.not_member'));
    if (check.kind === 'pending') return ctx.say(ctx.t('membership.withdraw_pending', { org: check.org }));
    this.openReason(ctx, { kind: 'withdrawal', id: '', label: check.org });
    ctx.say(ctx.t('membership.withdraw_ask_reason', { org: check.org }));
  }

  /** The reason dialog: the next message is the reason for the pending decision. */
  async reason(ctx: Context): Promise<void> {
    const data = ctx.session.dialog!.data as ReasonData;
    if (CANCEL.test(ctx.text)) {
      ctx.session.dialog = undefined;
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
    ctx.session.dialog = undefined;
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

  private async secretariatOnly(ctx: Context, run: () => Promise<void>): Promise<boolean> {
    if (!(await isSecretariat(this.services.db.prisma, ctx.user))) ctx.say(ctx.t('membership.not_secretariat'));
    else await run();
    return true;
  }

  private openReason(ctx: Context, data: ReasonData): void {
    ctx.session.dialog = { name: REASON_DIALOG, data, startedAt: this.services.now().toISOString() };
  }

  private async askReviewReason(ctx: Context, caseId: string, kind: 'review-return' | 'review-reject'): Promise<void> {
    const check = await this.review.check(caseId, ctx.user);
    if (check.kind !== 'open') return this.sayReviewResult(ctx, check);
    this.openReason(ctx, { kind, id: caseId, label: check.number });
    ctx.say(
      ctx.t(kind === 'review-return' ? 'membership.review_ask_reason_return' : 'membership.review_ask_reason_reject'),
    );
  }

  private async decideReview(ctx: Context, caseId: string, decision: Decision, reason?: string): Promise<void> {
    this.sayReviewResult(ctx, await this.review.decide(ctx.user, caseId, decision, reason));
  }

  private sayReviewResult(ctx: Context, result: Exclude<DecideResult, { kind: 'done' }> | DecideResult): void {
    if (result.kind === 'not_found') return ctx.say(ctx.t('membership.review_not_found'));
    if (result.kind === 'stale') return ctx.say(ctx.t('membership.review_stale'));
    if (result.kind === 'member') return ctx.say(ctx.t('membership.review_already_member', { org: result.org }));
    if (result.kind === 'recused') return ctx.say(recusalText(ctx.t, result));
    if (result.kind === 'decided') {
      return ctx.say(
        ctx.t('membership.review_already_decided', {
          number: result.number,
          by: result.by,
          at: formatTime(result.at),
          decision: ctx.t(`membership.decision_${result.decision}`),
        }),
      );
    }
    const key = { approved: 'review_done_approve', returned: 'review_done_return', rejected: 'review_done_reject' }[
      result.decision
    ];
    ctx.say(
      ctx.t(`membership.${key}`, {
        number: result.number,
        org: result.org,
        days: formatPeriod(this.services.config.publicNoticeMs),
        endsAt: result.endsAt ? formatTime(result.endsAt) : '',
      }),
    );
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
    const result = await this.notices.decideObjection(ctx.user, objectionId, decision);
    if (result.kind === 'not_found') return ctx.say(ctx.t('membership.review_not_found'));
    if (result.kind === 'recused') return ctx.say(recusalText(ctx.t, result));
    if (result.kind === 'decided')
      return ctx.say(ctx.t('membership.objection_already_decided', { by: result.by, at: formatTime(result.at) }));
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
      }),
    );
  }
}
