// A 细则 (第二十四条) on Feishu, end to end through `serve` (webhook mode) and the fake Open API: the
// secretariat creates it by chatting with the bot (发起表决), the vote cards reach every member,
// the representatives click, the secretariat closes it early with a confirmation, and the result —
// a simple majority of the votes cast, half of the units taking part — reaches every member. Then an
// expulsion typed the way it is on a phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cardButtons,
  startFeishuWorld,
  sentText,
  toastText,
  type FeishuWorld,
} from '../channels/support/feishu-service.ts';
import { cardTo, importFeishuMembers } from '../channels/support/feishu-congress.ts';
import { isoBeijing } from '../../src/time/beijing.ts';

let w: FeishuWorld;
const prisma = () => w.service.app.services.db.prisma;
const MEMBERS = ['ou_r1', 'ou_r2', 'ou_r3', 'ou_r4', 'ou_r5'];

beforeAll(async () => {
  w = await startFeishuWorld({ SECRETARIAT: 'feishu:ou_sec' });
  await importFeishuMembers(
    w,
    MEMBERS.map((id, i) => [`单位${i + 1}`, '代表', id]),
  );
}, 120_000);
afterAll(async () => w?.close());

describe('a 细则 on Feishu', () => {
  it('created in chat by the secretariat, voted by clicks, closed early, result to every member', async () => {
    const sec = w.user('ou_sec');
    const say = async (text: string) => sentText(await sec.says(text));
    // A member cannot start one.
    expect(sentText(await w.user('ou_r1').says('发起表决'))).toContain('只有秘书处');

    expect(await say('发起表决')).toContain('请选择表决类别');
    expect(await say('细则')).toContain('已记下 类别：细则');
    await say('会费管理细则');
    await say('依第二十四条，制定《联盟会费管理细则》，全文见附件。');
    expect(await say('现在')).toContain('已记下 开始时间：现在');
    expect(await say('明天下午5点')).toContain('已记下 截止时间');
    expect(await say('默认')).toContain('已记下 通过规则：默认：赞成票多于反对票');
    expect(await say('默认')).toContain('已记下 法定人数：默认：至少 50% 的成员单位参加表决');
    await say('记名');
    const summary = await say('不允许');
    expect(summary).toContain('请核对表决内容');
    expect(summary).toContain('1. 类别：细则');
    const created = await say('确认');
    expect(created).toMatch(/已发起第(\d+)号表决“会费管理细则”：已开始，表决卡片已发往 5 家/);
    const number = /第(\d+)号/.exec(created)![1]!;
    const motion = await prisma().motion.findUniqueOrThrow({ where: { number: Number(number) } });
    expect(motion).toMatchObject({ kind: 'rules', rule: 'majority_cast', quorum: 0.5, createdBy: 'feishu:ou_sec' });

    // Three of five units vote: 赞成, 赞成, 反对 — quorum met (60 %), more for than against.
    const cards = await Promise.all(MEMBERS.map((id) => cardTo(w, id, '会费管理细则')));
    expect(cardButtons(cards[0]!)).toHaveLength(3);
    expect(toastText((await w.user('ou_r1').clicks(cards[0]!, 0)).json)).toContain('已记录 单位1');
    await w.user('ou_r2').clicks(cards[1]!, 0);
    await w.user('ou_r3').clicks(cards[2]!, 1);
    // No changing this one.
    expect(toastText((await w.user('ou_r3').clicks(cards[2]!, 0)).json)).toContain('投出后不能改票');

    // Closed early by the secretariat, after confirming on a card.
    const confirm = (await sec.says(`结束表决 ${number}`))[0]!;
    expect(JSON.stringify(confirm.content)).toContain('确认提前结束');
    expect(JSON.stringify(confirm.content)).toContain('目前已投票 3/5 家');
    expect(sentText((await sec.clicks(confirm, 0)).sent)).toContain(`第${number}号表决已结束：获得通过`);
    for (const id of MEMBERS) await cardTo(w, id, '表决结果');
    const result = JSON.stringify((await cardTo(w, 'ou_r5', '表决结果')).content);
    expect(result).toContain('赞成 2，反对 1，弃权 0');
    expect(await prisma().motion.findUniqueOrThrow({ where: { id: motion.id } })).toMatchObject({
      status: 'closed',
      result: 'passed',
      closedBy: 'feishu:ou_sec',
    });
  }, 180_000);

  it('an expulsion typed sloppily on a phone: the unit offered and confirmed, every answer echoed as stored', async () => {
    const sec = w.user('ou_sec');
    const say = async (text: string) => sentText(await sec.says(text));
    expect(await say('发起表决')).toContain('请选择表决类别');
    expect(await say('开除')).toContain('已记下 类别：除名');
    await say('关于提请除名单位3的动议');
    await say('单位3一年以上不履行义务。');
    // 「单位 3号」 is no unit's name: the close one is offered, not taken.
    expect(await say('单位 3号')).toContain('您是指下面这家吗？回复“是”或“1”确认，或重新输入单位全称：\n1. 单位3');
    expect(await say('1')).toContain('已记下 被提请除名的单位：单位3');
    await say('秘书处函询未获答复。');
    expect(await say('明早9点')).toMatch(/已记下 开始时间：\d{4}年\d{1,2}月\d{1,2}日（周.）09:00（北京时间）/);
    expect(await say('3天后')).toMatch(
      /已记下 截止时间：\d{4}年\d{1,2}月\d{1,2}日（周.）23:59（北京时间）（只写了日期，按当天 23:59 截止/,
    );
    expect(await say('2/3')).toContain('已记下 通过规则：赞成票不少于赞成、反对票合计的三分之二');
    expect(await say('过半')).toContain('已记下 法定人数：至少 50% 的成员单位参加表决');
    // The summary comes as a card where buttons are clicked.
    const summary = await say('匿名');
    expect(summary).toContain('已记下 投票方式：无记名投票');
    expect(summary).toContain('4. 被提请除名的单位：单位3');
    const created = await say('确认');
    expect(created).toMatch(/已创建第(\d+)号表决“关于提请除名单位3的动议”：将于 .* 09:00 开始/);
    const motion = await prisma().motion.findFirstOrThrow({ orderBy: { number: 'desc' } });
    const unit = await prisma().member.findUniqueOrThrow({ where: { orgName: '单位3' } });
    expect(motion).toMatchObject({
      kind: 'expulsion',
      status: 'draft',
      memberId: unit.id,
      rule: 'two_thirds_cast',
      quorum: 0.5,
      secret: true,
    });
    expect(isoBeijing(motion.closesAt)).toMatch(/T23:59:00\+08:00$/);
  }, 120_000);
});
