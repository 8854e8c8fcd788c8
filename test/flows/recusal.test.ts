// Recusal (issue 17, finding 2): a secretariat member cannot decide on their own unit's application,
// nor on objections to it, and does not learn who objected; with nobody else to decide, the case
// stays open and the reply says so. Through the console, with the real delivery path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillToSummary } from '../support/application-script.ts';
import {
  button,
  click,
  createMembershipHarness,
  type MailUser,
  type MembershipHarness,
} from '../support/membership-harness.ts';

let h: MembershipHarness;
beforeAll(async () => {
  h = await createMembershipHarness({ APPLICATION_DEADLINE: '2099-12-31', PUBLIC_NOTICE_PERIOD: '1h' });
  await h.importMembers([
    ['北京市数字教育中心', 'm1'],
    ['上海智慧教育科技有限公司', 'sec2'],
  ]);
});
afterAll(async () => h?.close());

const prisma = () => h.app.services.db.prisma;

describe('recusal', () => {
  it('refuses a decision on one’s own application and on objections to it, hides the objector', async () => {
    const [sec1, sec2, m1] = ['sec1', 'sec2', 'm1'].map((id) => h.user(id)) as [MailUser, MailUser, MailUser];
    await fillToSummary(sec1, '黔南州电化教育馆');
    await sec1.says('确认提交');
    const app = await prisma().application.findFirstOrThrow({ where: { userId: 'sec1', status: 'submitted' } });

    await sec1.waitFor('入盟申请待资格审查');
    await click(sec1, button(sec1, '入盟申请待资格审查', '通过资格审查'));
    expect(sec1.lastText()).toContain('回避');
    expect(sec1.lastText()).toContain('没有生效');
    // Return asks for a reason first: refused before the reason is asked.
    await click(sec1, button(sec1, '入盟申请待资格审查', '退回'));
    expect(sec1.lastText()).toContain('回避');
    expect(sec1.lastText()).not.toContain('原因');
    expect((await prisma().application.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('submitted');
    expect(await prisma().auditLog.count({ where: { action: 'recusal.refused', actor: 'console:sec1' } })).toBe(2);

    await sec2.waitFor('入盟申请待资格审查');
    await click(sec2, button(sec2, '入盟申请待资格审查', '通过资格审查'));
    expect(sec2.lastText()).toContain('已通过申请');

    await m1.waitFor('入盟公示：黔南州电化教育馆');
    await click(m1, button(m1, '入盟公示', '提出异议'));
    await m1.says('该单位尚未完成接入国家体系。');
    expect(m1.lastText()).toContain('已收到您对 黔南州电化教育馆 的异议');

    await sec2.waitFor('公示异议');
    expect(sec2.inboxText()).toContain('成员单位 北京市数字教育中心 对 黔南州电化教育馆');
    await sec1.waitFor('公示异议');
    expect(sec1.inboxText()).not.toContain('北京市数字教育中心');
    expect(sec1.inboxText()).not.toContain('尚未完成接入');

    const dismiss = button(sec2, '公示异议', '驳回异议');
    await click(sec1, dismiss);
    expect(sec1.lastText()).toContain('回避');
    expect(sec1.lastText()).not.toContain('没有其他');
    const objection = await prisma().objection.findFirstOrThrow({});
    expect(objection.status).toBe('open');

    // With sec2 gone from the secretariat, nobody else can decide: said, and the case stays open.
    const grant = await prisma().roleGrant.findFirstOrThrow({ where: { userKey: 'console:sec2' } });
    await prisma().roleGrant.delete({ where: { id: grant.id } });
    await click(sec1, dismiss);
    expect(sec1.lastText()).toContain('没有其他');
    expect((await prisma().objection.findFirstOrThrow({})).status).toBe('open');
    await prisma().roleGrant.create({ data: { userKey: 'console:sec2', role: 'secretariat', grantedBy: 'test' } });
    await click(sec2, dismiss);
    expect(sec2.lastText()).toContain('已驳回');
  }, 90_000);

  it('refuses a decision on an application from the secretariat member’s own organisation', async () => {
    const [sec2, zhao] = ['sec2', 'zhao'].map((id) => h.user(id)) as [MailUser, MailUser];
    // sec2 works at 遵义市教育局 (started its application earlier; a colleague submits).
    await sec2.says('我要申请加入联盟');
    await sec2.says('遵义市教育局');
    await sec2.says('暂停一下');
    await fillToSummary(zhao, '遵义市 教育局');
    await zhao.says('确认提交');
    expect(zhao.lastText()).toMatch(/LM-\d{4}-\d{4}/);
    await sec2.waitFor('遵义市教育局');
    await click(sec2, button(sec2, '入盟申请待资格审查', '通过资格审查'));
    expect(sec2.lastText()).toContain('回避');
    expect(sec2.lastText()).toContain('遵义市');
    expect(
      (await prisma().application.findFirstOrThrow({ where: { userId: 'zhao', status: { not: 'draft' } } })).status,
    ).toBe('submitted');
  }, 60_000);

  it('a click on 通过资格审查 by someone outside the secretariat changes nothing', async () => {
    const [qian, m1, sec1] = ['qian', 'm1', 'sec1'].map((id) => h.user(id)) as [MailUser, MailUser, MailUser];
    await fillToSummary(qian, '铜仁市教育局');
    await qian.says('确认提交');
    await sec1.waitFor('铜仁市教育局');
    const approve = button(sec1, '入盟申请待资格审查', '通过资格审查');
    const audits = await prisma().auditLog.count();
    const notices = await prisma().publicNotice.count();
    for (const outsider of [qian, m1]) {
      await click(outsider, approve);
      expect(outsider.lastText()).toContain('仅限联盟秘书处');
    }
    const app = await prisma().application.findFirstOrThrow({ where: { userId: 'qian', status: { not: 'draft' } } });
    expect(app.status).toBe('submitted');
    expect(await prisma().reviewCase.findFirstOrThrow({ where: { applicationId: app.id } })).toMatchObject({
      status: 'open',
      decidedBy: null,
    });
    expect(await prisma().auditLog.count()).toBe(audits);
    expect(await prisma().publicNotice.count()).toBe(notices);
  }, 60_000);

  it('re-checks the secretariat role when the reason is typed, after the click', async () => {
    const [sun, sec1] = ['sun', 'sec1'].map((id) => h.user(id)) as [MailUser, MailUser];
    await fillToSummary(sun, '六盘水市教育局');
    await sun.says('确认提交');
    await sec1.waitFor('六盘水市教育局');
    await click(sec1, button(sec1, '入盟申请待资格审查', '退回'));
    expect(sec1.lastText()).toContain('退回补充的原因');
    // The role is taken away between the click and the reason.
    const grant = await prisma().roleGrant.findFirstOrThrow({ where: { userKey: 'console:sec1' } });
    await prisma().roleGrant.delete({ where: { id: grant.id } });
    try {
      await sec1.says('请补充单位简介中的接入情况。');
      expect(sec1.lastText()).toContain('仅限联盟秘书处');
      const app = await prisma().application.findFirstOrThrow({ where: { userId: 'sun', status: { not: 'draft' } } });
      expect(app.status).toBe('submitted');
    } finally {
      await prisma().roleGrant.create({ data: { userKey: 'console:sec1', role: 'secretariat', grantedBy: 'test' } });
    }
  }, 60_000);
});
