// The congress service: create, open, close, cancel, status and the minutes of a motion, plus the
// timers that open and close it and remind those who have not voted. Plain functions over Prisma,
// with the outbox rows written in the same transaction as the change that causes them.
import type { Motion, Prisma } from '../generated/prisma/client.ts';
import type { Services } from '../bot/services.ts';
import type { Outbound } from '../bot/outbound.ts';
import type { Timer, Timers } from '../delivery/timers.ts';
import { addToOutbox, toUser, updateSentCards, type OutboxEntry, type Tx } from '../delivery/outbox.ts';
import { audit } from '../membership/audit.ts';
import { toSecretariat } from '../membership/recipients.ts';
import { expelMember } from '../membership/withdrawal.ts';
import { lockPeriod, periodText } from '../membership/lock-period.ts';
import { formatTime } from '../membership/format.ts';
import { spreadsheetCsv } from '../spreadsheet.ts';
import { decide, type Rule } from './rules.ts';
import { validateMotion, type FieldError } from './motion-input.ts';
import { castVote, type CastResult } from './ballots.ts';
import { accountsOf, concernedName } from './units.ts';
import { OpenMotions } from './open-motions.ts';
import {
  countsText,
  endedCard,
  motionLines,
  optionsOf,
  PUBLISH_ACTION,
  reminderCard,
  ruleText,
  voteCard,
} from './cards.ts';

export type CongressDeps = Pick<Services, 'db' | 'texts' | 'config' | 'log' | 'now' | 'delivery' | 'currentArticle'> & {
  /** The charter's current wording of an article (`第十九条`, `19`). */
  findArticle(label: string): { label: string; text: string } | undefined;
};

/**
 * The timers a motion's row implies: its opening while a draft, its close and the reminders before
 * it while a draft or open (a reminder only when it falls after the opening). Settled motions: none.
 */
export function motionTimers(motion: Motion, reminderOffsetsMs: readonly number[]): Timer[] {
  const data = { motion: motion.id };
  const timers: Timer[] = [];
  if (motion.status === 'draft') timers.push({ name: 'congress.open', id: motion.id, at: motion.opensAt, data });
  if (motion.status !== 'open' && motion.status !== 'draft') return timers;
  timers.push({ name: 'congress.close', id: motion.id, at: motion.closesAt, data });
  const opened = (motion.openedAt ?? motion.opensAt).getTime();
  for (const offset of reminderOffsetsMs) {
    const when = motion.closesAt.getTime() - offset;
    if (when > opened)
      timers.push({
        name: 'congress.remind',
        id: `${motion.id}:${offset}`,
        at: new Date(when),
        data: { ...data, offset: String(offset) },
      });
  }
  return timers;
}

export type MotionStatus = {
  id: string;
  number: number;
  title: string;
  status: string;
  eligible: number;
  voted: number;
  counts: Record<string, number> | null;
  result: 'passed' | 'failed' | null;
  closesAt: Date;
  /**
   * Units that have not voted and whose ballot reached none of their accounts: every send failed for
   * good (an Official Account follower outside the 48-hour window without a template message, a
   * blocked account). Their names, sorted; the secretariat tells them another way.
   */
  unreached: string[];
};

export type Tally = {
  counts: Record<string, number>;
  eligible: number;
  voted: number;
  quorumMet: boolean;
  winner: string | null;
  reason: string | null;
};

export type CloseResult =
  | { kind: 'closed'; motion: Motion; tally: Tally; passed: boolean }
  | { kind: 'not_open'; motion: Motion }
  | { kind: 'not_found' };

const LONG_TX = { timeout: 120_000, maxWait: 30_000 };

export class Congress {
  /** The motions vote buttons name, kept a few seconds while open (open-motions.ts). */
  private readonly openMotions: OpenMotions;

  constructor(private readonly deps: CongressDeps) {
    this.openMotions = new OpenMotions(deps.db.sql);
  }

  private get prisma() {
    return this.deps.db.prisma;
  }

  private t = (key: string, vars?: Record<string, string | number>): string => this.deps.texts.t(key, vars);

  private get timers(): Timers | undefined {
    return this.deps.delivery?.scheduler;
  }

  /** A motion by its id or its number (`12`). */
  async find(ref: string): Promise<Motion | null> {
    const trimmed = ref.trim().replace(/^第|号$/g, '');
    if (/^\d{1,9}$/.test(trimmed)) return this.prisma.motion.findUnique({ where: { number: Number(trimmed) } });
    if (!/^[0-9a-f-]{36}$/i.test(trimmed)) return null;
    return this.prisma.motion.findUnique({ where: { id: trimmed } });
  }

  /** The motion a vote button names (by id): an open one is read once every few seconds, not per click. */
  findForVote(id: string): Promise<Motion | null> {
    return this.openMotions.get(id);
  }

  /** The one validation of a motion (the CLI's file, the chat dialog's answers): every problem with its field. */
  check(raw: unknown, now = this.deps.now()): ReturnType<typeof validateMotion> {
    return validateMotion(raw, {
      now,
      findMember: async (orgName) =>
        (await this.prisma.member.findUnique({
          where: { orgName },
          select: { id: true, orgName: true, status: true },
        })) ?? undefined,
      findArticle: (label) => this.deps.findArticle(label),
    });
  }

  /** Validates everything first; on any error nothing is created. Opens at once when opens_at is now. */
  async create(
    actor: string,
    raw: unknown,
  ): Promise<{ ok: true; motion: Motion } | { ok: false; errors: FieldError[] }> {
    const now = this.deps.now();
    const checked = await this.check(raw, now);
    if (!checked.ok) return checked;
    const d = checked.value;
    const motion = await this.prisma.$transaction(async (tx) => {
      const created = await tx.motion.create({
        data: {
          kind: d.kind,
          title: d.title,
          text: d.text,
          options: d.options,
          opensAt: d.opensAt,
          closesAt: d.closesAt,
          rule: d.rule,
          quorum: d.quorum,
          secret: d.secret,
          allowChange: d.allowChange,
          showCounts: d.showCounts,
          memberId: d.member?.id,
          verification: d.verification,
          article: d.article?.label,
          oldText: d.article?.oldText,
          newText: d.article?.newText,
          createdBy: actor,
        },
      });
      await audit(tx, { actor, action: 'motion.create', entity: 'motion', entityId: created.id, after: created });
      if (d.opensAt.getTime() <= now.getTime()) return (await this.openIn(tx, created, actor)) ?? created;
      return created;
    }, LONG_TX);
    await this.schedule(motion);
    this.deps.delivery?.wake();
    return { ok: true, motion };
  }

  /** Opens a draft whose time has come (timer, reconcile); a second call does nothing. */
  async open(id: string, actor = 'timer'): Promise<Motion | undefined> {
    const motion = await this.prisma.motion.findUnique({ where: { id } });
    if (!motion || motion.status !== 'draft' || motion.opensAt.getTime() > this.deps.now().getTime()) return undefined;
    const opened = await this.prisma.$transaction((tx) => this.openIn(tx, motion, actor), LONG_TX);
    if (opened) await this.schedule(opened);
    this.deps.delivery?.wake();
    return opened;
  }

  /** Freezes the eligible units (members in good standing now, less the unit an expulsion concerns) and sends the cards. */
  private async openIn(tx: Prisma.TransactionClient, motion: Motion, actor: string): Promise<Motion | undefined> {
    const now = this.deps.now();
    const won = await tx.motion.updateMany({
      where: { id: motion.id, status: 'draft' },
      data: { status: 'open', openedAt: now },
    });
    if (won.count === 0) return undefined;
    const members = await tx.member.findMany({
      where: { status: 'active', ...(motion.memberId ? { id: { not: motion.memberId } } : {}) },
      select: { id: true },
    });
    for (let i = 0; i < members.length; i += 5_000)
      await tx.motionEligible.createMany({
        data: members.slice(i, i + 5_000).map((m) => ({ motionId: motion.id, memberId: m.id })),
      });
    const opened = await tx.motion.update({ where: { id: motion.id }, data: { eligibleCount: members.length } });
    const card = voteCard(this.t, opened, await concernedName(tx, motion));
    const accounts = await accountsOf(
      tx,
      members.map((m) => m.id),
    );
    const entries: OutboxEntry[] = [];
    for (const [memberId, keys] of accounts)
      for (const key of keys) entries.push(toUser(key, card, `motion:${motion.id}:card:${memberId}:${key}`));
    for (let i = 0; i < entries.length; i += 2_000) await addToOutbox(tx, entries.slice(i, i + 2_000));
    await audit(tx, {
      actor,
      action: 'motion.open',
      entity: 'motion',
      entityId: motion.id,
      after: { eligible: members.length },
    });
    return opened;
  }

  cast(actor: string, motion: Motion | null, option: string): Promise<CastResult> {
    return castVote(this.deps.db, { actor, motion, option, now: this.deps.now() });
  }

  /** Closes an open motion: tally, rule, passed or failed, sent to every member and kept. Once only. */
  async close(id: string, actor: string): Promise<CloseResult> {
    const now = this.deps.now();
    const result = await this.prisma.$transaction(async (tx): Promise<CloseResult> => {
      const motion = await tx.motion.findUnique({ where: { id } });
      if (!motion) return { kind: 'not_found' };
      // The UPDATE waits for votes holding their share lock on the row; later votes see it closed.
      const won = await tx.motion.updateMany({
        where: { id, status: 'open' },
        data: { status: 'closed', closedAt: now, closedBy: actor },
      });
      if (won.count === 0) return { kind: 'not_open', motion };
      const options = optionsOf(motion);
      const counts = await this.counts(tx, motion);
      const voted = await tx.voterRecord.count({ where: { motionId: id } });
      const decision = decide({
        rule: motion.rule as Rule,
        quorum: motion.quorum,
        options,
        counts,
        eligible: motion.eligibleCount,
      });
      const tally: Tally = {
        counts,
        eligible: motion.eligibleCount,
        voted,
        quorumMet: decision.quorumMet,
        winner: decision.winner,
        reason: decision.reason,
      };
      const consequence =
        decision.passed && (motion.kind === 'expulsion' || motion.kind === 'amendment') ? 'pending' : 'none';
      const closed = await tx.motion.update({
        where: { id },
        data: { result: decision.passed ? 'passed' : 'failed', tally, consequence },
      });
      const memberName = await concernedName(tx, closed);
      await addToOutbox(tx, await this.resultEntries(tx, closed, tally, decision.passed, memberName));
      await this.endCards(
        tx,
        closed,
        this.t('congress.card_ended_closed', {
          result: this.t(decision.passed ? 'congress.result_passed' : 'congress.result_failed'),
        }),
        memberName,
      );
      if (motion.kind === 'amendment' && decision.passed)
        await addToOutbox(
          tx,
          await toSecretariat(tx, this.deps.config, [this.publishCard(closed)], `motion:${id}:publish`),
        );
      await audit(tx, {
        actor,
        action: 'motion.close',
        entity: 'motion',
        entityId: id,
        after: { result: closed.result, tally },
      });
      return { kind: 'closed', motion: closed, tally, passed: decision.passed };
    }, LONG_TX);
    // Another process may still use its copy for a few seconds: the vote's own check under its lock refuses.
    this.openMotions.forget(id);
    this.deps.delivery?.wake();
    if (result.kind === 'closed') await this.applyConsequence(result.motion);
    return result;
  }

  /** A passed expulsion expels (第十九条); kept as pending until done, so reconcile finishes it after a crash. */
  async applyConsequence(motion: Motion): Promise<void> {
    if (
      motion.kind !== 'expulsion' ||
      motion.result !== 'passed' ||
      motion.consequence !== 'pending' ||
      !motion.memberId
    )
      return;
    await expelMember(this.deps, { actor: `motion:${motion.number}`, memberId: motion.memberId });
    await this.prisma.motion.updateMany({
      where: { id: motion.id, consequence: 'pending' },
      data: { consequence: 'done' },
    });
  }

  async cancel(
    id: string,
    actor: string,
    reason: string,
  ): Promise<{ kind: 'cancelled'; motion: Motion } | { kind: 'not_open'; motion: Motion } | { kind: 'not_found' }> {
    const now = this.deps.now();
    const result = await this.prisma.$transaction(async (tx) => {
      const motion = await tx.motion.findUnique({ where: { id } });
      if (!motion) return { kind: 'not_found' as const };
      const won = await tx.motion.updateMany({
        where: { id, status: { in: ['draft', 'open'] } },
        data: { status: 'cancelled', cancelReason: reason, closedAt: now, closedBy: actor },
      });
      if (won.count === 0) return { kind: 'not_open' as const, motion };
      const cancelled = await tx.motion.findUniqueOrThrow({ where: { id } });
      if (motion.status === 'open') {
        const notice: Outbound = {
          kind: 'card',
          card: {
            title: this.t('congress.cancelled_title', { number: motion.number, title: motion.title }),
            lines: [this.t('congress.cancelled_lines', { reason })],
          },
        };
        await addToOutbox(tx, await this.eligibleEntries(tx, motion.id, notice, 'cancel'));
        await this.endCards(
          tx,
          cancelled,
          this.t('congress.card_ended_cancelled', { reason }),
          await concernedName(tx, cancelled),
        );
      }
      await audit(tx, {
        actor,
        action: 'motion.cancel',
        entity: 'motion',
        entityId: id,
        before: { status: motion.status },
        after: { reason },
      });
      return { kind: 'cancelled' as const, motion: cancelled };
    }, LONG_TX);
    this.openMotions.forget(id);
    this.deps.delivery?.wake();
    return result;
  }

  /** Turnout; counts only after the close unless the motion shows them while open. */
  async status(motion: Motion): Promise<MotionStatus> {
    const voted = await this.prisma.voterRecord.count({ where: { motionId: motion.id } });
    let counts: Record<string, number> | null = null;
    if (motion.status === 'closed')
      counts = (motion.tally as Tally | null)?.counts ?? (await this.counts(this.prisma, motion));
    else if (motion.status === 'open' && motion.showCounts) counts = await this.counts(this.prisma, motion);
    return {
      id: motion.id,
      number: motion.number,
      title: motion.title,
      status: motion.status,
      eligible: motion.eligibleCount,
      voted,
      counts,
      result: motion.status === 'closed' ? (motion.result as 'passed' | 'failed') : null,
      closesAt: motion.closesAt,
      unreached: motion.status === 'open' ? await this.unreached(motion.id) : [],
    };
  }

  /** MotionStatus.unreached: read off the ballots' outbox rows (their dedupe key names the unit). */
  private async unreached(motionId: string): Promise<string[]> {
    const prefix = `motion:${motionId}:card:`;
    const rows = await this.prisma.outboxMessage.findMany({
      where: { dedupeKey: { startsWith: prefix } },
      select: { dedupeKey: true, status: true },
    });
    const failed = new Set<string>();
    const reached = new Set<string>();
    for (const row of rows) {
      const memberId = row.dedupeKey!.slice(prefix.length).split(':')[0]!;
      (row.status === 'failed' ? failed : reached).add(memberId);
    }
    const ids = [...failed].filter((id) => !reached.has(id));
    if (ids.length === 0) return [];
    const voted = new Set(
      (
        await this.prisma.voterRecord.findMany({
          where: { motionId, memberId: { in: ids } },
          select: { memberId: true },
        })
      ).map((v) => v.memberId),
    );
    const units = await this.prisma.member.findMany({
      where: { id: { in: ids.filter((id) => !voted.has(id)) } },
      select: { orgName: true },
    });
    return units.map((u) => u.orgName).sort((a, b) => a.localeCompare(b, 'zh-CN'));
  }

  /** The minutes: per-unit rows for an open ballot; counts and receipt codes only for a secret one. */
  async exportCsv(motion: Motion): Promise<string> {
    const options = optionsOf(motion);
    const hidden = motion.status !== 'closed' && !motion.showCounts;
    // An expulsion's minutes name the unit and the secretariat's verification (第十九条).
    const about = await this.expulsionRecord(motion);
    if (motion.secret) {
      const counts = hidden ? {} : await this.counts(this.prisma, motion);
      const receipts = (
        await this.prisma.voterRecord.findMany({ where: { motionId: motion.id }, select: { receipt: true } })
      )
        .map((r) => r.receipt ?? '')
        .sort();
      return spreadsheetCsv(
        ['kind', 'value', 'count'],
        [
          ...about.map(([key, value]) => [key, value, '']),
          ...(hidden ? [] : options.map((o) => ['count', o, String(counts[o] ?? 0)])),
          ...receipts.map((r) => ['receipt', r, '']),
        ],
      );
    }
    const eligible = await this.prisma.motionEligible.findMany({ where: { motionId: motion.id } });
    const members = new Map(
      (
        await this.prisma.member.findMany({
          where: { id: { in: eligible.map((e) => e.memberId) } },
          select: { id: true, orgName: true },
        })
      ).map((m) => [m.id, m.orgName]),
    );
    const records = new Map(
      (await this.prisma.voterRecord.findMany({ where: { motionId: motion.id } })).map((r) => [r.memberId, r]),
    );
    const rows = eligible
      .map((e) => {
        const r = records.get(e.memberId);
        return [
          members.get(e.memberId) ?? e.memberId,
          r ? 'yes' : 'no',
          hidden ? '' : (r?.choice ?? ''),
          hidden ? '' : (r?.actor ?? ''),
          r?.votedAt?.toISOString() ?? '',
          hidden ? '' : (r?.changedAt?.toISOString() ?? ''),
        ];
      })
      .sort((a, b) => a[0]!.localeCompare(b[0]!, 'zh'));
    return spreadsheetCsv(['orgName', 'voted', 'choice', 'by', 'votedAt', 'changedAt'], rows, { preamble: about });
  }

  /** `member` and `verification` rows of an expulsion (none for other kinds). */
  private async expulsionRecord(motion: Motion): Promise<[string, string][]> {
    if (motion.kind !== 'expulsion') return [];
    return [
      ['member', (await concernedName(this.prisma, motion)) ?? ''],
      ['verification', motion.verification ?? ''],
    ];
  }

  /** Units eligible on an open motion that have not voted: each reminded once per offset. */
  async remind(id: string, offsetMs: number): Promise<number> {
    const now = this.deps.now();
    const count = await this.prisma.$transaction(async (tx) => {
      const motion = await tx.motion.findUnique({ where: { id } });
      if (!motion || motion.status !== 'open' || motion.closesAt.getTime() <= now.getTime()) return 0;
      const eligible = (await tx.motionEligible.findMany({ where: { motionId: id }, select: { memberId: true } })).map(
        (e) => e.memberId,
      );
      const voted = new Set(
        (await tx.voterRecord.findMany({ where: { motionId: id }, select: { memberId: true } })).map((r) => r.memberId),
      );
      const waiting = await tx.member.findMany({
        where: { id: { in: eligible.filter((m) => !voted.has(m)) }, status: 'active' },
        select: { id: true, orgName: true },
      });
      const accounts = await accountsOf(
        tx,
        waiting.map((m) => m.id),
      );
      const entries: OutboxEntry[] = [];
      for (const m of waiting)
        for (const key of accounts.get(m.id) ?? [])
          entries.push(
            toUser(key, reminderCard(this.t, motion, m.orgName), `motion:${id}:remind:${offsetMs}:${m.id}:${key}`),
          );
      for (let i = 0; i < entries.length; i += 2_000) await addToOutbox(tx, entries.slice(i, i + 2_000));
      return waiting.length;
    }, LONG_TX);
    this.deps.delivery?.wake();
    return count;
  }

  /** Every vote and reminder card of the motion loses its buttons and says how it ended. */
  private async endCards(tx: Tx, motion: Motion, line: string, memberName: string | undefined): Promise<void> {
    await updateSentCards(
      tx,
      [`motion:${motion.id}:card:`, `motion:${motion.id}:remind:`],
      endedCard(this.t, motion, line, memberName),
      {
        dedupe: `motion:${motion.id}:ended`,
      },
    );
  }

  /** The timers of a motion (ids from its id, so scheduling twice is harmless). */
  async schedule(motion: Motion): Promise<void> {
    const timers = this.timers;
    if (!timers) return;
    for (const timer of motionTimers(motion, this.deps.config.voteReminderMs)) await timers.at(timer);
  }

  /** Re-creates lost timers; opens and closes what is due; finishes consequences left pending. */
  async reconcile(): Promise<void> {
    const now = this.deps.now();
    for (const motion of await this.prisma.motion.findMany({ where: { status: { in: ['draft', 'open'] } } })) {
      await this.schedule(motion);
      if (motion.status === 'draft' && motion.opensAt <= now) await this.open(motion.id);
      if (motion.status === 'open' && motion.closesAt <= now) await this.close(motion.id, 'timer');
    }
    for (const motion of await this.prisma.motion.findMany({ where: { kind: 'expulsion', consequence: 'pending' } }))
      await this.applyConsequence(motion);
  }

  /**
   * Where a unit stands on the open motions, for a reply it typed: those it may still vote on
   * (`waiting`), those it voted on with its vote so far (`choice` null on a secret ballot), and the
   * expulsions of it (it does not vote on them). One read of the open motions, one of each table.
   */
  async standing(memberId: string): Promise<{
    waiting: Motion[];
    voted: { motion: Motion; choice: string | null }[];
    concerning: Motion[];
  }> {
    const now = this.deps.now();
    const open = await this.prisma.motion.findMany({
      where: { status: 'open', closesAt: { gt: now } },
      orderBy: { number: 'asc' },
    });
    if (open.length === 0) return { waiting: [], voted: [], concerning: [] };
    const ids = open.map((m) => m.id);
    const eligible = new Set(
      (await this.prisma.motionEligible.findMany({ where: { memberId, motionId: { in: ids } } })).map(
        (e) => e.motionId,
      ),
    );
    const records = new Map(
      (
        await this.prisma.voterRecord.findMany({
          where: { memberId, motionId: { in: ids } },
          select: { motionId: true, choice: true },
        })
      ).map((r) => [r.motionId, r.choice]),
    );
    return {
      waiting: open.filter((m) => m.memberId !== memberId && eligible.has(m.id) && !records.has(m.id)),
      voted: open
        .filter((m) => records.has(m.id))
        .map((motion) => ({ motion, choice: records.get(motion.id) ?? null })),
      concerning: open.filter((m) => m.memberId === memberId),
    };
  }

  /** Whether any motion is open for votes now. */
  async anyOpen(): Promise<boolean> {
    return (await this.prisma.motion.count({ where: { status: 'open', closesAt: { gt: this.deps.now() } } })) > 0;
  }

  private async counts(tx: Tx, motion: Motion): Promise<Record<string, number>> {
    const groups = motion.secret
      ? await tx.ballot.groupBy({ by: ['choice'], where: { motionId: motion.id }, _count: true })
      : await tx.voterRecord.groupBy({ by: ['choice'], where: { motionId: motion.id }, _count: true });
    const counts: Record<string, number> = Object.fromEntries(optionsOf(motion).map((o) => [o, 0]));
    for (const g of groups) if (g.choice !== null) counts[g.choice] = g._count;
    return counts;
  }

  private async resultEntries(
    tx: Tx,
    motion: Motion,
    tally: Tally,
    passed: boolean,
    memberName: string | undefined,
  ): Promise<OutboxEntry[]> {
    const options = optionsOf(motion);
    const reason =
      tally.reason === 'quorum'
        ? 'result_reason_quorum'
        : tally.reason === 'tie'
          ? 'result_reason_tie'
          : 'result_reason_none';
    const lines = [
      this.t('congress.result_lines', {
        closedAt: formatTime(motion.closedAt ?? this.deps.now()),
        result: this.t(passed ? 'congress.result_passed' : 'congress.result_failed'),
        eligible: tally.eligible,
        voted: tally.voted,
      }),
      this.t('congress.result_counts', { counts: countsText(options, tally.counts) }),
      this.t('congress.result_rule', { rule: ruleText(this.t, motion), quorum: this.t(`congress.${reason}`) }),
    ];
    if (passed && motion.kind === 'expulsion' && motion.memberId) {
      // The period 第十九条 sets now: expelMember (applyConsequence, right after) reads the same.
      const period = periodText(await lockPeriod(this.deps, 'expelled', tx));
      lines.push(this.t('congress.result_expelled', { org: memberName ?? '', period }));
    }
    if (passed && motion.kind === 'amendment')
      lines.push(this.t('congress.result_amended', { article: motion.article ?? '' }));
    const card: Outbound = {
      kind: 'card',
      card: { title: this.t('congress.result_title', { number: motion.number, title: motion.title }), lines },
    };
    const members = await tx.member.findMany({ where: { status: 'active' }, select: { id: true } });
    const accounts = await accountsOf(
      tx,
      members.map((m) => m.id),
    );
    const entries: OutboxEntry[] = [];
    for (const [memberId, keys] of accounts)
      for (const key of keys) entries.push(toUser(key, card, `motion:${motion.id}:result:${memberId}:${key}`));
    const memberKeys = new Set(entries.map((e) => `${e.channel}:${e.address.userId}`));
    for (const entry of await toSecretariat(tx, this.deps.config, [card], `motion:${motion.id}:result`))
      if (!memberKeys.has(`${entry.channel}:${entry.address.userId}`)) entries.push(entry);
    return entries;
  }

  private async eligibleEntries(tx: Tx, motionId: string, message: Outbound, what: string): Promise<OutboxEntry[]> {
    const eligible = (await tx.motionEligible.findMany({ where: { motionId }, select: { memberId: true } })).map(
      (e) => e.memberId,
    );
    const accounts = await accountsOf(tx, eligible);
    const entries: OutboxEntry[] = [];
    for (const [memberId, keys] of accounts)
      for (const key of keys) entries.push(toUser(key, message, `motion:${motionId}:${what}:${memberId}:${key}`));
    return entries;
  }

  private publishCard(motion: Motion): Outbound {
    return {
      kind: 'card',
      card: {
        title: this.t('congress.publish_title', { number: motion.number }),
        lines: [this.t('congress.publish_lines', { article: motion.article ?? '', text: motion.newText ?? '' })],
        buttons: [
          {
            label: this.t('congress.publish_button'),
            action: PUBLISH_ACTION,
            value: { motion: motion.id },
            style: 'primary',
          },
        ],
      },
    };
  }

  /** Lines describing a motion (for the secretariat's summary). */
  describe(motion: Motion, memberName?: string): string[] {
    return motionLines(this.t, motion, memberName);
  }
}
