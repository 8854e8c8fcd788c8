// 公示 (第十四条(二)): an approved application is announced to all members for the configured
// period; any member may object; the secretariat decides objections. At the end (a timer), with no
// upheld objection, membership is granted and the new member list is published (第十四条(三)).
import type { Services } from '../bot/services.ts';
import type { Card, Outbound } from '../bot/outbound.ts';
import type { Application, PublicNotice } from '../generated/prisma/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { readFields } from '../application/form.ts';
import { addToOutbox, toUser, updateSentCards, type Tx } from '../delivery/outbox.ts';
import type { Timer } from '../delivery/timers.ts';
import { audit } from './audit.ts';
import { toMembers, toSecretariat } from './recipients.ts';
import { formatTime } from './format.ts';
import { memberOf, secretariatKeys } from './roles.ts';
import { recuse, recusedAmong, type Recusal } from './recusal.ts';

/** The clock may differ by a little between the timer and the database rows. */
const END_TOLERANCE_MS = 1_000;

const text = (value: string): Outbound => ({ kind: 'text', text: value });

/** The timer an open notice implies: its end, keyed by the notice. */
export const noticeEndTimer = (notice: Pick<PublicNotice, 'id' | 'endsAt'>): Timer => ({
  name: 'notice.end',
  id: notice.id,
  at: notice.endsAt,
  data: { notice: notice.id },
});

/** Opens the notice and writes one notice card per member (inside the review decision's transaction). */
export async function openNotice(tx: Tx, services: Services, app: Application, now: Date): Promise<PublicNotice> {
  const fields = readFields(app.fields);
  const org = fields.orgName ?? '—';
  const notice = await tx.publicNotice.create({
    data: {
      applicationId: app.id,
      orgName: org,
      startsAt: now,
      endsAt: new Date(now.getTime() + services.config.publicNoticeMs),
    },
  });
  const t = services.texts.t;
  const card: Outbound = {
    kind: 'card',
    card: {
      title: t('membership.notice_card_title', { org }),
      lines: [
        t('membership.notice_card_lines', { org, orgType: fields.orgType ?? '—', endsAt: formatTime(notice.endsAt) }),
      ],
      buttons: [{ label: t('membership.notice_button_object'), action: 'notice.object', value: { notice: notice.id } }],
      expiresAt: notice.endsAt.toISOString(),
    },
  };
  await addToOutbox(tx, await toMembers(tx, card, `notice:${notice.id}`));
  return notice;
}

export type ObjectionCheck =
  | { kind: 'ok'; org: string }
  | { kind: 'not_member' }
  | { kind: 'closed' }
  | { kind: 'not_found' }
  | { kind: 'duplicate'; org: string; decided?: 'upheld' | 'dismissed' };

export class Notices {
  constructor(private readonly services: Services) {}

  private get prisma() {
    return this.services.db.prisma;
  }

  private t(key: string, vars?: Record<string, string | number>): string {
    return this.services.texts.t(key, vars);
  }

  async canObject(actor: string, noticeId: string): Promise<ObjectionCheck> {
    const member = await memberOf(this.prisma, actor);
    if (!member) return { kind: 'not_member' };
    const notice = await this.prisma.publicNotice.findUnique({ where: { id: noticeId } });
    if (!notice) return { kind: 'not_found' };
    const existing = await this.prisma.objection.findUnique({
      where: { noticeId_memberId: { noticeId, memberId: member.id } },
    });
    // Already raised: say what became of it, also once the notice is over.
    if (existing)
      return {
        kind: 'duplicate',
        org: notice.orgName,
        ...(existing.status === 'upheld' || existing.status === 'dismissed' ? { decided: existing.status } : {}),
      };
    if (notice.status !== 'open' || notice.endsAt <= this.services.now()) return { kind: 'closed' };
    return { kind: 'ok', org: notice.orgName };
  }

  /** Records a member's objection and puts it before the secretariat. Role and period re-checked. */
  async object(actor: string, noticeId: string, reason: string): Promise<ObjectionCheck> {
    const check = await this.canObject(actor, noticeId);
    if (check.kind !== 'ok') return check;
    const member = (await memberOf(this.prisma, actor))!;
    try {
      await this.prisma.$transaction(async (tx) => {
        const objection = await tx.objection.create({ data: { noticeId, memberId: member.id, actor, reason } });
        const card: Outbound = {
          kind: 'card',
          card: {
            title: this.t('membership.objection_card_title', { org: check.org }),
            lines: [this.t('membership.objection_card_lines', { org: check.org, member: member.orgName, reason })],
            buttons: [
              {
                label: this.t('membership.objection_button_uphold'),
                action: 'objection.uphold',
                value: { objection: objection.id },
                style: 'danger',
              },
              {
                label: this.t('membership.objection_button_dismiss'),
                action: 'objection.dismiss',
                value: { objection: objection.id },
              },
            ],
          },
        };
        const entries = await toSecretariat(tx, this.services.config, [card], `objection:${objection.id}`);
        // A secretariat member recused from this application does not learn who objected to it.
        const { applicationId } = await tx.publicNotice.findUniqueOrThrow({ where: { id: noticeId } });
        const app = await tx.application.findUnique({ where: { id: applicationId } });
        const recused = app ? await recusedAmong(tx, app, await secretariatKeys(tx)) : new Set<string>();
        const hidden: Outbound = {
          kind: 'card',
          card: {
            title: card.card.title,
            lines: [this.t('membership.objection_card_lines_recused', { org: check.org })],
          },
        };
        for (const key of recused) {
          const entry = entries.find((e) => e.dedupeKey === `objection:${objection.id}:${key}`);
          if (entry) entry.outbound = [hidden];
        }
        await addToOutbox(tx, entries);
        await audit(tx, {
          actor,
          action: 'notice.object',
          entity: 'notice',
          entityId: noticeId,
          after: { objection: objection.id, member: member.orgName, reason },
        });
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
        return { kind: 'duplicate', org: check.org };
      throw error;
    }
    this.services.delivery?.wake();
    return check;
  }

  /**
   * One decision per objection; every copy of its card is changed to show it, in the same
   * transaction, except the one with the platform reference `clicked` (the caller replaces that).
   */
  async decideObjection(
    actor: string,
    objectionId: string,
    decision: 'upheld' | 'dismissed',
    clicked?: string,
  ): Promise<
    | { kind: 'done'; org: string; card: Card }
    | { kind: 'decided'; by: string; at: Date }
    | { kind: 'not_found' }
    | Recusal
  > {
    const now = this.services.now();
    const result = await this.prisma.$transaction(async (tx) => {
      const objection = await tx.objection.findUnique({ where: { id: objectionId }, include: { notice: true } });
      if (!objection) return { kind: 'not_found' as const };
      const app = await tx.application.findUnique({ where: { id: objection.notice.applicationId } });
      const recused =
        app && (await recuse(tx, actor, app, `objection.${decision}`, { type: 'objection', id: objectionId }));
      if (recused) return recused;
      const won = await tx.objection.updateMany({
        where: { id: objectionId, status: 'open' },
        data: { status: decision, decidedBy: actor, decidedAt: now },
      });
      if (won.count === 0) {
        const latest = await tx.objection.findUniqueOrThrow({ where: { id: objectionId } });
        return { kind: 'decided' as const, by: latest.decidedBy ?? '', at: latest.decidedAt ?? now };
      }
      const org = objection.notice.orgName;
      const card: Card = {
        title: this.t('membership.objection_decided_title', {
          org,
          decision: this.t(`membership.objection_decision_${decision}`),
        }),
        lines: [this.t('membership.objection_decided_lines', { by: actor, at: formatTime(now) })],
      };
      await updateSentCards(tx, [`objection:${objectionId}:`], card, {
        dedupe: `objection-decided:${objectionId}`,
        except: clicked,
      });
      const resultKey =
        decision === 'upheld' ? 'membership.objection_result_upheld' : 'membership.objection_result_dismissed';
      await addToOutbox(tx, [
        toUser(objection.actor, text(this.t(resultKey, { org })), `objection-result:${objectionId}`),
      ]);
      await audit(tx, {
        actor,
        action: `objection.${decision === 'upheld' ? 'uphold' : 'dismiss'}`,
        entity: 'objection',
        entityId: objectionId,
        before: { status: 'open' },
        after: { status: decision },
      });
      if (decision === 'upheld') await this.revoke(tx, actor, objection.notice, objection.reason, now);
      else if (
        objection.notice.status === 'open' &&
        objection.notice.endsAt.getTime() <= now.getTime() + END_TOLERANCE_MS
      ) {
        // The period is over and this was the last open objection: membership can be granted now.
        await this.settle(tx, objection.notice, now);
      }
      return { kind: 'done' as const, org, card };
    });
    this.services.delivery?.wake();
    return result;
  }

  /** Timer handler for the end of the period. Idempotent: a settled notice is left alone. */
  async end(noticeId: string): Promise<'granted' | 'waiting' | 'early' | 'settled' | 'missing'> {
    const now = this.services.now();
    const outcome = await this.prisma.$transaction(async (tx) => {
      const notice = await tx.publicNotice.findUnique({ where: { id: noticeId } });
      if (!notice) return 'missing' as const;
      if (notice.status !== 'open') return 'settled' as const;
      if (notice.endsAt.getTime() > now.getTime() + END_TOLERANCE_MS) return 'early' as const;
      return this.settle(tx, notice, now);
    });
    if (outcome === 'early') {
      const notice = await this.prisma.publicNotice.findUniqueOrThrow({ where: { id: noticeId } });
      // Fired before its end (another clock): once more at the end, under a key of its own.
      const timer = noticeEndTimer(notice);
      await this.services.delivery?.scheduler.at({ ...timer, id: `${notice.id}-${notice.endsAt.getTime()}` });
    }
    this.services.delivery?.wake();
    return outcome;
  }

  /** Re-creates the end timers of open notices (after a Redis data loss, or a crash after commit). */
  async reconcile(): Promise<void> {
    const timers = this.services.delivery?.scheduler;
    if (!timers) return;
    const open = await this.prisma.publicNotice.findMany({
      where: { status: 'open' },
      select: { id: true, endsAt: true },
    });
    for (const notice of open) await timers.at(noticeEndTimer(notice));
  }

  private async settle(tx: Tx, notice: PublicNotice, now: Date): Promise<'granted' | 'waiting'> {
    const open = await tx.objection.count({ where: { noticeId: notice.id, status: 'open' } });
    if (open > 0) {
      const warning = text(this.t('membership.notice_pending_objections', { org: notice.orgName, count: open }));
      await addToOutbox(tx, await toSecretariat(tx, this.services.config, [warning], `notice-pending:${notice.id}`));
      return 'waiting';
    }
    await this.grant(tx, notice, now);
    return 'granted';
  }

  private async grant(tx: Tx, notice: PublicNotice, now: Date): Promise<void> {
    const app = await tx.application.findUniqueOrThrow({ where: { id: notice.applicationId } });
    // One account represents one unit: an applicant who already represents another is not put on
    // the list twice; the notice is closed as 'blocked' and the secretariat is told which unit.
    const holder = await tx.member.findUnique({
      where: { channel_userId: { channel: app.channel, userId: app.userId } },
    });
    const blocked = holder && holder.orgName !== notice.orgName;
    const claimed = await tx.publicNotice.updateMany({
      where: { id: notice.id, status: 'open' },
      data: { status: blocked ? 'blocked' : 'granted', closedAt: now },
    });
    if (claimed.count === 0) return;
    if (blocked) {
      const said = text(
        this.t('membership.grant_account_taken', {
          org: notice.orgName,
          holder: holder.orgName,
          account: `${app.channel}:${app.userId}`,
        }),
      );
      await addToOutbox(tx, [toUser(`${app.channel}:${app.userId}`, said, `granted:${notice.id}`)]);
      await addToOutbox(tx, await toSecretariat(tx, this.services.config, [said], `granted-blocked:${notice.id}`));
      await audit(tx, {
        actor: 'system',
        action: 'member.grant_blocked',
        entity: 'notice',
        entityId: notice.id,
        after: { holder: holder.orgName },
      });
      return;
    }
    const fields = readFields(app.fields);
    const org = notice.orgName;
    await tx.application.update({ where: { id: app.id }, data: { status: 'admitted', openKey: null } });
    const data = {
      orgType: fields.orgType ?? '',
      repName: fields.repName ?? '',
      channel: app.channel,
      userId: app.userId,
      applicationId: app.id,
    };
    const existing = await tx.member.findUnique({ where: { orgName: org } });
    // Put on the list some other way during 公示 (an import): its representative stays as it is.
    if (existing?.status === 'active') {
      const said = text(this.t('membership.grant_already_member', { org }));
      await addToOutbox(tx, [toUser(`${app.channel}:${app.userId}`, said, `granted:${notice.id}`)]);
      await addToOutbox(tx, await toSecretariat(tx, this.services.config, [said], `granted-member:${notice.id}`));
      return;
    }
    const member = existing
      ? await tx.member.update({
          where: { id: existing.id },
          data: { ...data, status: 'active', joinedAt: now, leftAt: null, lockedUntil: null },
        })
      : await tx.member.create({ data: { orgName: org, ...data, joinedAt: now } });
    await audit(tx, {
      actor: 'system',
      action: 'member.grant',
      entity: 'member',
      entityId: member.id,
      before: existing ?? undefined,
      after: member,
    });
    await addToOutbox(tx, [
      toUser(
        `${app.channel}:${app.userId}`,
        text(this.t('membership.applicant_granted', { org })),
        `granted:${notice.id}`,
      ),
    ]);
    // 第十四条(三): the secretariat publishes the member list.
    const count = await tx.member.count({ where: { status: 'active' } });
    const published: Outbound = {
      kind: 'card',
      card: {
        title: this.t('membership.members_published_title'),
        lines: [this.t('membership.members_published_lines', { org, count })],
      },
    };
    await addToOutbox(tx, [
      ...(await toMembers(tx, published, `published:${notice.id}`)),
      ...(await toSecretariat(tx, this.services.config, [published], `published:${notice.id}`)),
    ]);
  }

  private async revoke(tx: Tx, actor: string, notice: PublicNotice, reason: string, now: Date): Promise<void> {
    const claimed = await tx.publicNotice.updateMany({
      where: { id: notice.id, status: 'open' },
      data: { status: 'revoked', closedAt: now },
    });
    if (claimed.count === 0) return;
    const app = await tx.application.findUniqueOrThrow({ where: { id: notice.applicationId } });
    await tx.application.update({ where: { id: app.id }, data: { status: 'revoked', openKey: null } });
    await audit(tx, {
      actor,
      action: 'notice.revoke',
      entity: 'application',
      entityId: app.id,
      before: { status: app.status },
      after: { status: 'revoked', reason },
    });
    await addToOutbox(tx, [
      toUser(
        `${app.channel}:${app.userId}`,
        text(this.t('membership.applicant_revoked', { number: app.number ?? '—', org: notice.orgName, reason })),
        `revoked:${notice.id}`,
      ),
    ]);
  }
}
