// 「发起表决」 typed the way a secretariat member types on a phone: loose Chinese for every field, each
// answer echoed as stored (dates with their weekday, in Beijing time), anything unclear asked back
// with the dialog staying on its step, corrections (上一步, 标题写错了, 截止时间改成…), a unit named
// loosely offered by number and never picked silently, a pause and 继续. Nothing answered is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMembershipHarness, type MembershipHarness } from '../support/membership-harness.ts';
import { isoBeijing } from '../../src/time/beijing.ts';

let h: MembershipHarness;
const prisma = () => h.app.services.db.prisma;
const sec = () => h.user('sec1');
const says = async (text: string) => {
  await sec().says(text);
  return sec().lastText();
};
/** A Beijing date and time as the dialog echoes it: 2026年12月8日（周二）09:00（北京时间）. */
const echoed = (clock: string) => new RegExp(`\\d{4}年\\d{1,2}月\\d{1,2}日（周[一二三四五六日]）${clock}（北京时间）`);

beforeAll(async () => {
  h = await createMembershipHarness();
  await h.importMembers([
    ['北京市第一中学', 'a'],
    ['北京市第二中学', 'b'],
    ['上海市实验学校', 'c'],
    ['甲单位', 'd'],
  ]);
}, 120_000);
afterAll(async () => h?.close());

describe('发起表决 typed on a phone', () => {
  it('a general matter: loose answers, questions back on anything unclear, back a step, confirmed', async () => {
    expect(await says('发起表决')).toContain('请选择表决类别');
    expect(await says('其他')).toContain('已记下 类别：重大事项');
    await says('2027年年会地点');
    await says('请在以下方案中选择 2027 年年会地点。');
    // Options: a duplicate and a single one are refused, the step stays; numbering is dropped.
    expect(await says('甲、乙、甲')).toContain('选项“甲”写了两次');
    expect(await says('方案一')).toContain('应有 2–10 个选项');
    expect(await says('1. 方案一 2. 方案二')).toContain('已记下 选项：方案一/方案二');
    // 「明早」 has no hour: asked; then stored with its weekday and 北京时间.
    expect(await says('明早')).toContain('“明早”是几点？');
    expect(await says('明早9点')).toMatch(new RegExp(`已记下 开始时间：${echoed('09:00').source}`));
    // Closing before the opening: refused, with what it was read as.
    const early = await says('明天早上8点');
    expect(early).toMatch(new RegExp(`截止时间应晚于开始时间（${echoed('09:00').source}）`));
    expect(early).not.toContain('opens_at');
    expect(early).toMatch(new RegExp(`“明天早上8点”理解为 ${echoed('08:00').source}`));
    // A day alone: the end of it, and the echo says so.
    const closes = await says('三天后截止');
    expect(closes).toMatch(new RegExp(`已记下 截止时间：${echoed('23:59').source}（只写了日期，按当天 23:59 截止`));
    expect(await says('简单多数')).toContain('已记下 通过规则：赞成票多于反对票');
    expect(await says('1')).toContain('“1”是指 1% 吗？');
    expect(await says('50%')).toContain('已记下 法定人数：至少 50% 的成员单位参加表决');
    expect(await says('否')).toContain('已记下 投票方式：记名投票');
    expect(await says('不用')).toContain('已记下 改票：不允许改票');
    // Back a step from the summary, keep it as it was; a named field changed with its value.
    const back = await says('上一步');
    expect(back).toContain('回到上一项。当前 改票：不允许改票');
    expect(await says('不改')).toContain('保留 改票：不允许改票');
    expect(await says('标题写错了')).toContain('当前 标题：2027年年会地点');
    expect(await says('2027 年年会地点')).toContain('已记下 标题：2027 年年会地点');
    const moved = await says('截止时间改成后天中午');
    expect(moved).toMatch(new RegExp(`已记下 截止时间：${echoed('12:00').source}`));
    expect(moved).toContain('请核对表决内容');

    const created = await says('没问题，发吧');
    expect(created).toMatch(/已创建第\d+号表决“2027 年年会地点”：将于 .* 09:00 开始/);
    const motion = await prisma().motion.findFirstOrThrow({ orderBy: { number: 'desc' } });
    expect(motion).toMatchObject({
      kind: 'general',
      status: 'draft',
      options: ['方案一', '方案二'],
      rule: 'majority_cast',
      quorum: 0.5,
      secret: false,
      allowChange: false,
    });
    expect(isoBeijing(motion.opensAt)).toMatch(/T09:00:00\+08:00$/);
    expect(isoBeijing(motion.closesAt)).toMatch(/T12:00:00\+08:00$/);
  }, 120_000);

  it('an expulsion: the unit named loosely is offered, never picked silently; a question and a pause', async () => {
    const before = await prisma().motion.count();
    await says('发起表决');
    expect(await says('开除')).toContain('已记下 类别：除名');
    await says('关于提请除名某单位的动议');
    await says('该单位一年以上不履行义务。');
    // Two units match: both listed by number, nothing stored.
    const which = await says('北京市');
    expect(which).toContain('相近的有以下几家');
    expect(which).toMatch(/1\. 北京市第[一二]中学\n2\. 北京市第[一二]中学/);
    expect(await says('5')).toContain('请回复 1–2 中的编号');
    // A charter question mid-way is answered; the dialog picks up on the same step.
    const answer = await says('章程第十九条怎么说');
    expect(answer).toContain('经秘书处核实');
    expect(answer).toContain('请输入被提请除名的成员单位全称');
    // One close match: still asked, 「是」 confirms it.
    expect(await says('上海实验')).toContain('您是指下面这家吗？回复“是”或“1”确认');
    expect(await says('是')).toContain('已记下 被提请除名的单位：上海市实验学校');
    // Paused, and picked up later where it was.
    expect(await says('稍后再填')).toContain('已填的内容都保留着');
    // Meanwhile a command about another motion is done, not taken as an answer.
    const { number } = await prisma().motion.findFirstOrThrow({ orderBy: { number: 'desc' } });
    const status = await says(`表决状态 ${number}`);
    expect(status).toContain(`第${number}号表决“2027 年年会地点”：未开始`);
    expect(status).toContain('您发起表决的内容还没填完，已填的都保留着');
    const back = await says('继续');
    expect(back).toContain('接着发起表决');
    expect(back).toContain('请输入秘书处核实的情况');
    // 「发起表决」 again while one is open: the open one, nothing lost.
    const again = await says('发起表决');
    expect(again).toContain('您有一项未完成的发起表决');
    expect(again).toContain('请输入秘书处核实的情况');
    await says('秘书处函询未获答复。');
    expect(await says('马上')).toContain('已记下 开始时间：现在');
    expect(await says('下周五')).toMatch(new RegExp(`已记下 截止时间：${echoed('23:59').source}（只写了日期`));
    expect(await says('改一下截止时间')).toContain('当前 截止时间');
    expect(await says('3天后下午5点')).toMatch(new RegExp(`已记下 截止时间：${echoed('17:00').source}`));
    expect(await says('2/3')).toContain('已记下 通过规则：赞成票不少于赞成、反对票合计的三分之二');
    expect(await says('三分之二')).toContain('已记下 法定人数：至少 66.7% 的成员单位参加表决');
    const summary = await says('匿名');
    expect(summary).toContain('已记下 投票方式：无记名投票');
    expect(summary).toContain('4. 被提请除名的单位：上海市实验学校');
    expect(await says('算了吧')).toContain('已取消，未创建任何表决');
    expect(await prisma().motion.count()).toBe(before);
  }, 120_000);

  it('an amendment: the article however it is written is stored as the charter names it', async () => {
    await says('发起表决');
    expect(await says('修改')).toContain('已记下 类别：章程修订');
    await says('修订第十九条');
    await says('将除名后不得重新申请的期限由两年改为三年。');
    expect(await says('第十九条怎么说')).toContain('接着发起表决');
    for (const typed of ['第19条', '章程第十九条', '十九条', '19'])
      if (typed === '19') expect(await says(typed)).toContain('已记下 修订条目：第十九条');
      else {
        expect(await says(typed)).toContain('已记下 修订条目：第十九条');
        expect(await says('上一步')).toContain('回到上一项。当前 修订条目：第十九条');
      }
    expect(await says('取消吧')).toContain('已取消，未创建任何表决');
  }, 120_000);

  it('a field named with its value in any step, the kind changed mid-way, vague edits asked back', async () => {
    await says('发起表决');
    await says('4');
    await says('年会地点');
    await says('说明');
    await says('A/B/C');
    expect(await says('开始时间：明天上午9点')).toMatch(new RegExp(`已记下 开始时间：${echoed('09:00').source}`));
    expect(await says('截止时间是下周五下午5点')).toMatch(new RegExp(`已记下 截止时间：${echoed('17:00').source}`));
    // The new kind has no options: said, not dropped silently; the rest is kept.
    const changed = await says('改类别为除名');
    expect(changed).toContain('已记下 类别：除名（新的类别没有这几项，已去掉：选项）');
    expect(changed).toContain('请输入被提请除名的成员单位全称');
    expect(await says('改一下')).toContain('要修改哪一项？');
    expect(await says('不改')).toContain('“被提请除名的单位”还没有填写，请填写。');
    expect(await says('甲单位')).toContain('已记下 被提请除名的单位：甲单位');
    expect(await says('取消')).toContain('已取消');
  }, 120_000);
});
