// 第二十条: a member's representative asks to withdraw; the secretariat approves; the organisation
// may not re-apply for the period the article sets (两年 in the seed charter). 第十九条: expulsion,
// decided by the congress, locks out for the period that article sets. Both periods are read from the
// charter as published at the moment of the decision (lock-period.ts) and stored as lockedUntil: a
// later amendment changes the period of later decisions only, never a lock already given.
import type { Services } from '../bot/services.ts';
import type { Outbound } from '../bot/outbound.ts';
import { addToOutbox, toUser } from '../delivery/outbox.ts';
import { audit } from './audit.ts';
import { toSecretariat } from './recipients.ts';
import { memberOf } from './roles.ts';
import { formatDate } from './format.ts';
import { lockEnd, lockPeriod, periodText } from './lock-period.ts';

const text = (value: string): Outbound => ({ kind: 'text', text: value });

export class Withdrawals {
  constructor(private readonly services: Services) {}

  private get prisma() {
    return this.services.db.prisma;
  }

  private t(key: string, vars?: Record<string, string | number>): string {
    return this.services.texts.t(key, vars);
  }

  async canRequest(
    actor: string,
  ): Promise<{ kind: 'ok'; org: string } | { kind: 'not_member' } | { kind: 'pending'; org: string }> {
    const member = await memberOf(this.prisma, actor);
    if (!member) return { kind: 'not_member' };
    const pending = await this.prisma.withdrawalRequest.findFirst({
      where: { memberId: member.id, status: 'pending' },
    });
    return pending ? { kind: 'pending', org: member.orgName } : { kind: 'ok', org: member.orgName };
  }

  async request(actor: string, reason: string): ReturnType<Withdrawals['canRequest']> {
    const check = await this.canRequest(actor);
    if (check.kind !== 'ok') return check;
    const member = (await memberOf(this.prisma, actor))!;
    const period = periodText(await lockPeriod(this.services, 'withdrawn'));
    await this.prisma.$transaction(async (tx) => {
      const request = await tx.withdrawalRequest.create({ data: { memberId: member.id, actor, reason } });
      const card: Outbound = {
        kind: 'card',
        card: {
          title: this.t('membership.withdraw_card_title', { org: member.orgName }),
          lines: [this.t('membership.withdraw_card_lines', { org: member.orgName, actor, reason, period })],
          buttons: [
            {
              label: this.t('membership.withdraw_button_approve'),
              action: 'withdrawal.approve',
              value: { request: request.id },
              style: 'primary',
            },
            {
              label: this.t('membership.withdraw_button_reject'),
              action: 'withdrawal.reject',
              value: { request: request.id },
            },
          ],
        },
      };
      await addToOutbox(tx, await toSecretariat(tx, this.services.config, [card], `withdrawal:${request.id}`));
      await audit(tx, {
        actor,
        action: 'withdrawal.request',
        entity: 'member',
        entityId: member.id,
        after: { request: request.id, reason },
      });
    });
    this.services.delivery?.wake();
    return check;
  }

  async decide(
    actor: string,
    requestId: string,
    decision: 'approved' | 'rejected',
  ): Promise<
    | { kind: 'done'; org: string; until: string; period: string }
    | { kind: 'decided'; by: string; at: Date }
    | { kind: 'not_found' }
  > {
    const now = this.services.now();
    const result = await this.prisma.$transaction(async (tx) => {
      const request = await tx.withdrawalRequest.findUnique({ where: { id: requestId } });
      const member = request && (await tx.member.findUnique({ where: { id: request.memberId } }));
      if (!request || !member) return { kind: 'not_found' as const };
      const won = await tx.withdrawalRequest.updateMany({
        where: { id: requestId, status: 'pending' },
        data: { status: decision, decidedBy: actor, decidedAt: now },
      });
      if (won.count === 0) {
        const latest = await tx.withdrawalRequest.findUniqueOrThrow({ where: { id: requestId } });
        return { kind: 'decided' as const, by: latest.decidedBy ?? '', at: latest.decidedAt ?? now };
      }
      // The period as 第二十条 reads now; what is stored stays, whatever a later amendment says.
      const period = await lockPeriod(this.services, 'withdrawn', tx);
      const until = lockEnd(now, period);
      if (decision === 'approved') {
        const after = await tx.member.update({
          where: { id: member.id },
          data: { status: 'withdrawn', leftAt: now, lockedUntil: until },
        });
        await audit(tx, {
          actor,
          action: 'member.withdraw',
          entity: 'member',
          entityId: member.id,
          before: member,
          after,
        });
      } else {
        await audit(tx, {
          actor,
          action: 'withdrawal.reject',
          entity: 'member',
          entityId: member.id,
          after: { request: requestId },
        });
      }
      const key =
        decision === 'approved' ? 'membership.withdraw_result_approved' : 'membership.withdraw_result_rejected';
      await addToOutbox(tx, [
        toUser(
          request.actor,
          text(this.t(key, { org: member.orgName, until: formatDate(until), period: periodText(period) })),
          `withdrawal-result:${requestId}`,
        ),
      ]);
      return { kind: 'done' as const, org: member.orgName, until: formatDate(until), period: periodText(period) };
    });
    this.services.delivery?.wake();
    return result;
  }
}

/**
 * 第十九条: expulsion as decided by the congress (the voting module calls this with the motion as
 * actor). The representative is told; the organisation is locked out for the period 第十九条 sets as
 * published at this moment (两年 in the seed charter; 三年 once an amendment saying so is published).
 * The end of the lock is stored: a unit expelled before an amendment keeps the date it was given.
 */
export async function expelMember(
  services: Pick<Services, 'db' | 'texts' | 'now' | 'delivery' | 'currentArticle' | 'log'>,
  input: { actor: string; memberId: string },
): Promise<boolean> {
  const now = services.now();
  const done = await services.db.prisma.$transaction(async (tx) => {
    const member = await tx.member.findUnique({ where: { id: input.memberId } });
    if (!member || member.status !== 'active') return false;
    const period = await lockPeriod(services, 'expelled', tx);
    const until = lockEnd(now, period);
    const after = await tx.member.update({
      where: { id: member.id },
      data: { status: 'expelled', leftAt: now, lockedUntil: until },
    });
    await audit(tx, {
      actor: input.actor,
      action: 'member.expel',
      entity: 'member',
      entityId: member.id,
      before: member,
      after,
    });
    const notice = text(
      services.texts.t('membership.expelled_notice', {
        org: member.orgName,
        until: formatDate(until),
        period: periodText(period),
      }),
    );
    await addToOutbox(tx, [
      toUser(`${member.channel}:${member.userId}`, notice, `expelled:${member.id}:${now.getTime()}`),
    ]);
    return true;
  });
  services.delivery?.wake();
  return done;
}
