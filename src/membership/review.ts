// 秘书处资格审查 (第十四条(二)). A submitted application becomes a review case, written in the same
// transaction as the review cards to every secretariat account; a stamped scan that arrives later
// is sent after it. One decision per case: two secretariat members clicking at once — the database
// lets exactly one conditional update win, the other is told who decided.
import type { Services } from '../bot/services.ts';
import type { Card, Outbound } from '../bot/outbound.ts';
import type { Application, ReviewCase } from '../generated/prisma/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { FIELD_KEYS, readFields } from '../application/form.ts';
import { addToOutbox, toUser, updateSentCards, type Tx } from '../delivery/outbox.ts';
import { audit } from './audit.ts';
import { toSecretariat } from './recipients.ts';
import { noticeEndTimer, openNotice } from './notice.ts';
import type { Timer } from '../delivery/timers.ts';
import { formatTime } from './format.ts';
import { conflictOf, recuse, type Recusal } from './recusal.ts';

export type Decision = 'approved' | 'returned' | 'rejected';

export type DecideResult =
  | {
      kind: 'done';
      decision: Decision;
      number: string;
      org: string;
      endsAt?: Date;
      noticeId?: string;
      /** The review card as it now reads everywhere: the decision, who made it, no buttons. */
      card: Card;
    }
  | { kind: 'decided'; number: string; by: string; at: Date; decision: Decision }
  | { kind: 'stale' }
  | { kind: 'member'; org: string }
  | Recusal
  | { kind: 'not_found' };

export const REVIEW_REASON_MAX = 500;

/** 第十四条(二): a case still open this long after it was opened is brought up again. */
export const REVIEW_REMIND_MS = 3 * 86_400_000;

/** The timer an open review case implies: its reminder, keyed by the case. */
export const reviewReminderTimer = (reviewCase: Pick<ReviewCase, 'id' | 'applicationId' | 'createdAt'>): Timer => ({
  name: 'review.remind',
  id: reviewCase.id,
  at: new Date(reviewCase.createdAt.getTime() + REVIEW_REMIND_MS),
  data: { application: reviewCase.applicationId, case: reviewCase.id },
});

export class Review {
  constructor(private readonly services: Services) {}

  private get prisma() {
    return this.services.db.prisma;
  }

  private t(key: string, vars?: Record<string, string | number>): string {
    return this.services.texts.t(key, vars);
  }

  /** Opens a case (and sends the cards) for every submission that has none; sends late scans. */
  async sweep(): Promise<void> {
    const submitted = await this.prisma.application.findMany({
      where: { status: 'submitted', submittedAt: { not: null } },
    });
    if (submitted.length === 0) return;
    const cases = await this.prisma.reviewCase.findMany({
      where: { applicationId: { in: submitted.map((a) => a.id) } },
    });
    for (const app of submitted) {
      const submission = app.submittedAt!.toISOString();
      const existing = cases.find((c) => c.applicationId === app.id && c.submission === submission);
      if (!existing) await this.openCase(app, submission, await this.scanFile(app));
      else if (existing.status === 'open' && !existing.scanSent && app.scanFileId)
        await this.sendLateScan(app, existing, (await this.scanFile(app))!);
    }
  }

  /** The stored scan's own name and type, so the secretariat receives e.g. `盖章申请表.pdf`. */
  private async scanFile(app: Application): Promise<Outbound | undefined> {
    if (!app.scanFileId) return undefined;
    const file = await this.prisma.storedFile.findUnique({
      where: { id: app.scanFileId },
      select: { name: true, mime: true },
    });
    const { number, org } = describe(app);
    return {
      kind: 'file',
      name: file?.name ?? 'scan',
      mime: file?.mime ?? 'application/octet-stream',
      fileId: app.scanFileId,
      caption: this.t('membership.review_scan_caption', { number, org }),
    };
  }

  private async openCase(app: Application, submission: string, scan: Outbound | undefined): Promise<void> {
    let opened: ReviewCase;
    try {
      opened = await this.prisma.$transaction(async (tx) => {
        const created = await tx.reviewCase.create({
          data: { applicationId: app.id, submission, scanSent: Boolean(app.scanFileId) },
        });
        const messages = this.reviewMessages(app, created.id, scan);
        await addToOutbox(tx, await toSecretariat(tx, this.services.config, messages, `review:${created.id}`));
        await audit(tx, {
          actor: 'system',
          action: 'review.open',
          entity: 'application',
          entityId: app.id,
          after: { case: created.id, number: app.number },
        });
        return created;
      });
    } catch (error) {
      // Another process opened this case first (unique applicationId + submission).
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return;
      throw error;
    }
    await this.services.delivery?.scheduler.at(reviewReminderTimer(opened));
  }

  /** Re-creates the reminders of open cases (after a Redis data loss, or a crash after commit). */
  async reconcile(): Promise<void> {
    const timers = this.services.delivery?.scheduler;
    if (!timers) return;
    const open = await this.prisma.reviewCase.findMany({
      where: { status: 'open' },
      select: { id: true, applicationId: true, createdAt: true },
    });
    for (const reviewCase of open) await timers.at(reviewReminderTimer(reviewCase));
  }

  private async sendLateScan(app: Application, reviewCase: ReviewCase, scan: Outbound): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const claimed = await tx.reviewCase.updateMany({
        where: { id: reviewCase.id, scanSent: false },
        data: { scanSent: true },
      });
      if (claimed.count === 0) return;
      const { number, org } = describe(app);
      const messages: Outbound[] = [
        {
          kind: 'card',
          card: {
            title: this.t('membership.review_scan_later_title', { number }),
            lines: [org],
            buttons: this.buttons(reviewCase.id),
          },
        },
        scan,
      ];
      await addToOutbox(tx, await toSecretariat(tx, this.services.config, messages, `review-scan:${reviewCase.id}`));
    });
  }

  /** The review card with the form's fields and buttons, then the DOCX and (if present) the scan. */
  private reviewMessages(app: Application, caseId: string, scan: Outbound | undefined): Outbound[] {
    const fields = readFields(app.fields);
    const { number, org } = describe(app);
    const scanNote = this.t(scan ? 'membership.review_card_scan_yes' : 'membership.review_card_scan_no');
    const card: Outbound = {
      kind: 'card',
      card: {
        title: this.t('membership.review_card_title', { number }),
        lines: [this.t('membership.review_card_intro', { org, scan: scanNote })],
        fields: [
          ...FIELD_KEYS.map((key) => ({ label: this.t(`application.field_${key}`), value: fields[key] ?? '' })),
          { label: this.t('membership.review_field_applicant'), value: `${app.channel}:${app.userId}` },
          { label: this.t('membership.review_field_submitted'), value: formatTime(app.submittedAt!) },
        ],
        buttons: this.buttons(caseId),
      },
    };
    const messages: Outbound[] = [card];
    if (app.documentFileId) {
      messages.push({
        kind: 'file',
        name: `${number}.docx`,
        mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        fileId: app.documentFileId,
        caption: this.t('membership.review_doc_caption', { number, org }),
      });
    }
    if (scan) messages.push(scan);
    return messages;
  }

  private buttons(caseId: string) {
    return [
      {
        label: this.t('membership.review_button_approve'),
        action: 'review.approve',
        value: { case: caseId },
        style: 'primary' as const,
      },
      { label: this.t('membership.review_button_return'), action: 'review.return', value: { case: caseId } },
      {
        label: this.t('membership.review_button_reject'),
        action: 'review.reject',
        value: { case: caseId },
        style: 'danger' as const,
      },
    ];
  }

  /** Checks a case can still be decided (for the reason prompt before return/reject). */
  async check(
    caseId: string,
    actor?: string,
  ): Promise<Exclude<DecideResult, { kind: 'done' }> | { kind: 'open'; number: string }> {
    const found = await this.load(this.prisma, caseId);
    if (!found) return { kind: 'not_found' };
    const { reviewCase, app } = found;
    if (reviewCase.status !== 'open') return decided(reviewCase, app);
    if (!isCurrent(reviewCase, app)) return { kind: 'stale' };
    // Refused before the reason is asked for; decide() checks (and audits) again.
    if (actor && (await conflictOf(this.prisma, actor, app)))
      return this.prisma.$transaction(
        async (tx) => (await recuse(tx, actor, app, 'review.check', { type: 'application', id: app.id }))!,
      );
    return { kind: 'open', number: describe(app).number };
  }

  /**
   * One decision per case. Every copy of the case's cards (each secretariat account's, the
   * group's, reminders) is changed to show it, in the same transaction — except the card with the
   * platform reference `clicked`, which the caller replaces itself.
   */
  async decide(
    actor: string,
    caseId: string,
    decision: Decision,
    reason?: string,
    clicked?: string,
  ): Promise<DecideResult> {
    const now = this.services.now();
    const result = await this.prisma.$transaction(async (tx): Promise<DecideResult> => {
      const found = await this.load(tx, caseId);
      if (!found) return { kind: 'not_found' };
      const { app } = found;
      if (found.reviewCase.status === 'open' && !isCurrent(found.reviewCase, app)) return { kind: 'stale' };
      const recused = await recuse(tx, actor, app, `review.${decision}`, { type: 'application', id: app.id });
      if (recused) return recused;
      const { number, org } = describe(app);
      // The unit may have been put on the member list (import) since it applied: no 公示 for it.
      if (
        decision === 'approved' &&
        found.reviewCase.status === 'open' &&
        (await tx.member.findFirst({ where: { orgName: org, status: 'active' }, select: { id: true } }))
      )
        return { kind: 'member', org };
      const won = await tx.reviewCase.updateMany({
        where: { id: caseId, status: 'open' },
        data: { status: decision, decidedBy: actor, decidedAt: now, reason: reason ?? null },
      });
      if (won.count === 0) {
        const latest = await tx.reviewCase.findUniqueOrThrow({ where: { id: caseId } });
        return decided(latest, app);
      }
      const applicant = `${app.channel}:${app.userId}`;
      const before = { status: app.status };
      const card = this.decidedCard(number, org, decision, actor, now, reason);
      await updateSentCards(tx, [`review:${caseId}:`, `review-scan:${caseId}:`, `review-remind:${caseId}:`], card, {
        dedupe: `review-decided:${caseId}`,
        except: clicked,
      });
      if (decision === 'approved') {
        const notice = await openNotice(tx, this.services, app, now);
        await tx.application.update({ where: { id: app.id }, data: { status: 'notice' } });
        await addToOutbox(tx, [
          toUser(
            applicant,
            text(this.t('membership.applicant_approved', { number, org, endsAt: formatTime(notice.endsAt) })),
            `applicant:${caseId}`,
          ),
        ]);
        await audit(tx, {
          actor,
          action: 'review.approve',
          entity: 'application',
          entityId: app.id,
          before,
          after: { status: 'notice', notice: notice.id },
        });
        return { kind: 'done', decision, number, org, endsAt: notice.endsAt, noticeId: notice.id, card };
      }
      // Returned: back to a draft the applicant amends and submits again (a new case then).
      const status = decision === 'returned' ? 'draft' : 'rejected';
      await tx.application.update({ where: { id: app.id }, data: { status, openKey: null } });
      const key = decision === 'returned' ? 'membership.applicant_returned' : 'membership.applicant_rejected';
      await addToOutbox(tx, [
        toUser(applicant, text(this.t(key, { number, org, reason: reason ?? '' })), `applicant:${caseId}`),
      ]);
      await audit(tx, {
        actor,
        action: `review.${decision === 'returned' ? 'return' : 'reject'}`,
        entity: 'application',
        entityId: app.id,
        before,
        after: { status, reason },
      });
      return { kind: 'done', decision, number, org, card };
    });
    if (result.kind === 'done' && result.noticeId && result.endsAt) {
      await this.services.delivery?.scheduler.at(noticeEndTimer({ id: result.noticeId, endsAt: result.endsAt }));
    }
    this.services.delivery?.wake();
    return result;
  }

  /** What a review card reads once decided. */
  private decidedCard(number: string, org: string, decision: Decision, by: string, at: Date, reason?: string): Card {
    const lines = [
      this.t('membership.review_decided_lines', { org, by, at: formatTime(at) }),
      ...(reason ? [this.t('membership.review_decided_reason', { reason })] : []),
    ];
    return {
      title: this.t('membership.review_decided_title', {
        number,
        decision: this.t(`membership.decision_${decision}`),
      }),
      lines,
    };
  }

  /**
   * 第十四条(二) reminders: a case still open after three days is brought up again. With `caseId`
   * (the reminder is keyed by its case), only while that case is the open one.
   */
  async remind(applicationId: string, caseId?: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const open = await tx.reviewCase.findFirst({
        where: { applicationId, status: 'open' },
        orderBy: { createdAt: 'desc' },
      });
      const app = await tx.application.findUnique({ where: { id: applicationId } });
      if (!open || !app || !isCurrent(open, app) || (caseId !== undefined && open.id !== caseId)) return;
      const { number, org } = describe(app);
      const days = Math.floor((Date.now() - open.createdAt.getTime()) / 86_400_000);
      const card: Outbound = {
        kind: 'card',
        card: {
          title: this.t('membership.review_reminder_title', { number, org, days }),
          buttons: this.buttons(open.id),
        },
      };
      await addToOutbox(tx, await toSecretariat(tx, this.services.config, [card], `review-remind:${open.id}`));
    });
    this.services.delivery?.wake();
  }

  private async load(tx: Tx, caseId: string) {
    const reviewCase = await tx.reviewCase.findUnique({ where: { id: caseId } });
    if (!reviewCase) return undefined;
    const app = await tx.application.findUnique({ where: { id: reviewCase.applicationId } });
    return app ? { reviewCase, app } : undefined;
  }
}

function decided(reviewCase: ReviewCase, app: Application): DecideResult & { kind: 'decided' } {
  return {
    kind: 'decided',
    number: describe(app).number,
    by: reviewCase.decidedBy ?? '',
    at: reviewCase.decidedAt ?? new Date(0),
    decision: reviewCase.status as Decision,
  };
}

/** A case belongs to the application's current submission. */
const isCurrent = (c: ReviewCase, app: Application): boolean =>
  app.status === 'submitted' && app.submittedAt?.toISOString() === c.submission;

export function describe(app: Application): { number: string; org: string } {
  return { number: app.number ?? '—', org: readFields(app.fields).orgName ?? '—' };
}

const text = (value: string): Outbound => ({ kind: 'text', text: value });
