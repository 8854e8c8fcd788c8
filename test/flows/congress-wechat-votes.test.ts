// A 重大事项 and a 细则 voted on WeChat, end to end through the `wechat` service on wechaty-puppet-mock:
// the numbered text ballot reaches every eligible representative's account (and nobody else), units
// vote by number and by typing 赞成 / 反对 / 弃权 or 投票 N 赞成, change their vote where the motion
// allows it and are refused with the reason where it does not, reply twice, reply after the ballot
// was used up or replaced; an outsider answering with the numbers of someone else's ballot (the
// WeChat form of a forwarded card) and a former member are refused; the 24 h and 1 h reminders
// (the service's own timer jobs, run when due) go to the units that have not voted; the close —
// by its timer, or early by the secretariat replying to a numbered confirmation — sends the result
// to every member; a reply after the close records nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWechatWorld, type WechatWorld } from '../channels/support/wechat-service.ts';
import {
  ballots,
  count,
  latest,
  meetTheCast,
  optionNumber,
  says,
  waitFor,
  waitForCount,
  type Cast,
} from '../channels/support/wechat-congress.ts';
import { DAY, HOUR, dueAt, fireNow, motionTimer } from '../channels/support/congress-timers.ts';

let w: WechatWorld;
let c: Cast;
const app = () => w.service.app;
const prisma = () => app().services.db.prisma;
const inTwoDays = () => new Date(Date.now() + 2 * DAY).toISOString();

beforeAll(async () => {
  w = await startWechatWorld();
  c = await meetTheCast(w);
}, 120_000);
afterAll(async () => w?.close());

describe('a 重大事项 on WeChat (votes may be changed)', () => {
  it('ballots → votes by number and typed, a change, a double reply, refusals → reminders → closed by its timer → result', async () => {
    const created = await app().congress.create(`wechat:${c.sec.id}`, {
      kind: 'general',
      title: '2027 年度工作计划',
      text: '审议秘书处提交的 2027 年度工作计划。',
      closes_at: inTwoDays(),
      allow_change: true,
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const m = created.motion;
    const n = m.number;
    expect(m.eligibleCount).toBe(4);

    const got = await ballots('2027 年度工作计划', c.members, [c.former, c.outsider, c.sec]);
    const ballot = got.get(c.jia)!;
    // One title (not bracketed twice), the motion, the rule, the numbered options and the deadline.
    expect(ballot.split('\n')[0]).toBe(`【成员大会表决 第${n}号】2027 年度工作计划`);
    for (const line of ['类别：重大事项', '记名投票，截止前可以改票', `也可直接回复“投票 ${n} 赞成”`, '（请在 '])
      expect(ballot).toContain(line);
    expect(ballot).toMatch(/回复「\d+」赞成\n回复「\d+」反对\n回复「\d+」弃权/);

    // A number the secretariat sends with no card of its own open: no question, said so.
    expect(await says(c.sec, '7')).toContain('“7”没有对应的选项');

    // 甲单位 votes by number; its ballot comes back showing the vote, numbered afresh for a change.
    const first = await says(c.jia, optionNumber(ballot, '赞成'));
    expect(first).toContain(`已记录 甲单位 对第${n}号表决“2027 年度工作计划”的投票：赞成。截止前可以改票。`);
    const shown = latest(c.jia, '甲单位已投票：赞成');
    expect(shown).toContain('之前那条消息里的回复编号不再有效');
    // The same reply again: one vote, said so.
    expect(await says(c.jia, optionNumber(shown, '赞成'))).toContain(`甲单位 已投过第${n}号表决：赞成，无需重复投票`);
    // 甲单位's other representative changes the unit's vote on the ballot sent to that account.
    expect(await says(c.jia2, optionNumber(got.get(c.jia2)!, '弃权'))).toContain(
      `已将 甲单位 对第${n}号表决的投票由“赞成”改为“弃权”`,
    );
    // 乙单位 types its vote, then types another: a change, since the motion allows it.
    expect(await says(c.yi, '反对')).toContain('已记录 乙单位');
    expect(await says(c.yi, '赞成')).toContain(`已将 乙单位 对第${n}号表决的投票由“反对”改为“赞成”`);
    // 丙单位 names the motion.
    expect(await says(c.bing, `投票 ${n} 赞成`)).toContain('已记录 丙单位');

    // An outsider replies with the numbers of 甲单位's ballot (forwarded to them): refused, nothing recorded.
    const outsider = await says(c.outsider, optionNumber(ballot, '赞成'));
    expect(outsider).toContain(`回复的编号“${optionNumber(ballot, '赞成')}”没有对应的选项`);
    expect(outsider).toContain('只有联盟成员单位的代表可以参加成员大会表决');
    expect(await says(c.outsider, '赞成')).toContain('您的账号不是成员单位代表的账号，投票未记录');
    expect(await says(c.outsider, `投票 ${n} 赞成`)).toContain('投票未记录');
    // A unit that withdrew: no longer a member, whichever way it replies.
    expect(await says(c.former, '1')).toContain('戊单位 已不是联盟成员（已退出），不能参加表决');
    expect(await says(c.former, `投票 ${n} 反对`)).toContain('戊单位 已不是联盟成员（已退出）');
    expect(await says(c.former, '反对')).toContain('戊单位 已不是联盟成员');
    const votes = await prisma().voterRecord.findMany({ where: { motionId: m.id }, select: { choice: true } });
    expect(votes.map((v) => v.choice).sort()).toEqual(['弃权', '赞成', '赞成'].sort());

    // The reminders and the close are the motion's own timer jobs, due 24 h and 1 h before and at its close.
    const day = await motionTimer(app(), m.id, DAY);
    const hour = await motionTimer(app(), m.id, HOUR);
    const close = await motionTimer(app(), m.id);
    expect(Math.abs(dueAt(day) - (m.closesAt.getTime() - DAY))).toBeLessThan(5_000);
    expect(Math.abs(dueAt(hour) - (m.closesAt.getTime() - HOUR))).toBeLessThan(5_000);
    expect(Math.abs(dueAt(close) - m.closesAt.getTime())).toBeLessThan(5_000);
    await fireNow(day);
    const reminder = await waitFor(c.ding, `【表决提醒】第${n}号`);
    expect(reminder).toContain('丁市教育中心 尚未对这项表决投票');
    expect(reminder).toMatch(/回复「\d+」赞成/);
    await fireNow(hour);
    await waitForCount(c.ding, `【表决提醒】第${n}号`, 2);
    expect(count(c.ding, `【表决提醒】第${n}号`)).toBe(2);
    for (const p of [c.jia, c.jia2, c.yi, c.bing, c.former, c.outsider]) expect(count(p, '【表决提醒】')).toBe(0);

    // Closed by its timer: the result to every member's accounts and the secretariat, once.
    await fireNow(close);
    for (const p of [...c.members, c.sec]) {
      const result = await waitFor(p, `【表决结果】第${n}号`);
      expect(result).toContain('获得通过');
      expect(result).toContain('有表决权单位 4 家，参加表决 3 家');
      expect(result).toContain('计票：赞成 2，反对 0，弃权 1');
    }
    for (const p of [c.former, c.outsider]) expect(count(p, '【表决结果】')).toBe(0);
    expect(await prisma().motion.findUniqueOrThrow({ where: { id: m.id } })).toMatchObject({
      status: 'closed',
      result: 'passed',
      closedBy: 'timer',
    });
    // 丁市教育中心's ballot is replaced by how the vote ended; its numbers, and the reminders', are void.
    await waitFor(c.ding, '表决已结束，结果：获得通过');
    // The ballot and both reminders are each replaced (three messages); the numbers are replied after all three.
    await waitForCount(c.ding, '表决已结束，结果：获得通过', 3);
    expect(await says(c.ding, optionNumber(got.get(c.ding)!, '赞成'))).toContain('原来的回复编号不再有效');
    expect(await says(c.ding, optionNumber(reminder, '赞成'))).toContain('原来的回复编号不再有效');
    expect(await says(c.ding, `投票 ${n} 赞成`)).toContain(`第${n}号表决已结束，投票未记录`);
    expect(await says(c.ding, '赞成')).toContain('目前没有等待您投票的表决');
    expect(await prisma().voterRecord.count({ where: { motionId: m.id } })).toBe(3);
    expect(count(c.yi, `【表决结果】第${n}号`)).toBe(1);
  }, 300_000);
});

describe('a 细则 on WeChat (no change once voted)', () => {
  it('refused changes with the reason, a vote on a reminder, closed early by the secretariat replying to a numbered confirmation', async () => {
    const created = await app().congress.create(`wechat:${c.sec.id}`, {
      kind: 'rules',
      title: '会费管理细则',
      text: '依第二十四条，制定《联盟会费管理细则》。',
      closes_at: inTwoDays(),
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const m = created.motion;
    const n = m.number;
    const got = await ballots('会费管理细则', c.members, [c.former, c.outsider, c.sec]);
    const ballot = got.get(c.jia)!;
    expect(ballot).toContain('类别：细则');
    expect(ballot).toContain('记名投票，投出后不能改票');

    expect(await says(c.jia, optionNumber(ballot, '赞成'))).toContain('的投票：赞成。投出后不能改票。');
    // The ballot, used up, has no numbers any more: a change by number is refused with the reason,
    // and so is the same reply twice.
    expect(latest(c.jia, '甲单位已投票：赞成')).not.toContain('回复「');
    const refused = `甲单位 已对第${n}号表决投过票（赞成），本表决投出后不能改票。`;
    const byNumber = await says(c.jia, optionNumber(ballot, '反对'));
    expect(byNumber).toContain('没有对应的选项');
    expect(byNumber).toContain(refused);
    expect(await says(c.jia, optionNumber(ballot, '赞成'))).toContain(refused);
    // Typed, from the unit's other account: refused too.
    const typed = await says(c.jia2, '反对');
    expect(typed).toContain('目前没有等待您投票的表决');
    expect(typed).toContain(refused);
    expect(await says(c.jia2, `投票 ${n} 反对`)).toContain(refused);
    expect(await says(c.yi, '赞成')).toContain('已记录 乙单位');
    // Someone else's ballot numbers and a former member: refused.
    expect(await says(c.outsider, optionNumber(got.get(c.yi)!, '反对'))).toContain('不是成员单位代表');
    expect(await says(c.former, `投票 ${n} 赞成`)).toContain('已不是联盟成员');

    // The 24 h reminder goes to 丙 and 丁; 丁 votes on it by number. The 1 h one goes to 丙 alone.
    await fireNow(await motionTimer(app(), m.id, DAY));
    const reminder = await waitFor(c.ding, `【表决提醒】第${n}号`);
    await waitFor(c.bing, `【表决提醒】第${n}号`);
    expect(await says(c.ding, optionNumber(reminder, '反对'))).toContain(
      `已记录 丁市教育中心 对第${n}号表决“会费管理细则”的投票：反对`,
    );
    await fireNow(await motionTimer(app(), m.id, HOUR));
    await waitForCount(c.bing, `【表决提醒】第${n}号`, 2);
    expect(count(c.bing, `【表决提醒】第${n}号`)).toBe(2);
    expect(count(c.ding, `【表决提醒】第${n}号`)).toBe(1);
    for (const p of [c.jia, c.jia2, c.yi]) expect(count(p, `【表决提醒】第${n}号`)).toBe(0);

    // Only the secretariat closes early, after confirming on a numbered card.
    expect(await says(c.jia, `结束表决 ${n}`)).toContain('只有秘书处');
    const confirm = await says(c.sec, `结束表决 ${n}`);
    expect(confirm).toContain(`确认提前结束第${n}号表决？`);
    expect(confirm).toContain('目前已投票 3/4 家');
    expect((await prisma().motion.findUniqueOrThrow({ where: { id: m.id } })).status).toBe('open');
    expect(await says(c.sec, optionNumber(confirm, '确认结束并计票'))).toContain(`第${n}号表决已结束：获得通过`);
    for (const p of c.members)
      expect(await waitFor(p, `【表决结果】第${n}号`)).toContain('计票：赞成 2，反对 1，弃权 0');
    expect(await prisma().motion.findUniqueOrThrow({ where: { id: m.id } })).toMatchObject({
      result: 'passed',
      closedBy: `wechat:${c.sec.id}`,
    });
    // Its timer firing later changes nothing: one result each.
    await fireNow(await motionTimer(app(), m.id));
    expect(count(c.bing, `【表决结果】第${n}号`)).toBe(1);
    // 丙单位 replies after the close: nothing recorded.
    await waitFor(c.bing, '表决已结束，结果：获得通过');
    expect(await says(c.bing, optionNumber(got.get(c.bing)!, '赞成'))).toContain('原来的回复编号不再有效');
    expect(await says(c.bing, `投票 ${n} 赞成`)).toContain('已结束，投票未记录');
    expect(await prisma().voterRecord.count({ where: { motionId: m.id } })).toBe(3);
  }, 300_000);
});
