// castVote's one statement (ballots.ts), on both databases the bot runs on: every reason a vote is
// not taken, in the order they are checked, the unit an account represents (its own row, or the
// unit it was added to as a representative), a motion closed after the caller read it (the statement's
// own check under its share lock), changes, secret ballots; and the open-motion cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castVote } from '../../src/congress/ballots.ts';
import { OpenMotions } from '../../src/congress/open-motions.ts';
import type { Motion } from '../../src/generated/prisma/client.ts';
import { BOTH_DATABASES, openMigratedTestDatabase, type OpenedDatabase } from '../support/db.ts';

describe.each(BOTH_DATABASES)('castVote on $name', ({ embedded }) => {
  let opened: OpenedDatabase;
  const db = () => opened.db;
  const now = new Date();
  let counter = 0;

  beforeAll(async () => {
    opened = await openMigratedTestDatabase(embedded);
    const member = (orgName: string, userId: string, status = 'active') =>
      db().prisma.member.create({ data: { orgName, channel: 'feishu', userId, status } });
    const a = await member('甲单位', 'ou_a');
    await member('乙单位', 'ou_b', 'withdrawn');
    const c = await member('丙单位', 'ou_c');
    await member('丁单位', 'ou_g', 'expelled');
    // ou_d is on no unit's own row: it was added to 戊单位 as a second representative.
    const e = await member('戊单位', 'ou_e');
    await db().prisma.memberAccount.create({ data: { memberId: e.id, channel: 'feishu', userId: 'ou_d' } });
    // 己单位 joined after the motions opened: not eligible.
    await member('己单位', 'ou_f');
    eligible = [a.id, c.id, e.id];
    concernedId = c.id;
  }, 120_000);
  afterAll(async () => opened?.close());

  let eligible: string[] = [];
  let concernedId = '';

  async function motion(data: Partial<Motion> = {}): Promise<Motion> {
    counter += 1;
    const created = await db().prisma.motion.create({
      data: {
        kind: 'general',
        title: `表决${counter}`,
        text: '…',
        options: ['赞成', '反对', '弃权'],
        opensAt: new Date(now.getTime() - 60_000),
        closesAt: new Date(now.getTime() + 3_600_000),
        rule: 'majority_cast',
        status: 'open',
        createdBy: 'test',
        ...(data as object),
      },
    });
    await db().prisma.motionEligible.createMany({
      data: eligible.map((memberId) => ({ motionId: created.id, memberId })),
    });
    return created;
  }
  const cast = (m: Motion | null, actor: string, option: string, at = now) =>
    castVote(db(), { actor, motion: m, option, now: at });
  const votes = (m: Motion) => db().prisma.voterRecord.count({ where: { motionId: m.id } });

  it('says why a vote is not taken, in order, and takes none', async () => {
    const m = await motion();
    expect(await cast(null, 'feishu:ou_a', '赞成')).toEqual({ kind: 'not_found' });
    expect(await cast(m, 'feishu:ou_x', '赞成')).toEqual({ kind: 'not_member' });
    expect(await cast(m, 'feishu:ou_b', '同意')).toEqual({ kind: 'former_member', org: '乙单位', status: 'withdrawn' });
    expect(await cast(m, 'feishu:ou_g', '赞成')).toEqual({ kind: 'former_member', org: '丁单位', status: 'expelled' });
    expect(await cast(m, 'feishu:ou_f', '赞成')).toEqual({ kind: 'not_eligible', org: '己单位' });
    expect(await cast(m, 'feishu:ou_a', '同意')).toEqual({ kind: 'bad_option', options: ['赞成', '反对', '弃权'] });
    expect(await cast(m, 'feishu:ou_a', '赞成', new Date(m.closesAt.getTime() + 1))).toEqual({ kind: 'too_late' });
    const draft = await motion({ status: 'draft' });
    expect(await cast(draft, 'feishu:ou_a', '赞成')).toEqual({ kind: 'not_open', status: 'draft' });
    const expulsion = await motion({ kind: 'expulsion', memberId: concernedId });
    expect(await cast(expulsion, 'feishu:ou_c', '反对')).toEqual({ kind: 'concerned', org: '丙单位' });
    expect(await votes(m)).toBe(0);
    expect(await votes(draft)).toBe(0);
    expect(await votes(expulsion)).toBe(0);
  });

  it('records one vote per unit; the same again, a refused change, an allowed change', async () => {
    const m = await motion();
    expect(await cast(m, 'feishu:ou_a', '赞成')).toEqual({ kind: 'recorded', org: '甲单位', choice: '赞成' });
    expect(await cast(m, 'feishu:ou_a', '赞成')).toEqual({ kind: 'same', org: '甲单位', choice: '赞成' });
    expect(await cast(m, 'feishu:ou_a', '反对')).toEqual({
      kind: 'already',
      org: '甲单位',
      choice: '赞成',
      secret: false,
    });
    const changeable = await motion({ allowChange: true });
    await cast(changeable, 'feishu:ou_a', '赞成');
    expect(await cast(changeable, 'feishu:ou_a', '弃权')).toEqual({
      kind: 'changed',
      org: '甲单位',
      from: '赞成',
      to: '弃权',
    });
    const row = await db().prisma.voterRecord.findFirstOrThrow({ where: { motionId: m.id } });
    expect(row).toMatchObject({ actor: 'feishu:ou_a', choice: '赞成', receipt: null });
    expect(row.votedAt?.getTime()).toBe(now.getTime());
  });

  it('counts a vote from an account added to a unit (MemberAccount) for that unit, once with its own', async () => {
    const m = await motion();
    expect(await cast(m, 'feishu:ou_d', '反对')).toEqual({ kind: 'recorded', org: '戊单位', choice: '反对' });
    expect(await cast(m, 'feishu:ou_e', '赞成')).toEqual({
      kind: 'already',
      org: '戊单位',
      choice: '反对',
      secret: false,
    });
    expect(await votes(m)).toBe(1);
  });

  it('refuses a vote on a motion closed after the caller read it (checked under the lock)', async () => {
    const m = await motion();
    await db().prisma.motion.update({ where: { id: m.id }, data: { status: 'closed' } });
    expect(await cast(m, 'feishu:ou_a', '赞成')).toEqual({ kind: 'not_open', status: 'closed' });
    expect(await votes(m)).toBe(0);
  });

  it('keeps a secret ballot apart from the voter: a receipt, a ballot without voter, once', async () => {
    const m = await motion({ secret: true });
    const first = await cast(m, 'feishu:ou_a', '弃权');
    expect(first).toMatchObject({ kind: 'recorded', org: '甲单位', choice: '弃权' });
    const receipt = (first as { receipt: string }).receipt;
    expect(receipt).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
    expect(await cast(m, 'feishu:ou_a', '赞成')).toEqual({ kind: 'already', org: '甲单位', secret: true });
    const records = await db().prisma.voterRecord.findMany({ where: { motionId: m.id } });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ receipt, choice: null, actor: null, votedAt: null });
    expect(await db().prisma.ballot.findMany({ where: { motionId: m.id }, select: { choice: true } })).toEqual([
      { choice: '弃权' },
    ]);
  });

  it('keeps an open motion a few seconds, never a draft, and forgets one on request', async () => {
    let clock = 1_000_000;
    const cache = new OpenMotions(db().sql, 5_000, () => clock);
    const m = await motion();
    const first = await cache.get(m.id);
    expect(first).toMatchObject({ id: m.id, status: 'open', options: ['赞成', '反对', '弃权'] });
    expect(first!.closesAt.getTime()).toBe(m.closesAt.getTime());
    await db().prisma.motion.update({ where: { id: m.id }, data: { title: '改过' } });
    expect((await cache.get(m.id))!.title).toBe(m.title);
    clock += 5_000;
    expect((await cache.get(m.id))!.title).toBe('改过');
    cache.forget(m.id);
    await db().prisma.motion.update({ where: { id: m.id }, data: { status: 'closed' } });
    expect((await cache.get(m.id))!.status).toBe('closed');
    const draft = await motion({ status: 'draft' });
    await cache.get(draft.id);
    await db().prisma.motion.update({ where: { id: draft.id }, data: { status: 'open' } });
    expect((await cache.get(draft.id))!.status).toBe('open');
    expect(await cache.get('not-a-uuid')).toBeNull();
    expect(await cache.get('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});
