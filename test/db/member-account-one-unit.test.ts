// One account represents at most one member unit, across Member and MemberAccount (the trigger of
// 20261206192000_member_account_one_unit): an extra account may not be another unit's Member
// account, and a Member may not take an account that is another unit's extra account. The unit's
// own accounts are fine. On PostgreSQL and PGlite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOTH_DATABASES, openMigratedTestDatabase, type OpenedDatabase } from '../support/db.ts';

describe.each(BOTH_DATABASES)('one unit per account on $name', ({ embedded }) => {
  let opened: OpenedDatabase;
  beforeAll(async () => {
    opened = await openMigratedTestDatabase(embedded);
  }, 120_000);
  afterAll(async () => opened?.close());

  const member = (orgName: string, userId: string) => ({
    orgName,
    orgType: '高校',
    repName: '代表',
    channel: 'feishu',
    userId,
  });

  it('refuses an extra account that another unit holds, and a Member account that is another unit’s extra one', async () => {
    const prisma = opened.db.prisma;
    const a = await prisma.member.create({ data: member('甲大学', 'ou_a') });
    const b = await prisma.member.create({ data: member('乙大学', 'ou_b') });
    await prisma.memberAccount.create({ data: { memberId: a.id, channel: 'feishu', userId: 'ou_a2' } });
    // Its own Member account again, and another channel's same id: allowed.
    await prisma.memberAccount.create({ data: { memberId: a.id, channel: 'wechat', userId: 'ou_b' } });

    await expect(
      prisma.memberAccount.create({ data: { memberId: a.id, channel: 'feishu', userId: 'ou_b' } }),
    ).rejects.toThrow();
    await expect(
      prisma.memberAccount.update({
        where: { channel_userId: { channel: 'feishu', userId: 'ou_a2' } },
        data: { userId: 'ou_b' },
      }),
    ).rejects.toThrow();
    await expect(prisma.member.create({ data: member('丙大学', 'ou_a2') })).rejects.toThrow();
    await expect(prisma.member.update({ where: { id: b.id }, data: { userId: 'ou_a2' } })).rejects.toThrow();

    expect(await prisma.memberAccount.count()).toBe(2);
    expect((await prisma.member.findUniqueOrThrow({ where: { id: b.id } })).userId).toBe('ou_b');
  });
});
