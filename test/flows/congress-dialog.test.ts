// 「发起表决」: the secretariat creates motions in chat, the way it is typed on a phone — each answer
// echoed as stored, bad answers refused with the reason and nothing lost, corrections, a charter
// question mid-way, cancel; confirming creates the motion through the same service as the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMembershipHarness, type MembershipHarness } from '../support/membership-harness.ts';
import { outboundText } from '../support/app.ts';

let h: MembershipHarness;
const prisma = () => h.app.services.db.prisma;
const sec = () => h.user('sec1');
const says = async (text: string) => {
  await sec().says(text);
  return sec().lastText();
};

beforeAll(async () => {
  h = await createMembershipHarness();
  await h.importMembers([
    ['甲单位', 'a'],
    ['乙单位', 'b'],
    ['丙单位', 'c'],
  ]);
}, 120_000);
afterAll(async () => h?.close());

describe('发起表决 in chat', () => {
  it('is refused to anyone but the secretariat', async () => {
    await h.user('a').says('发起表决');
    expect(h.user('a').lastText()).toContain('只有秘书处');
    // Nothing was opened: the next message is taken as what it is.
    await h.user('a').says('修订章程');
    expect(h.user('a').lastText()).not.toContain('已记下');
  });

  it('an amendment: typed sloppily, bad answers refused, a question answered, corrected, confirmed', async () => {
    expect(await says('发起表决')).toContain('请选择表决类别');
    expect(await says('随便')).toContain('没看懂“随便”作为“类别”的意思');
    expect(await says('修改章程')).toContain('已记下 类别：章程修订');
    // A title starting with 修订 is a title, not a correction.
    expect(await says('修订第十九条')).toContain('已记下 标题：修订第十九条');
    expect(await says('将除名后不得重新申请的期限由两年改为三年。')).toContain('请输入要修订的章程条目');
    expect(await says('第九十九条')).toContain('章程中没有“第九十九条”');
    // A question mid-way is answered from the charter, then the dialog picks up where it was.
    const answer = await says('第十九条是怎么规定的？');
    expect(answer).toContain('接着发起表决');
    expect(answer).toContain('请输入要修订的章程条目');
    const stored = await says('19');
    expect(stored).toContain('已记下 修订条目：第十九条');
    expect(stored).toContain('第十九条 现行条文：');
    // Longer than the bot takes at all, then longer than a motion's text may be: refused, nothing lost.
    expect(await says('长'.repeat(20_000))).toContain('太长');
    expect(await says('长'.repeat(6_000))).toContain('不超过 5000 字（实际 6000 字）');
    expect(await says('')).toContain('请输入修订后的完整新条文');
    const newText =
      '联盟成员违反联盟章程及有关协议、规约，或一年以上不履行义务，情节严重的，经秘书处核实，提交成员大会审议决定除名。联盟成员除名后三年内不得申请重新加入联盟。';
    expect(await says(newText)).toContain('已记下 新条文');
    expect(await says('现在')).toContain('已记下 开始时间：现在');
    expect(await says('2020-01-01 10:00')).toContain(
      '“2020-01-01 10:00”是 2020年1月1日（周三）10:00（北京时间），已经过去了',
    );
    expect(await says('后年吧')).toContain('没看懂');
    expect(await says('明天下午5点')).toMatch(/已记下 截止时间：\d{4}年\d{1,2}月\d{1,2}日（周.）17:00（北京时间）/);
    expect(await says('三分之二')).toContain('已记下 通过规则：赞成票不少于赞成、反对票合计的三分之二');
    expect(await says('默认')).toContain('已记下 法定人数：默认：至少 50% 的成员单位参加表决');
    expect(await says('记名')).toContain('已记下 投票方式：记名投票');
    const summary = await says('允许');
    expect(summary).toContain('已记下 改票：允许截止前改票');
    expect(summary).toContain('请核对表决内容');
    // Old and new wording side by side.
    expect(summary).toContain('现行条文：联盟成员违反联盟章程');
    expect(summary).toContain('两年内不得申请');
    expect(summary).toContain('修订为：联盟成员违反联盟章程');
    expect(summary).toContain('三年内不得申请');
    // What the amendment does to the re-application period (第十九条), said before the vote.
    expect(summary).toContain('按此修订，除名后不得重新申请的期限将由两年改为三年');

    // Corrections: by name, with the value inline, by number; the summary comes back each time.
    expect(await says('改截止时间')).toContain('投票截止时间？');
    const corrected = await says('后天上午九点半');
    expect(corrected).toMatch(/已记下 截止时间：\d{4}年\d{1,2}月\d{1,2}日（周.）09:30（北京时间）/);
    expect(corrected).toContain('请核对表决内容');
    expect(await says('改标题为修订章程第十九条')).toContain('2. 标题：修订章程第十九条');
    // A new wording that states no period the bot can read: warned, then put back.
    const vague = await says('改新条文为联盟成员除名后不得随意申请重新加入联盟。');
    expect(vague).toContain('注意：修订后的第十九条没有写明能识别的重新申请期限');
    expect(vague).toContain('仍按原章程的两年执行');
    expect(await says(`改新条文为${newText}`)).toContain('将由两年改为三年');
    expect(await says('改99')).toContain('没有“99”这一项');
    expect(await says('嗯嗯')).toContain('回复“确认”发起表决');

    const before = await prisma().motion.count();
    const created = await says('确认');
    expect(created).toMatch(/已发起第\d+号表决“修订章程第十九条”：已开始，表决卡片已发往 3 家/);
    expect(await prisma().motion.count()).toBe(before + 1);
    const motion = await prisma().motion.findFirstOrThrow({ orderBy: { number: 'desc' } });
    expect(motion).toMatchObject({
      kind: 'amendment',
      article: '第十九条',
      rule: 'two_thirds_cast',
      quorum: 0.5,
      allowChange: true,
      secret: false,
      createdBy: 'console:sec1',
    });
    expect(motion.newText).toContain('三年内');
    const audit = await prisma().auditLog.findFirst({ where: { entityId: motion.id, action: 'motion.create' } });
    expect(audit?.actor).toBe('console:sec1');
    // The cards go out to the eligible units, old and new wording on them too.
    const card = await h.user('a').waitFor('修订章程第十九条');
    expect(outboundText(card)).toContain('第十九条 修订为：');
    // The dialog is over: 确认 now means nothing to it.
    expect(await says('确认')).not.toContain('已发起');
  }, 180_000);

  it('an expulsion: only a member unit, closing after opening; cancelled, nothing created', async () => {
    const before = await prisma().motion.count();
    await says('新建议题');
    await says('除名');
    await says('关于提请除名某单位的动议');
    expect(await says('该单位一年以上不履行义务，经秘书处核实，情节严重。')).toContain('被提请除名的成员单位全称');
    expect(await says('不存在的单位')).toContain('没有名为“不存在的单位”的成员单位');
    const member = await says('乙 单位');
    expect(member).toContain('已记下 被提请除名的单位：乙单位');
    expect(member).toContain('请输入秘书处核实的情况');
    // Required: not skipped, not empty.
    expect(await says('跳过')).toContain('“核实情况”是必填项');
    expect(await says('核'.repeat(2_001))).toContain('不超过 2000 字（实际 2001 字）');
    expect(await says('秘书处 12 月 1 日函询该单位，未获答复；会费两年未交。')).toContain(
      '已记下 核实情况：秘书处 12 月 1 日函询该单位',
    );
    expect(await says('后天上午9点')).toContain('已记下 开始时间');
    expect(await says('明天下午5点')).toContain('截止时间应晚于开始时间');
    expect(await says('改开始时间为现在')).toContain('已记下 开始时间：现在');
    // Skipping a required field is refused; the deadline is still asked.
    expect(await says('跳过')).toContain('“截止时间”是必填项');
    expect(await says('取消')).toContain('已取消，未创建任何表决');
    expect(await prisma().motion.count()).toBe(before);
  }, 120_000);

  it('a general matter with its own options, opening later: bad option lists refused', async () => {
    await says('发起表决');
    await says('4');
    await says('2027 年年会地点');
    await says('请在以下城市中选择 2027 年年会地点。');
    expect(await says('，，，')).toContain('应有 2–10 个选项');
    const fifty = Array.from({ length: 50 }, (_, i) => `城市${i + 1}`).join('、');
    expect(await says(fifty)).toContain('应有 2–10 个选项');
    expect(await says('贵阳、北京、贵阳')).toContain('选项不能重复');
    expect(await says('贵阳、北京、弃权')).toContain('已记下 选项：贵阳/北京/弃权');
    await says('明天上午9点');
    await says('12月31日 18:00');
    await says('过半数');
    await says('不设');
    expect(await says('无记名')).toContain('请核对表决内容'); // secret ballot: 改票 is not asked
    const created = await says('确定');
    expect(created).toMatch(/已创建第\d+号表决“2027 年年会地点”：将于 .* 09:00 开始/);
    const motion = await prisma().motion.findFirstOrThrow({ orderBy: { number: 'desc' } });
    expect(motion).toMatchObject({ status: 'draft', options: ['贵阳', '北京', '弃权'], secret: true, quorum: null });
  }, 120_000);
});
