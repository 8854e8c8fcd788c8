// The charter's membership process through the console, the way the people involved use it:
// submit → review card → approve → 公示 → objection → timer → member granted → member list;
// return for amendment and resubmission, rejection, an upheld objection, withdrawal and the
// two-year lockout. Cards reach the secretariat and members through the real outbox → BullMQ path;
// the end of 公示 is a real BullMQ delayed job (a few seconds here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileFixtures } from '../support/scan-files.ts';
import { fillToSummary } from '../support/application-script.ts';
import { expelMember } from '../../src/membership/withdrawal.ts';
import {
  button,
  click,
  createMembershipHarness,
  type MailUser,
  type MembershipHarness,
} from '../support/membership-harness.ts';

let h: MembershipHarness;
const files = fileFixtures(fs.mkdtempSync(path.join(os.tmpdir(), 'ab-membership-')));
beforeAll(async () => {
  h = await createMembershipHarness({ APPLICATION_DEADLINE: '2099-12-31', PUBLIC_NOTICE_PERIOD: '4s' });
  await h.importMembers([
    ['北京市数字教育中心', 'm1'],
    ['上海智慧教育科技有限公司', 'm2'],
  ]);
});
afterAll(async () => h?.close());

const prisma = () => h.app.services.db.prisma;
const appOf = (user: MailUser) =>
  prisma().application.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: 'desc' } });

async function submit(user: MailUser, org: string): Promise<void> {
  await fillToSummary(user, org);
  await user.says('确认提交');
  expect(user.lastText()).toMatch(/LM-\d{4}-\d{4}/);
}

describe('membership process', () => {
  it('submit → review → 公示 with an objection dismissed → timer → member, list published', async () => {
    const zhang = h.user('zhang');
    const [sec1, sec2, m1, m2] = ['sec1', 'sec2', 'm1', 'm2'].map((id) => h.user(id)) as [
      MailUser,
      MailUser,
      MailUser,
      MailUser,
    ];
    await submit(zhang, '贵州智慧教育科技有限公司');

    const card = await sec1.waitFor('入盟申请待资格审查');
    expect(card.kind === 'card' && card.card.fields?.some((f) => f.value === '贵州智慧教育科技有限公司')).toBe(true);
    await sec1.waitFor('的申请表'); // the DOCX
    await sec2.waitFor('入盟申请待资格审查');
    const approve = button(sec1, '入盟申请待资格审查', '通过资格审查');

    // The applicant and a member clicking the secretariat's button: refused, nothing changed.
    await click(zhang, approve);
    expect(zhang.lastText()).toContain('仅限联盟秘书处');
    await click(m1, approve);
    expect(m1.lastText()).toContain('仅限联盟秘书处');
    expect((await appOf(zhang)).status).toBe('submitted');

    await click(sec1, approve);
    expect(sec1.lastText()).toContain('已通过申请');
    expect(sec1.lastText()).toContain('4 秒');
    // The second secretariat member's click on the same card: told who decided.
    await click(sec2, approve);
    expect(sec2.lastText()).toContain('已由 console:sec1');
    expect(await prisma().publicNotice.count()).toBe(1);

    await zhang.waitFor('已通过秘书处资格审查');
    // The stamped scan may still come after the review; it is taken and kept with the application.
    await zhang.sendsFile(files.png);
    expect(zhang.lastText()).toContain('盖章申请表.png');
    await m2.waitFor('入盟公示：贵州智慧教育科技有限公司');
    await m1.waitFor('入盟公示：贵州智慧教育科技有限公司');
    // The applicant is not a member: cannot object.
    const object = button(m1, '入盟公示', '提出异议');
    await click(zhang, object);
    expect(zhang.lastText()).toContain('仅限联盟成员单位的代表');

    await click(m1, object);
    expect(m1.lastText()).toContain('异议理由');
    await m1.says('该单位尚未完成接入国家体系。');
    expect(m1.lastText()).toContain('已收到您对 贵州智慧教育科技有限公司 的异议');
    await click(m1, object);
    expect(m1.lastText()).toContain('已对 贵州智慧教育科技有限公司 提出过异议');

    await sec2.waitFor('公示异议');
    const dismiss = button(sec2, '公示异议', '驳回异议');
    await click(m2, dismiss);
    expect(m2.lastText()).toContain('仅限联盟秘书处');
    await click(sec2, dismiss);
    expect(sec2.lastText()).toContain('已驳回');
    await m1.waitFor('未予采纳');
    // Objecting again after the decision is told what became of the first objection.
    await click(m1, object);
    expect(m1.lastText()).toContain('已经处理，未予采纳');

    // The end of 公示 is a delayed BullMQ job.
    await zhang.waitFor('已取得国家数字教育资源公共服务体系联盟成员资格');
    expect((await appOf(zhang)).status).toBe('admitted');
    await m2.waitFor('联盟成员名单更新');
    await zhang.says('成员名单');
    expect(zhang.lastText()).toContain('共 3 家');
    expect(zhang.lastText()).toContain('贵州智慧教育科技有限公司');

    // A stale card after the decision: refused, nothing changed.
    await click(sec2, approve);
    expect(sec2.lastText()).toContain('已由 console:sec1');
    const audit = await prisma().auditLog.findFirstOrThrow({ where: { action: 'review.approve' } });
    expect(audit).toMatchObject({
      actor: 'console:sec1',
      before: { status: 'submitted' },
      after: { status: 'notice' },
    });
    await h.settle();
    // Exactly one notice card per member.
    expect(m1.inbox.filter((o) => o.kind === 'card' && o.card.title.startsWith('入盟公示'))).toHaveLength(1);
  }, 90000);

  it('returned for amendment with a reason, resubmitted, then rejected', async () => {
    const li = h.user('li');
    const sec1 = h.user('sec1');
    const sec2 = h.user('sec2');
    await submit(li, '云南教育云平台有限公司');
    await sec1.waitFor('云南教育云平台有限公司');
    // The stamped scan arrives after the review card: it follows to the secretariat.
    await li.sendsFile(files.pdf);
    await sec1.waitFor('已补交盖章扫描件');
    const scan = await sec1.waitFor('的盖章扫描件');
    expect(scan.kind === 'file' && scan.name).toBe('盖章申请表.pdf');
    const returnButton = button(sec1, '入盟申请待资格审查', '退回补充');
    const approveOld = button(sec1, '入盟申请待资格审查', '通过资格审查');
    expect(returnButton.value.case).toBe(approveOld.value.case);
    await click(sec1, returnButton);
    expect(sec1.lastText()).toContain('退回补充的原因');
    await sec1.says('');
    expect(sec1.lastText()).toContain('原因不能为空');
    // Neither punctuation nor a command becomes the reason the applicant reads.
    await sec1.says('。');
    expect(sec1.lastText()).toContain('原因不能为空');
    for (const command of ['帮助', '成员名单', '申请 退出联盟'])
      await sec1.says(command).then(() => expect(sec1.lastText()).toContain('没有当作原因'));
    expect((await appOf(li)).status).toBe('submitted');
    await sec1.says('请补充单位接入国家体系的时间和平台名称。');
    expect(sec1.lastText()).toContain('已将申请');
    const returned = await li.waitFor('退回补充');
    expect(returned.kind === 'text' && returned.text).toContain('请补充单位接入国家体系的时间和平台名称');
    expect((await appOf(li)).status).toBe('draft');
    await li.says('我的申请');
    expect(li.lastText()).toContain('秘书处退回补充，原因：请补充单位接入国家体系的时间和平台名称');

    // The old card is stale now.
    await click(sec2, approveOld);
    expect(sec2.lastText()).toContain('已由 console:sec1');
    expect(sec2.lastText()).toContain('退回补充');

    await li.says('继续申请');
    await li.says('单位基本情况改为：本公司2015年接入国家中小学智慧教育平台，运营云南教育云。');
    await li.says('确认提交');
    expect((await appOf(li)).status).toBe('submitted');
    await h.app.services.delivery!.poll();
    await h.settle();
    const cards = sec1.inbox.filter(
      (o) =>
        o.kind === 'card' &&
        o.card.title.startsWith('入盟申请待资格审查') &&
        o.card.fields?.some((f) => f.value === '云南教育云平台有限公司'),
    );
    expect(cards).toHaveLength(2);
    const reject = button(sec1, '入盟申请待资格审查', '不予通过');
    expect(reject.value.case).not.toBe(approveOld.value.case);
    await click(sec2, reject);
    await sec2.says('不符合章程第十三条的条件。');
    await li.waitFor('未通过秘书处资格审查');
    expect((await appOf(li)).status).toBe('rejected');
    await li.says('我的申请');
    expect(li.lastText()).toContain('原因：不符合章程第十三条的条件');
    expect(li.lastText()).not.toContain('退回补充');
  }, 90000);

  it('takes a reason that mentions the application number as the reason', async () => {
    const zhou = h.user('zhou-reason');
    const sec1 = h.user('sec1');
    await submit(zhou, '贵州编号原因测试有限公司');
    await sec1.waitFor('贵州编号原因测试有限公司');
    await click(sec1, button(sec1, '入盟申请待资格审查', '不予通过'));
    await sec1.says('申请编号有误，请核对');
    const rejected = await zhou.waitFor('未通过秘书处资格审查');
    expect(rejected.kind === 'text' && rejected.text).toContain('申请编号有误，请核对');
  });

  it('a reason prompt left open for an hour is over: the next message is not taken as the reason', async () => {
    const wang = h.user('wang-later');
    const sec1 = h.user('sec1');
    await submit(wang, '贵州搁置测试有限公司');
    await sec1.waitFor('贵州搁置测试有限公司');
    await click(sec1, button(sec1, '入盟申请待资格审查', '不予通过'));
    expect(sec1.lastText()).toContain('原因');
    // An hour passes (the prompt's start is moved back, as the clock would).
    await prisma().$executeRaw`UPDATE "Conversation"
      SET state = jsonb_set(state, '{dialog,startedAt}', to_jsonb('2000-01-01T00:00:00.000Z'::text))
      WHERE channel = 'console' AND "userId" = 'sec1'`;
    await sec1.says('资料不全');
    expect(sec1.lastText()).not.toContain('不予通过');
    expect((await appOf(wang)).status).toBe('submitted');
  });

  it('a unit put on the member list meanwhile is neither sent to 公示 nor re-registered over its representative', async () => {
    const sec1 = h.user('sec1');
    // Imported while the application waits for review: approval is refused.
    const qian = h.user('qian-listed');
    await submit(qian, '贵州已在名单测试有限公司');
    await sec1.waitFor('贵州已在名单测试有限公司');
    await h.importMembers([['贵州已在名单测试有限公司', 'mq']]);
    await click(sec1, button(sec1, '入盟申请待资格审查', '通过资格审查'));
    expect(sec1.lastText()).toContain('已经在联盟成员名单上');
    expect((await appOf(qian)).status).toBe('submitted');

    // Imported during 公示: at its end the representative stays the imported one.
    const sun = h.user('sun-listed');
    await submit(sun, '贵州公示中导入测试有限公司');
    await sec1.waitFor('贵州公示中导入测试有限公司');
    await click(sec1, button(sec1, '入盟申请待资格审查', '通过资格审查'));
    expect((await appOf(sun)).status).toBe('notice');
    await h.importMembers([['贵州公示中导入测试有限公司', 'ms']]);
    await sun.waitFor('没有重复登记');
    const member = await prisma().member.findUniqueOrThrow({ where: { orgName: '贵州公示中导入测试有限公司' } });
    expect(member).toMatchObject({ userId: 'ms', channel: 'console', status: 'active' });
  }, 60000);

  it('an upheld objection ends the notice without membership', async () => {
    const wu = h.user('wu');
    const sec1 = h.user('sec1');
    const m2 = h.user('m2');
    await submit(wu, '某某在线教育有限公司');
    await sec1.waitFor('某某在线教育有限公司');
    await click(sec1, button(sec1, '入盟申请待资格审查', '通过资格审查'));
    await m2.waitFor('入盟公示：某某在线教育有限公司');
    await click(m2, button(m2, '入盟公示：某某在线教育有限公司', '提出异议'));
    await m2.says('该单位存在违规收费问题。');
    await sec1.waitFor('公示异议：某某在线教育有限公司');
    await click(sec1, button(sec1, '公示异议：某某在线教育有限公司', '异议成立'));
    expect(sec1.lastText()).toContain('异议成立');
    await wu.waitFor('异议经秘书处核实成立');
    await m2.waitFor('经秘书处核实成立');
    // The timer fires after the period and changes nothing.
    const notice = await prisma().publicNotice.findFirstOrThrow({ where: { orgName: '某某在线教育有限公司' } });
    expect(notice.status).toBe('revoked');
    expect(
      await h.app.services.delivery!.timers!.queue.getJob(`notice.end:${notice.id}`.replaceAll(':', '-')),
    ).toBeDefined();
    expect(await prisma().member.count({ where: { orgName: '某某在线教育有限公司' } })).toBe(0);
    expect((await appOf(wu)).status).toBe('revoked');
  }, 90000);

  it('withdrawal approved by the secretariat, then a two-year lockout on re-applying', async () => {
    const m2 = h.user('m2');
    const m1 = h.user('m1');
    const sec1 = h.user('sec1');
    await h.user('guest').says('申请退出联盟');
    expect(h.user('guest').lastText()).toContain('仅限联盟成员单位的代表');
    await m2.says('申请退出联盟');
    expect(m2.lastText()).toContain('两年内不得申请重新加入');
    await m2.says('单位业务调整。');
    expect(m2.lastText()).toContain('已提交 上海智慧教育科技有限公司 的退出申请');
    await m2.says('申请退出联盟');
    expect(m2.lastText()).toContain('正在等待秘书处批准');
    await sec1.waitFor('退出联盟申请：上海智慧教育科技有限公司');
    const approve = button(sec1, '退出联盟申请', '批准退出');
    await click(m1, approve);
    expect(m1.lastText()).toContain('仅限联盟秘书处');
    await click(sec1, approve);
    expect(sec1.lastText()).toContain('已批准 上海智慧教育科技有限公司 退出联盟');
    await click(h.user('sec2'), approve);
    expect(h.user('sec2').lastText()).toContain('已由 console:sec1');
    await m2.waitFor('两年内');
    const member = await prisma().member.findUniqueOrThrow({ where: { orgName: '上海智慧教育科技有限公司' } });
    expect(member.status).toBe('withdrawn');
    expect(member.lockedUntil!.getTime() - member.leftAt!.getTime()).toBeGreaterThan(729 * 86_400_000);
    // No longer a member: the list is closed to them.
    await m2.says('成员名单');
    expect(m2.lastText()).toContain('仅向联盟成员单位代表和秘书处提供');

    const zhao = h.user('zhao');
    await zhao.says('我要申请加入联盟');
    await zhao.says('上海智慧教育科技有限公司');
    await zhao.says('上海市徐汇区漕溪北路1号');
    await zhao.says('公司');
    await zhao.says('本公司成立于2010年，员工200人，从事数字教育资源开发，已接入国家体系。');
    await zhao.says('赵强，总经理，13912345678，zhao@example.com');
    await zhao.says('同上');
    await zhao.says('确认提交');
    expect(zhao.replies.map((r) => (r.kind === 'text' ? r.text : '')).join('\n')).toContain('第二十条');
    expect((await appOf(zhao)).status).toBe('draft');
    expect(await prisma().reviewCase.count({ where: { applicationId: (await appOf(zhao)).id } })).toBe(0);
  }, 90000);

  it('two secretariat members clicking at once: exactly one decision wins; the applicant sees the status', async () => {
    const qian = h.user('qian');
    const [sec1, sec2] = [h.user('sec1'), h.user('sec2')];
    await submit(qian, '重庆数字教育研究院');
    await sec1.waitFor('重庆数字教育研究院');
    await sec2.waitFor('重庆数字教育研究院');
    const approve = button(sec1, '入盟申请待资格审查', '通过资格审查');
    const reject = button(sec2, '入盟申请待资格审查', '不予通过');
    expect(reject.value.case).toBe(approve.value.case);
    await click(sec2, reject); // sec2 is asked for a reason; meanwhile both approve at once
    const [a, b] = await Promise.all([click(sec1, approve), click(sec2, approve)]);
    const answers = [a, b].map((replies) => replies.map((r) => (r.kind === 'text' ? r.text : '')).join(''));
    expect(answers.filter((t) => t.includes('已通过申请'))).toHaveLength(1);
    expect(answers.filter((t) => t.includes('已由 console:'))).toHaveLength(1);
    const app = await appOf(qian);
    expect(await prisma().publicNotice.count({ where: { applicationId: app.id } })).toBe(1);
    expect(await prisma().auditLog.count({ where: { action: 'review.approve', entityId: app.id } })).toBe(1);
    await qian.says('稍后上传');
    await qian.says('我的申请');
    expect(qian.lastText()).toContain('已通过资格审查，正在全联盟范围公示');
  }, 90000);

  it('bad input from the secretariat and members changes nothing and gets a clear answer', async () => {
    const sec1 = h.user('sec1');
    const m1 = h.user('m1');
    await sec1.clicks('review.approve', {});
    expect(sec1.lastText()).toContain('找不到这份申请');
    await sec1.clicks('review.reject', { case: 'not-a-case' });
    expect(sec1.lastText()).toContain('找不到这份申请');
    await sec1.clicks('objection.dismiss', { objection: '\'; DROP TABLE "Member"; --' });
    expect(sec1.lastText()).toContain('找不到这份申请');
    await m1.clicks('notice.object', { notice: 'nope' });
    expect(m1.lastText()).toContain('没有找到这项公示');
    await sec1.clicks('withdrawal.approve', { request: 'nope' });
    expect(sec1.lastText()).toContain('找不到这份申请');

    const sun = h.user('sun');
    await submit(sun, '西藏教育资源中心');
    await sec1.waitFor('西藏教育资源中心');
    await click(sec1, button(sec1, '入盟申请待资格审查：' + (await appOf(sun)).number, '退回补充'));
    await sec1.says('补'.repeat(600));
    expect(sec1.lastText()).toContain('原因太长');
    await sec1.says('取消');
    expect(sec1.lastText()).toContain('仍待审查');
    expect((await appOf(sun)).status).toBe('submitted');
    expect(await prisma().member.count()).toBeGreaterThan(0);
  }, 90000);

  it('expulsion decided by the congress locks the organisation out for two years', async () => {
    const m1 = h.user('m1');
    const member = await prisma().member.findUniqueOrThrow({ where: { orgName: '北京市数字教育中心' } });
    expect(await expelMember(h.app.services, { actor: 'congress:motion-1', memberId: member.id })).toBe(true);
    expect(await expelMember(h.app.services, { actor: 'congress:motion-1', memberId: member.id })).toBe(false);
    await m1.waitFor('被除名');
    const after = await prisma().member.findUniqueOrThrow({ where: { id: member.id } });
    expect(after.status).toBe('expelled');
    expect(after.lockedUntil!.getUTCFullYear() - after.leftAt!.getUTCFullYear()).toBe(2);
    expect(await prisma().auditLog.count({ where: { action: 'member.expel', actor: 'congress:motion-1' } })).toBe(1);
    await m1.says('申请退出联盟');
    expect(m1.lastText()).toContain('仅限联盟成员单位的代表');
  }, 90000);
});
