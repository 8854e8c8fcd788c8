// An expulsion (除名) and a charter amendment (章程修订) voted on WeChat, end to end through the
// `wechat` service on wechaty-puppet-mock, to what they set in motion. The expulsion is made by the
// secretariat in chat (「发起表决」: the summary stays numbered text on WeChat) with its verification;
// the unit concerned gets no ballot and cannot vote; it is expelled at the close and its
// re-application is refused with 第十九条 and the day the lock ends. The amendment is a secret
// ballot (receipt codes, no change); once passed it is published with one numbered reply, and Q&A
// then answers from the new wording, saying it was amended and since when.
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
import { DAY, HOUR, fireNow, motionTimer } from '../channels/support/congress-timers.ts';
import { formatBeijingDate } from '../../src/time/beijing.ts';

let w: WechatWorld;
let c: Cast;
const app = () => w.service.app;
const prisma = () => app().services.db.prisma;

beforeAll(async () => {
  w = await startWechatWorld({ APPLICATION_DEADLINE: '2099-12-31' });
  c = await meetTheCast(w);
}, 120_000);
afterAll(async () => w?.close());

const VERIFICATION =
  '秘书处 12 月 1 日函询丁市教育中心，未获答复；查阅会费收据，丁市教育中心 2025、2026 年度会费未交。';

describe('an expulsion on WeChat', () => {
  it('made in chat with its verification → the unit concerned cannot vote → reminders → closed → expelled, re-application refused', async () => {
    const sec = (text: string) => says(c.sec, text);
    // A member cannot start one.
    expect(await says(c.jia, '发起表决')).toContain('只有秘书处');
    expect(await sec('发起表决')).toContain('请选择表决类别');
    expect(await sec('2')).toContain('已记下 类别：除名');
    await sec('关于除名丁市教育中心的动议');
    expect(await sec('丁市教育中心一年以上不履行义务，情节严重，提请除名。')).toContain('被提请除名的成员单位全称');
    expect(await sec('戊单位')).toContain('“戊单位”已不是联盟成员');
    expect(await sec('丁市教育中心')).toContain('请输入秘书处核实的情况');
    expect(await sec('跳过')).toContain('“核实情况”是必填项');
    expect(await sec(VERIFICATION)).toContain('已记下 核实情况：秘书处 12 月 1 日函询丁市教育中心');
    await sec('现在');
    await sec('后天下午5点');
    expect(await sec('默认')).toContain('默认：赞成票不少于赞成、反对票合计的三分之二');
    await sec('默认');
    await sec('记名');
    const summary = await sec('允许');
    // WeChat keeps the summary as numbered text: no card, no reply numbers to clash with the items'.
    expect(summary).toContain('请核对表决内容');
    expect(summary).toContain('4. 被提请除名的单位：丁市教育中心');
    expect(summary).toContain('5. 核实情况：秘书处 12 月 1 日函询丁市教育中心');
    expect(summary).toContain('回复“确认”发起表决');
    expect(summary).not.toContain('回复「');
    const created = await sec('确认');
    expect(created).toMatch(/已发起第(\d+)号表决“关于除名丁市教育中心的动议”：已开始，表决卡片已发往 3 家/);
    const m = await prisma().motion.findFirstOrThrow({ where: { kind: 'expulsion' } });
    const n = m.number;
    expect(m).toMatchObject({ verification: VERIFICATION, allowChange: true, createdBy: `wechat:${c.sec.id}` });

    const got = await ballots(
      '关于除名丁市教育中心的动议',
      [c.jia, c.jia2, c.yi, c.bing],
      [c.ding, c.former, c.outsider],
    );
    const ballot = got.get(c.jia)!;
    expect(ballot).toContain('被提请除名的成员单位：丁市教育中心');
    expect(ballot).toContain(`秘书处核实情况：${VERIFICATION}`);

    // 丁市教育中心 answers with numbers from a ballot it never got (forwarded to it), or types: refused.
    const concerned = `第${n}号表决是关于 丁市教育中心 的除名动议，被提请除名的单位不参加本表决，投票未记录。`;
    const forwarded = await says(c.ding, optionNumber(ballot, '反对'));
    expect(forwarded).toContain('没有对应的选项');
    expect(forwarded).toContain(concerned);
    expect(await says(c.ding, `投票 ${n} 反对`)).toContain(concerned);
    expect(await says(c.ding, '反对')).toContain(concerned);

    // 甲单位: a vote by number, a change and a change back on the ballot as it comes back, a double reply.
    expect(await says(c.jia, optionNumber(ballot, '赞成'))).toContain('已记录 甲单位');
    expect(await says(c.jia, optionNumber(latest(c.jia, '甲单位已投票：赞成'), '反对'))).toContain(
      '由“赞成”改为“反对”',
    );
    const back = latest(c.jia, '甲单位已投票：反对');
    expect(back).toContain('被提请除名的成员单位：丁市教育中心');
    expect(await says(c.jia, optionNumber(back, '赞成'))).toContain('由“反对”改为“赞成”');
    expect(await says(c.jia, optionNumber(latest(c.jia, '甲单位已投票：赞成'), '赞成'))).toContain('无需重复投票');
    expect(await says(c.yi, '赞成')).toContain('已记录 乙单位');
    expect(await says(c.outsider, optionNumber(got.get(c.yi)!, '赞成'))).toContain('不是成员单位代表');
    expect(await says(c.former, optionNumber(ballot, '赞成'))).toContain('戊单位 已不是联盟成员（已退出）');

    // Reminders to 丙单位, the one eligible unit that has not voted — not to the unit concerned.
    await fireNow(await motionTimer(app(), m.id, DAY));
    await waitFor(c.bing, `【表决提醒】第${n}号`);
    await fireNow(await motionTimer(app(), m.id, HOUR));
    await waitForCount(c.bing, `【表决提醒】第${n}号`, 2);
    expect(count(c.bing, `【表决提醒】第${n}号`)).toBe(2);
    for (const p of [c.ding, c.jia, c.jia2, c.yi]) expect(count(p, `【表决提醒】第${n}号`)).toBe(0);

    // Closed by its timer: passed (2 of 2 votes cast, 2 of 3 units took part); the result to every member.
    await fireNow(await motionTimer(app(), m.id));
    for (const p of [...c.members, c.sec]) {
      const result = await waitFor(p, `【表决结果】第${n}号`);
      expect(result).toContain('获得通过');
      expect(result).toContain('依第十九条，丁市教育中心 自即日起除名');
    }
    const expelled = await prisma().member.findUniqueOrThrow({ where: { orgName: '丁市教育中心' } });
    expect(expelled.status).toBe('expelled');
    const until = formatBeijingDate(expelled.lockedUntil!);
    expect(expelled.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 700 * DAY);
    expect(await waitFor(c.ding, '被除名（第十九条）')).toContain(`至 ${until}`);
    expect((await prisma().motion.findUniqueOrThrow({ where: { id: m.id } })).consequence).toBe('done');
    // The minutes name the unit and the verification.
    const minutes = await app().congress.exportCsv((await app().congress.find(m.id))!);
    expect(minutes).toContain('member,丁市教育中心');
    expect(minutes).toContain(`verification,${VERIFICATION}`);

    // After the close: a late reply records nothing; 丁市教育中心 is now a former member.
    expect(await says(c.bing, optionNumber(got.get(c.bing)!, '赞成'))).toContain('原来的回复编号不再有效');
    expect(await says(c.bing, `投票 ${n} 赞成`)).toContain('已结束，投票未记录');
    expect(await says(c.ding, `投票 ${n} 赞成`)).toContain('丁市教育中心 已不是联盟成员（已除名）');
    expect(await prisma().voterRecord.count({ where: { motionId: m.id } })).toBe(2);

    // 丁市教育中心 applies to join again at once: refused with 第十九条 and the day the lock ends.
    await says(c.ding, '我要申请加入联盟');
    const refused = await says(c.ding, '丁市教育中心');
    expect(refused).toContain('第十九条');
    expect(refused).toContain('被除名');
    expect(refused).toContain(`${until} 之后才可以再申请`);
    expect(await prisma().application.count({ where: { status: { not: 'draft' } } })).toBe(0);
    await says(c.ding, '不想申请了');
    expect(await says(c.ding, '确认放弃')).toContain('已放弃本次入盟申请');
  }, 300_000);
});

describe('a charter amendment on WeChat', () => {
  it('a secret ballot → refused changes, an expelled unit refused → reminder → closed → published with one reply → Q&A answers from the new wording', async () => {
    const newText =
      '联盟成员违反联盟章程及有关协议、规约，或一年以上不履行义务，情节严重的，经秘书处核实，提交成员大会审议决定除名。联盟成员除名后三年内不得申请重新加入联盟。';
    const created = await app().congress.create(`wechat:${c.sec.id}`, {
      kind: 'amendment',
      title: '修订第十九条',
      text: '将除名后不得重新申请的期限由两年改为三年。',
      article: '19',
      new_text: newText,
      closes_at: new Date(Date.now() + 2 * DAY).toISOString(),
      secret: true,
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const m = created.motion;
    const n = m.number;
    expect(m.eligibleCount).toBe(3);
    const got = await ballots('修订第十九条', [c.jia, c.jia2, c.yi, c.bing], [c.ding, c.former, c.outsider]);
    const ballot = got.get(c.jia)!;
    // Old and new wording one after the other, and how the ballot works.
    expect(ballot).toMatch(/第十九条 现行条文：[^\n]*两年内不得申请[^\n]*\n第十九条 修订为：[^\n]*三年内不得申请/);
    expect(ballot).toContain('无记名投票（投出后不能更改');

    const secret = await says(c.jia, optionNumber(ballot, '赞成'));
    expect(secret).toMatch(/已记录 甲单位 对第\d+号表决“修订第十九条”的无记名投票。回执码：[2-9A-Z]{10}/);
    expect(latest(c.jia, '甲单位已投票（无记名投票')).not.toContain('回复「');
    const refused = `甲单位 已对第${n}号表决投过无记名票，无记名投票投出后不能更改。`;
    expect(await says(c.jia, optionNumber(ballot, '反对'))).toContain(refused);
    expect(await says(c.jia, optionNumber(ballot, '赞成'))).toContain(refused);
    const typed = await says(c.jia2, '反对');
    expect(typed).toContain('目前没有等待您投票的表决');
    expect(typed).toContain(refused);
    expect(await says(c.jia2, `投票 ${n} 赞成`)).toContain(refused);
    expect(await says(c.yi, '赞成')).toContain('无记名投票。回执码：');
    // The expelled unit, a former member and an outsider with someone else's numbers: refused.
    expect(await says(c.ding, optionNumber(ballot, '赞成'))).toContain('丁市教育中心 已不是联盟成员（已除名）');
    expect(await says(c.former, '赞成')).toContain('戊单位 已不是联盟成员');
    expect(await says(c.outsider, optionNumber(got.get(c.bing)!, '赞成'))).toContain('不是成员单位代表');
    // Secret: nobody's choice is kept with the unit.
    expect(
      await prisma().voterRecord.findMany({ where: { motionId: m.id }, select: { choice: true, actor: true } }),
    ).toEqual([
      { choice: null, actor: null },
      { choice: null, actor: null },
    ]);

    // 丙单位 is reminded a day before and votes; the hour-before reminder then goes to nobody.
    await fireNow(await motionTimer(app(), m.id, DAY));
    await waitFor(c.bing, `【表决提醒】第${n}号`);
    expect(await says(c.bing, `投票 ${n} 赞成`)).toContain('回执码');
    await fireNow(await motionTimer(app(), m.id, HOUR));
    expect(
      await prisma().outboxMessage.count({ where: { dedupeKey: { startsWith: `motion:${m.id}:remind:${HOUR}:` } } }),
    ).toBe(0);
    expect(count(c.bing, `【表决提醒】第${n}号`)).toBe(1);
    for (const p of [c.jia, c.jia2, c.yi, c.ding]) expect(count(p, `【表决提醒】第${n}号`)).toBe(0);

    await fireNow(await motionTimer(app(), m.id));
    for (const p of [c.jia, c.jia2, c.yi, c.bing, c.sec])
      expect(await waitFor(p, `【表决结果】第${n}号`)).toContain('计票：赞成 3，反对 0，弃权 0');
    expect(latest(c.yi, `【表决结果】第${n}号`)).toContain('第十九条 的修订经秘书处发布后生效');
    // The expelled unit is no longer told the congress's results.
    expect(count(c.ding, `【表决结果】第${n}号`)).toBe(0);

    // Published with one reply to the numbered card the secretariat receives.
    const publish = await waitFor(c.sec, `【章程修订待发布】第${n}号表决已通过`);
    expect(publish).toContain('三年内不得申请重新加入联盟');
    const today = formatBeijingDate(new Date());
    expect(await says(c.sec, optionNumber(publish, '发布修订后的章程'))).toContain(
      `已发布修订后的章程：第十九条 自 ${today} 起按新条文执行`,
    );
    expect((await prisma().motion.findUniqueOrThrow({ where: { id: m.id } })).consequence).toBe('published');
    expect(await prisma().charterRevision.count()).toBe(1);

    const answer = await says(c.outsider, '第十九条是怎么规定的？');
    expect(answer).toContain('三年内不得申请重新加入联盟');
    expect(answer).toContain(`经成员大会第${n}号表决修订，自 ${today} 起施行`);
    expect(answer).not.toContain('两年内不得申请');
    // A late vote records nothing.
    expect(await says(c.yi, `投票 ${n} 反对`)).toContain('已结束，投票未记录');
  }, 300_000);
});
