// A charter amendment on Feishu, end to end through `serve` (webhook mode), signed card callbacks and
// the fake Open API. The secretariat makes it in chat (「发起表决」); the summary is a card with
// 确认发起 / 修改 / 取消 whose buttons act only on the draft it shows. The vote card shows the current
// and new wording of the article side by side; units click, change, click twice, type; a non-member,
// a former member and a forwarded card are refused; the 24 h and 1 h reminders and the close are the
// motion's own timer jobs, run when due; a late click records nothing. Passed, it is published with
// one click, and Q&A answers from the new wording, saying it was amended and since when.
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
  rawClick,
  rawVote,
  replacedBy,
  sentTo,
  waitForSent,
} from '../channels/support/feishu-congress.ts';
import type { SentMessage } from '../channels/support/fake-feishu.ts';
import { DAY, HOUR, fireNow, motionTimer } from '../channels/support/congress-timers.ts';
import { formatBeijingDate } from '../../src/time/beijing.ts';

let w: FeishuWorld;
const prisma = () => w.service.app.services.db.prisma;
const app = () => w.service.app;
const MEMBERS = ['ou_a', 'ou_a2', 'ou_b', 'ou_c', 'ou_d'];
const NEW_TEXT =
  '联盟成员违反联盟章程及有关协议、规约，或一年以上不履行义务，情节严重的，经秘书处核实，提交成员大会审议决定除名。联盟成员除名后三年内不得申请重新加入联盟。';

beforeAll(async () => {
  w = await startFeishuWorld({ SECRETARIAT: 'feishu:ou_sec' });
  await importFeishuMembers(w, [
    ['甲单位', '甲', 'ou_a'],
    ['乙单位', '乙', 'ou_b'],
    ['丙单位', '丙', 'ou_c'],
    ['丁单位', '丁', 'ou_d'],
    ['戊单位', '戊', 'ou_e'],
  ]);
  await addFeishuAccount(w, '甲单位', 'ou_a2');
  await prisma().member.update({ where: { orgName: '戊单位' }, data: { status: 'withdrawn', leftAt: new Date() } });
}, 120_000);
afterAll(async () => w?.close());

const cardIn = (sent: SentMessage[]) => {
  const card = sent.find((m) => m.msgType === 'interactive');
  expect(card, sentText(sent)).toBeDefined();
  return card!;
};
/** The texts of a card's two-column rows (the side-by-side wording). */
const columnTexts = (content: Record<string, unknown>) =>
  (content.body as { elements: { tag: string; flex_mode?: string; columns?: unknown[] }[] }).elements
    .filter((e) => e.tag === 'column_set' && e.flex_mode === 'stretch')
    .map((e) =>
      (e.columns as { elements: { text: { content: string } }[] }[]).map((col) => col.elements[0]!.text.content),
    );

describe('a charter amendment on Feishu', () => {
  it('made in chat and confirmed on its card → voted → reminders → closed → published → Q&A answers from the new wording', async () => {
    const sec = w.user('ou_sec');
    const say = async (text: string) => sentText(await sec.says(text));
    expect(await say('发起表决')).toContain('请选择表决类别');
    expect(await say('章程修订')).toContain('已记下 类别：章程修订');
    await say('修订第十九条');
    await say('将除名后不得重新申请的期限由两年改为三年。');
    expect(await say('19')).toContain('第十九条 现行条文：');
    await say(NEW_TEXT);
    await say('现在');
    await say('后天下午5点');
    await say('默认');
    await say('默认');
    await say('记名');
    const last = await sec.says('允许');
    expect(sentText(last)).toContain('已记下 改票：允许截止前改票');

    // The summary is a card: the items numbered, old and new wording side by side, three buttons.
    const first = cardIn(last);
    const summary = JSON.stringify(first.content);
    expect(summary).toContain('请核对表决内容');
    expect(summary).toContain('1. 类别：章程修订');
    expect(summary).toContain('4. 修订条目：第十九条');
    expect(columnTexts(first.content)).toEqual([
      [expect.stringMatching(/^现行条文：.*两年内不得申请/), expect.stringMatching(/^修订为：.*三年内不得申请/)],
    ]);
    expect(summary).toContain('按此修订，除名后不得重新申请的期限将由两年改为三年');
    for (const label of ['确认发起', '修改', '取消']) expect(summary).toContain(`"content":"${label}"`);
    expect(cardButtons(first).map((b) => (b as { action: string }).action)).toEqual([
      'congress.create.confirm',
      'congress.create.edit',
      'congress.create.cancel',
    ]);
    expect(cardButtons(first)[0]).toMatchObject({ to: 'ou_sec' });

    // 修改: which item? A correction typed; the summary card comes back with it.
    expect(sentText((await sec.clicks(first, 1)).sent)).toContain('要修改哪一项');
    const corrected = await sec.says('改标题为修订章程第十九条');
    const second = cardIn(corrected);
    expect(JSON.stringify(second.content)).toContain('2. 标题：修订章程第十九条');
    // The first card no longer shows the draft: its 确认发起 creates nothing, and says so.
    const stale = await sec.clicks(first, 0);
    expect(sentText(stale.sent)).toContain('这张核对卡片之后表决内容又改过');
    expect(JSON.stringify(replacedBy(stale.json))).toContain('已失效');
    expect(await prisma().motion.count()).toBe(0);
    // Someone else clicking the secretariat's card (forwarded): refused by its addressee.
    const forwarded = await w.user('ou_a').clicks(second, 0);
    expect(JSON.stringify(forwarded.json)).toContain('不是发给您的');
    expect(await prisma().motion.count()).toBe(0);

    const confirmed = await sec.clicks(second, 0);
    const created = sentText(confirmed.sent);
    expect(created).toMatch(/已发起第\d+号表决“修订章程第十九条”：已开始，表决卡片已发往 4 家/);
    const done = replacedBy(confirmed.json)!;
    expect(JSON.stringify(done)).toContain('已发起第');
    expect(cardButtons({ content: done } as SentMessage)).toHaveLength(0);
    // A second click on the same card (a double click, or a stale client): nothing more is created.
    expect(sentText((await sec.clicks(second, 0)).sent)).toContain('没有正在发起的表决');
    expect(await prisma().motion.count()).toBe(1);
    const m = await prisma().motion.findFirstOrThrow();
    const n = m.number;
    expect(m).toMatchObject({ kind: 'amendment', article: '第十九条', newText: NEW_TEXT, allowChange: true });

    // The vote cards: every representative's account, nobody else; the wording side by side.
    const cards = Object.fromEntries(
      await Promise.all(MEMBERS.map(async (id) => [id, await cardTo(w, id, '修订章程第十九条')] as const)),
    );
    for (const id of ['ou_e', 'ou_x']) expect(sentTo(w, id, '修订章程第十九条')).toHaveLength(0);
    expect(columnTexts(cards.ou_a!.content)).toEqual([
      [
        expect.stringMatching(/^第十九条 现行条文：.*两年内不得申请/),
        expect.stringMatching(/^第十九条 修订为：.*三年内不得申请/),
      ],
    ]);

    const a = w.user('ou_a');
    const voted = await a.clicks(cards.ou_a!, 0);
    expect(toastText(voted.json)).toContain(`已记录 甲单位 对第${n}号表决“修订章程第十九条”的投票：赞成`);
    const shown = replacedBy(voted.json)!;
    expect(JSON.stringify(shown)).toContain('甲单位已投票：赞成');
    expect(columnTexts(shown)).toHaveLength(1);
    expect(cardButtons({ content: shown } as SentMessage)).toHaveLength(3);
    expect(toastText((await a.clicks(cards.ou_a!, 0)).json)).toContain('无需重复投票');
    expect(toastText((await w.user('ou_a2').clicks(cards.ou_a2!, 1)).json)).toContain('由“赞成”改为“反对”');
    expect(sentText(await a.says(`投票 ${n} 赞成`))).toContain('由“反对”改为“赞成”');
    expect(sentText(await w.user('ou_b').says('赞成'))).toContain('已记录 乙单位');
    await w.user('ou_c').clicks(cards.ou_c!, 2);
    // Refused: an outsider's crafted click, a former member, 丁单位's card clicked by someone else.
    expect(sentText((await rawVote(w, 'ou_x', m.id, '赞成')).sent)).toContain('不是成员单位代表');
    expect(sentText((await rawVote(w, 'ou_e', m.id, '赞成')).sent)).toContain('戊单位 已不是联盟成员（已退出）');
    expect(JSON.stringify((await w.user('ou_x').clicks(cards.ou_d!, 0)).json)).toContain('不是发给您的');
    expect(await prisma().voterRecord.count({ where: { motionId: m.id } })).toBe(3);

    // 丁单位 is reminded a day and an hour before the close; nobody else.
    await fireNow(await motionTimer(app(), m.id, DAY));
    await cardTo(w, 'ou_d', '表决提醒');
    await fireNow(await motionTimer(app(), m.id, HOUR));
    await waitForSent(w, () => sentTo(w, 'ou_d', '表决提醒').length === 2, 'the second reminder');
    for (const id of ['ou_a', 'ou_a2', 'ou_b', 'ou_c', 'ou_e']) expect(sentTo(w, id, '表决提醒')).toHaveLength(0);

    // Closed by its timer: passed; the result to every account; every vote card loses its buttons.
    await fireNow(await motionTimer(app(), m.id));
    for (const id of [...MEMBERS, 'ou_sec']) {
      const result = JSON.stringify((await cardTo(w, id, `【表决结果】第${n}号`)).content);
      expect(result).toContain('获得通过');
      expect(result).toContain('计票：赞成 2，反对 0，弃权 1');
    }
    await waitForSent(
      w,
      () =>
        w.fake.updates.some(
          (u) => u.messageId === cards.ou_d!.messageId && JSON.stringify(u.content).includes('表决已结束'),
        ),
      "丁单位's card updated",
    );
    // A late click (a client still showing the buttons): nothing recorded.
    expect(sentText((await w.user('ou_d').clicks(cards.ou_d!, 0)).sent)).toContain(`第${n}号表决已结束，投票未记录`);
    expect(await prisma().voterRecord.count({ where: { motionId: m.id } })).toBe(3);

    // Published with one click by the secretariat (a member's click is refused; a second one says when).
    const publish = await cardTo(w, 'ou_sec', '章程修订待发布');
    expect(sentText((await rawClick(w, 'ou_a', 'congress.publish', { motion: m.id })).sent)).toContain('只有秘书处');
    const today = formatBeijingDate(new Date());
    expect(sentText((await sec.clicks(publish, 0)).sent)).toContain(
      `已发布修订后的章程：第十九条 自 ${today} 起按新条文执行`,
    );
    expect(sentText((await sec.clicks(publish, 0)).sent)).toContain(`已于 ${today} 发布`);
    expect(await prisma().charterRevision.count()).toBe(1);

    const answer = sentText(await w.user('ou_x').says('第十九条是怎么规定的？'));
    expect(answer).toContain('三年内不得申请重新加入联盟');
    expect(answer).toContain(`经成员大会第${n}号表决修订，自 ${today} 起施行`);
    expect(answer).not.toContain('两年内不得申请');
  }, 300_000);

  it('取消 on the summary card drops the draft; nothing is created', async () => {
    const sec = w.user('ou_sec');
    const before = await prisma().motion.count();
    for (const text of ['发起表决', '重大事项', '年会地点', '请审议 2027 年年会地点。', '默认', '现在', '后天下午5点'])
      await sec.says(text);
    for (const text of ['默认', '默认', '记名']) await sec.says(text);
    const card = cardIn(await sec.says('不允许'));
    expect(JSON.stringify(card.content)).toContain('3. 动议全文');
    const cancelled = await sec.clicks(card, 2);
    expect(sentText(cancelled.sent)).toContain('已取消，未创建任何表决');
    expect(JSON.stringify(replacedBy(cancelled.json))).toContain('已取消');
    // The dialog is over: its card's buttons and a typed 确认 create nothing.
    expect(sentText((await sec.clicks(card, 0)).sent)).toContain('没有正在发起的表决');
    expect(sentText(await sec.says('确认'))).not.toContain('已发起');
    expect(await prisma().motion.count()).toBe(before);
  }, 120_000);
});
