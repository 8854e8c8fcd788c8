// Congress votes on Feishu, end to end through `serve` (webhook mode), the outbox and the fake Open
// API: a motion opens, every representative's account gets a vote card, clicks (signed card
// callbacks) record one vote per unit — a double click, a changed vote, a second account of the
// same unit, a redelivered callback, a forwarded card, a non-member, a late click — reminders go to
// those who have not voted, the timer closes it and the result reaches every member. An expulsion:
// the unit concerned cannot vote on it, the secretariat closes early with a confirmation, and the
// unit is expelled.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cardButtons,
  startFeishuWorld,
  sentText,
  toastText,
  type FeishuWorld,
} from '../channels/support/feishu-service.ts';
import {
  addFeishuAccount,
  cardTo,
  importFeishuMembers,
  rawVote,
  replacedBy,
  sentTo,
  waitForSent,
} from '../channels/support/feishu-congress.ts';
import type { SentMessage } from '../channels/support/fake-feishu.ts';

let w: FeishuWorld;
const prisma = () => w.service.app.services.db.prisma;
const congress = () => w.service.app.congress;

beforeAll(async () => {
  w = await startFeishuWorld({ SECRETARIAT_FEISHU_OPEN_IDS: 'ou_sec', VOTE_REMINDERS: '6s' });
  await importFeishuMembers(w, [
    ['甲单位', '甲', 'ou_m1'],
    ['乙单位', '乙', 'ou_m2'],
    ['丙单位', '丙', 'ou_m3'],
    ['丁单位', '丁', 'ou_m4'],
  ]);
  // 甲单位's second representative account.
  await addFeishuAccount(w, '甲单位', 'ou_m1b');
}, 120_000);
afterAll(async () => w?.close());

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('a general motion on Feishu', () => {
  it('cards → votes → reminders → close by timer → result to every member', async () => {
    const created = await congress().create('feishu:ou_sec', {
      kind: 'general',
      title: '2027 年度工作计划',
      text: '审议秘书处提交的 2027 年度工作计划。',
      closes_at: inSeconds(25),
      allow_change: true,
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const motion = created.motion;
    expect(motion.eligibleCount).toBe(4);

    const cards = Object.fromEntries(
      await Promise.all(
        ['ou_m1', 'ou_m1b', 'ou_m2', 'ou_m3', 'ou_m4'].map(
          async (id) => [id, await cardTo(w, id, '2027 年度工作计划')] as const,
        ),
      ),
    );
    // The button carries its action and the motion in the callback value.
    expect(cardButtons(cards.ou_m1!)[0]).toMatchObject({
      action: 'congress.vote',
      value: { motion: motion.id, option: '赞成' },
      to: 'ou_m1',
    });

    const m1 = w.user('ou_m1');
    const first = await m1.clicks(cards.ou_m1!, 0);
    // What the click did is the answer's toast, beside the replaced card: no message per click.
    expect(toastText(first.json)).toContain('已记录 甲单位 对第');
    expect(first.sent).toHaveLength(0);
    // The clicked card shows the unit's vote at once, in the callback's answer; the vote may still be
    // changed, so its buttons stay.
    const replaced = replacedBy(first.json)!;
    expect(JSON.stringify(replaced)).toContain('甲单位已投票：赞成');
    expect(cardButtons({ content: replaced } as SentMessage)).toHaveLength(3);
    // A double click: still one vote, said so.
    expect(toastText((await m1.clicks(cards.ou_m1!, 0)).json)).toContain('无需重复投票');
    // 甲单位's other representative changes the unit's vote.
    expect(toastText((await w.user('ou_m1b').clicks(cards.ou_m1b!, 2)).json)).toContain('由“赞成”改为“弃权”');
    const m2 = w.user('ou_m2');
    await m2.clicks(cards.ou_m2!, 1);
    expect(toastText((await m2.clicks(cards.ou_m2!, 0)).json)).toContain('由“反对”改为“赞成”');

    // 丙单位's card forwarded to someone else: refused by its addressee, nothing recorded.
    const forwarded = await w.user('ou_x').clicks(cards.ou_m3!, 0);
    expect(JSON.stringify(forwarded.json)).toContain('不是发给您的');
    // A non-member crafting the click: refused with a clear message.
    expect(sentText((await rawVote(w, 'ou_x', motion.id, '赞成')).sent)).toContain('不是成员单位代表');
    // A bad option.
    expect(sentText((await rawVote(w, 'ou_m3', motion.id, '同意')).sent)).toContain('没有“同意”这个选项');
    // The same callback delivered twice counts once (丙单位 votes 赞成).
    const eventId = randomUUID();
    await rawVote(w, 'ou_m3', motion.id, '赞成', eventId);
    await rawVote(w, 'ou_m3', motion.id, '赞成', eventId);
    expect(await prisma().voterRecord.count({ where: { motionId: motion.id } })).toBe(3);

    // 丁单位 has not voted: reminded once, 6 s before the close; the others are not.
    await cardTo(w, 'ou_m4', '表决提醒');
    expect(sentTo(w, 'ou_m1', '表决提醒')).toHaveLength(0);
    expect(sentTo(w, 'ou_m3', '表决提醒')).toHaveLength(0);

    // Closed by its timer; the result reaches every member's accounts once.
    await cardTo(w, 'ou_m4', '表决结果');
    for (const id of ['ou_m1', 'ou_m1b', 'ou_m2', 'ou_m3']) await cardTo(w, id, '表决结果');
    expect(sentTo(w, 'ou_m2', '表决结果')).toHaveLength(1);
    expect(sentTo(w, 'ou_m4', '表决提醒')).toHaveLength(1);
    const status = await congress().status((await congress().find(motion.id))!);
    expect(status).toMatchObject({
      status: 'closed',
      eligible: 4,
      voted: 3,
      counts: { 赞成: 2, 反对: 0, 弃权: 1 },
      result: 'passed',
    });
    expect(JSON.stringify((await cardTo(w, 'ou_m1', '表决结果')).content)).toContain('获得通过');
    // Every vote card (and 丁单位's reminder) is updated at the close: how it ended, no buttons.
    const ended = (m: SentMessage) => {
      const update = w.fake.updates.find((u) => u.messageId === m.messageId);
      return update && JSON.stringify(update.content).includes('表决已结束，结果：获得通过') ? update : undefined;
    };
    for (const id of ['ou_m1', 'ou_m1b', 'ou_m2', 'ou_m3', 'ou_m4']) {
      await waitForSent(w, () => ended(cards[id]!) !== undefined, `the vote card of ${id} is closed`);
      expect(cardButtons({ content: ended(cards[id]!)!.content } as SentMessage)).toHaveLength(0);
    }
    const reminder = (await cardTo(w, 'ou_m4', '表决提醒'))!;
    await waitForSent(w, () => ended(reminder) !== undefined, 'the reminder card is closed');

    // A late click on the card: expired at the close (refused by the channel), and by the bot too.
    const late = await w.user('ou_m4').clicks(cards.ou_m4!, 0);
    expect(JSON.stringify(late.json)).toContain('已过期');
    expect(sentText((await rawVote(w, 'ou_m4', motion.id, '赞成')).sent)).toContain('已结束');
    expect(await prisma().voterRecord.count({ where: { motionId: motion.id } })).toBe(3);
  }, 180_000);
});

describe('an expulsion on Feishu', () => {
  it('the unit concerned cannot vote; closed early with a confirmation; the unit is expelled and locked out', async () => {
    const created = await congress().create('feishu:ou_sec', {
      kind: 'expulsion',
      title: '关于除名丁单位的动议',
      text: '丁单位一年以上不履行义务，经秘书处核实，提请除名。',
      closes_at: inSeconds(3600),
      member: '丁单位',
      verification: '秘书处查阅了 2025、2026 年度的活动记录和会费收据，丁单位两年未参加活动、未交会费。',
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const motion = created.motion;
    expect(motion.eligibleCount).toBe(3);
    const card = await cardTo(w, 'ou_m1', '关于除名丁单位的动议');
    expect(JSON.stringify(card.content)).toContain('被提请除名的成员单位：丁单位');
    expect(JSON.stringify(card.content)).toContain('秘书处核实情况：秘书处查阅了 2025、2026 年度的活动记录');
    expect(sentTo(w, 'ou_m4', '关于除名丁单位的动议')).toHaveLength(0);
    expect(sentText((await rawVote(w, 'ou_m4', motion.id, '反对')).sent)).toContain('被提请除名的单位不参加本表决');

    await w.user('ou_m1').clicks(card, 0);
    await w.user('ou_m2').clicks(await cardTo(w, 'ou_m2', '关于除名丁单位的动议'), 0);
    // A secret ballot this is not: the choice is kept with the unit.
    expect(await prisma().voterRecord.findMany({ where: { motionId: motion.id }, select: { choice: true } })).toEqual([
      { choice: '赞成' },
      { choice: '赞成' },
    ]);

    // Only the secretariat may close early, and only after confirming.
    expect(sentText(await w.user('ou_m1').says(`结束表决 ${motion.number}`))).toContain('只有秘书处');
    const confirm = (await w.user('ou_sec').says(`结束表决 ${motion.number}`))[0]!;
    expect(JSON.stringify(confirm.content)).toContain('确认提前结束');
    expect((await congress().find(motion.id))!.status).toBe('open');
    expect(sentText((await w.user('ou_sec').clicks(confirm, 0)).sent)).toContain('获得通过');

    const expelled = await prisma().member.findUniqueOrThrow({ where: { orgName: '丁单位' } });
    expect(expelled.status).toBe('expelled');
    expect(expelled.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 700 * 86_400_000);
    await waitForSent(
      w,
      (m) => m.chatId === 'p2p:ou_m4' && JSON.stringify(m.content).includes('除名'),
      'expulsion notice',
    );
    expect(
      await prisma().auditLog.count({ where: { action: 'motion.close', entityId: motion.id, actor: 'feishu:ou_sec' } }),
    ).toBe(1);
    // Expelled: no longer votes on anything.
    const next = await congress().create('feishu:ou_sec', {
      kind: 'general',
      title: '其他事项',
      text: '其他事项',
      closes_at: inSeconds(3600),
    });
    if (!next.ok) throw new Error('not created');
    expect(next.motion.eligibleCount).toBe(3);
    expect(sentText((await rawVote(w, 'ou_m4', next.motion.id, '赞成')).sent)).toContain('已不是联盟成员');
  }, 180_000);
});
