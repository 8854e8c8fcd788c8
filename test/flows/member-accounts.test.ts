// One account represents at most one member unit (issue 17, finding 7): in the database, in the
// members import against what is already stored, and at the end of 公示.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { importMembers } from '../../src/membership/members.ts';
import { memberOf } from '../../src/membership/roles.ts';
import { fillToSummary } from '../support/application-script.ts';
import { createMembershipHarness, type MailUser, type MembershipHarness } from '../support/membership-harness.ts';
import type { Outbound } from '../../src/bot/outbound.ts';

let h: MembershipHarness;
beforeAll(async () => {
  h = await createMembershipHarness({ APPLICATION_DEADLINE: '2099-12-31', PUBLIC_NOTICE_PERIOD: '3s' });
  await h.importMembers([['北京市数字教育中心', 'm1']]);
});
afterAll(async () => h?.close());

const prisma = () => h.app.services.db.prisma;
const header = 'orgName,orgType,repName,channel,userId';

describe('one account, one member unit', () => {
  it('is enforced by the database', async () => {
    const error = await prisma()
      .member.create({ data: { orgName: '另一家单位', channel: 'console', userId: 'm1' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
    expect((await memberOf(prisma(), 'console:m1'))?.orgName).toBe('北京市数字教育中心');
  });

  it('is checked by the members import against the database, naming the unit that has the account', async () => {
    const result = await importMembers(
      prisma(),
      'test',
      [header, '天津市电化教育馆,教育部门,李明,console,m1', '河北省教育技术中心,教育部门,王芳,console,hb1'].join('\n'),
    );
    expect(result.created).toBe(1);
    expect(result.problems).toEqual([
      { line: 2, reason: 'user_taken', value: 'console:m1', org: '北京市数字教育中心' },
    ]);
    expect(
      h.app.services.texts.t('membership.import_reason_user_taken', { value: 'console:m1', org: '北京市数字教育中心' }),
    ).toContain('北京市数字教育中心');
    // Re-importing the same unit with its own account is fine.
    const again = await importMembers(
      prisma(),
      'test',
      [header, '北京市数字教育中心,教育部门,代表,console,m1'].join('\n'),
    );
    expect(again.problems).toEqual([]);
  });

  it('is checked at the end of 公示: the unit is not listed under an account that represents another', async () => {
    const [m1, sec1] = [h.user('m1'), h.user('sec1')] as [MailUser, MailUser];
    await fillToSummary(m1, '北京市海淀区教育信息中心');
    await m1.says('确认提交');
    await sec1.waitFor('入盟申请待资格审查');
    const card = [...sec1.inbox]
      .reverse()
      .find(
        (o): o is Extract<Outbound, { kind: 'card' }> =>
          o.kind === 'card' && o.card.title.includes('入盟申请待资格审查'),
      )!;
    const approve = card.card.buttons!.find((b) => b.label.includes('通过资格审查'))!;
    await sec1.clicks(approve.action, approve.value);
    expect(sec1.lastText()).toContain('已通过申请');
    await sec1.waitFor('已是成员单位“北京市数字教育中心”的代表');
    await m1.waitFor('暂未登记为成员');
    expect(await prisma().member.count({ where: { orgName: '北京市海淀区教育信息中心' } })).toBe(0);
    expect((await prisma().publicNotice.findFirstOrThrow({})).status).toBe('blocked');
  }, 60_000);
});

describe('members import of a file with a malformed line', () => {
  it('reports the bad line and imports the good rows, multi-line names after it included', async () => {
    const result = await importMembers(
      prisma(),
      'test',
      [
        header,
        '"云南省电教馆,教育部门,代表,console,yn1',
        '"四川省教育',
        '技术中心",教育部门,代表,console,sc1',
        '重庆市教育信息中心,教育部门,代表,console,cq1',
      ].join('\n'),
    );
    expect(result.problems).toEqual([{ line: 2, reason: 'format', value: '"云南省电教馆,教育部门,代表,console,yn1' }]);
    expect(result.created).toBe(2);
    expect((await memberOf(prisma(), 'console:sc1'))?.orgName).toBe('四川省教育\n技术中心');
  });
});

describe('the migration', () => {
  it('keeps an account with its active, earliest unit and marks the other rows, with an audit row', async () => {
    const client = new pg.Client({ connectionString: h.database.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('DROP INDEX "Member_channel_userId_key"');
      await client.query('CREATE INDEX "Member_channel_userId_idx" ON "Member"("channel", "userId")');
      await client.query(`INSERT INTO "Member" (id, "orgName", channel, "userId", status, "joinedAt", "updatedAt") VALUES
        ('dup-a', '甲单位', 'feishu', 'ou_same', 'withdrawn', '2020-01-01', now()),
        ('dup-b', '乙单位', 'feishu', 'ou_same', 'active', '2021-01-01', now()),
        ('dup-c', '丙单位', 'feishu', 'ou_same', 'active', '2022-01-01', now())`);
      const dir = fs.readdirSync('prisma/migrations').find((d) => d.endsWith('_member_account_unique'))!;
      await client.query(fs.readFileSync(path.join('prisma/migrations', dir, 'migration.sql'), 'utf8'));
      const rows = await client.query<{ id: string; userId: string }>(
        `SELECT id, "userId" FROM "Member" WHERE id LIKE 'dup-%' ORDER BY id`,
      );
      expect(rows.rows).toEqual([
        { id: 'dup-a', userId: 'ou_same#duplicate-dup-a' },
        { id: 'dup-b', userId: 'ou_same' },
        { id: 'dup-c', userId: 'ou_same#duplicate-dup-c' },
      ]);
      const audits = await client.query(`SELECT "entityId" FROM "AuditLog" WHERE action = 'member.account_duplicate'`);
      expect(audits.rows.map((r) => r.entityId).sort()).toEqual(['dup-a', 'dup-c']);
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  });
});
