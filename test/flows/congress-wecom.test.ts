// Congress votes on WeCom (企业微信 self-built app), end to end through `serve`, the outbox and the fake
// WeCom server API, as members would: representatives imported with WeCom accounts, a motion opens
// and every one gets a `button_interaction` template card with the options as buttons; a click
// (a signed, encrypted template_card_event) records the unit's vote, the clicked card is changed in
// place with the click's single-use response_code, and the outcome arrives as a text message. A
// changed vote, a double click, a second representative of the same unit, a forwarded card, a
// non-member, typed votes, a reminder card, the timer's close (every card changed to the result, the
// result to every member), a late click; then a long motion with many long options, and an
// expulsion closed early by the secretariat from WeCom.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWecomWorld, wecomText, type WecomWorld } from '../channels/support/wecom-service.ts';
import { cardClick } from '../channels/support/wecom-requests.ts';
import type { WecomSent } from '../channels/support/fake-wecom.ts';
import { importMembers } from '../../src/membership/members.ts';

let w: WecomWorld;
const prisma = () => w.service.app.services.db.prisma;
const congress = () => w.service.app.congress;
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

type Button = { text: string; style: number; key: string };
const buttonsOf = (card: Record<string, unknown>) => (card.button_list ?? []) as Button[];
const cardJson = (m: WecomSent) => JSON.stringify(m.body);

beforeAll(async () => {
  w = await startWecomWorld({ SECRETARIAT: 'wecom:sec', VOTE_REMINDERS: '8s' });
  const units: [string, string, string][] = [
    ['甲单位', '甲', 'm1'],
    ['乙单位', '乙', 'm2'],
    ['丙单位', '丙', 'm3'],
    ['丁单位', '丁', 'm4'],
    ['戊单位', '戊', 'm5'],
  ];
  const imported = await importMembers(
    prisma(),
    'test',
    ['orgName,orgType,repName,channel,userId', ...units.map(([o, r, id]) => `${o},企业,${r},wecom,${id}`)].join('\n'),
  );
  expect(imported).toMatchObject({ created: 5, problems: [] });
  // 甲单位's second representative's WeCom account.
  const unit = await prisma().member.findUniqueOrThrow({ where: { orgName: '甲单位' } });
  await prisma().memberAccount.create({ data: { memberId: unit.id, channel: 'wecom', userId: 'm1b' } });
}, 120_000);
afterAll(async () => w?.close());

async function eventually<T>(find: () => T | undefined, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hit = find();
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The first template card sent to this member that contains `contains` (waits for it). */
const cardTo = (userId: string, contains: string) =>
  eventually(
    () =>
      w.fake.messages.find(
        (m) => m.touser === userId && m.msgtype === 'template_card' && cardJson(m).includes(contains),
      ),
    `${contains} → ${userId}`,
  );

/** Every message (text or card) sent to this member so far that contains `contains`. */
const sentTo = (userId: string, contains: string) =>
  w.fake.messages.filter((m) => m.touser === userId && cardJson(m).includes(contains));

/** A click on a card's button as WeCom sends it; answers what was sent and the click's response_code. */
async function click(userId: string, card: WecomSent, index: number) {
  const key = buttonsOf(card.body)[index]?.key;
  if (!key || !card.taskId) throw new Error(`no button ${index}`);
  const code = w.fake.clickCode(card.taskId);
  const before = w.fake.updates.length;
  const { sent } = await w.deliver(cardClick(userId, { taskId: card.taskId, eventKey: key, responseCode: code }));
  return { sent, text: wecomText(sent), code, updates: w.fake.updates.slice(before) };
}

/** A click whose key was made by hand (no addressee): what a non-member could forge. */
const rawVote = async (userId: string, motion: string, option: string) =>
  wecomText(
    (
      await w.deliver(
        cardClick(userId, {
          taskId: `forged${Date.now()}`,
          eventKey: JSON.stringify({ a: 'congress.vote', v: { motion, option } }),
          responseCode: 'rc-forged',
        }),
      )
    ).sent,
  );

const votes = (motionId: string) => prisma().voterRecord.count({ where: { motionId } });

describe('a general motion on WeCom', () => {
  it('cards → clicks and typed votes → reminder → close by timer → every card changed, result to all', async () => {
    const created = await congress().create('wecom:sec', {
      kind: 'general',
      title: '2027 年度工作计划',
      text: '审议秘书处提交的 2027 年度工作计划。',
      closes_at: inSeconds(40),
      allow_change: true,
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const motion = created.motion;
    expect(motion.eligibleCount).toBe(5);

    const ids = ['m1', 'm1b', 'm2', 'm3', 'm4', 'm5'];
    const cards = Object.fromEntries(
      await Promise.all(ids.map(async (id) => [id, await cardTo(id, '2027 年度工作计划')] as const)),
    );
    // The card as WeCom receives it: a button_interaction card, the motion on it, one button per option.
    const m1card = cards.m1!;
    expect(m1card.body.card_type).toBe('button_interaction');
    expect((m1card.body.main_title as { title: string }).title).toContain(`第${motion.number}号`);
    expect((m1card.body.main_title as { title: string }).title).toContain('2027 年度工作计划');
    expect(String(m1card.body.sub_title_text)).toContain('审议秘书处提交的 2027 年度工作计划。');
    expect(m1card.responseCode).toBeTruthy();
    const buttons = buttonsOf(m1card.body);
    expect(buttons.map((b) => b.text)).toEqual(['赞成', '反对', '弃权']);
    expect(JSON.parse(buttons[0]!.key)).toMatchObject({
      a: 'congress.vote',
      v: { motion: motion.id, option: '赞成' },
      to: 'm1',
      exp: motion.closesAt.toISOString(),
    });
    expect(JSON.parse(buttonsOf(cards.m2!.body)[1]!.key)).toMatchObject({ v: { option: '反对' }, to: 'm2' });
    // Short enough: nothing was sent as text before the card.
    // The whole motion fits (its 「名称：值」 lines as key–value rows): no text copy before the card.
    expect([...String(m1card.body.sub_title_text)].length).toBeLessThanOrEqual(112);
    expect(String(m1card.body.sub_title_text)).toContain(`也可直接回复“投票 ${motion.number} 赞成”`);
    const rows = m1card.body.horizontal_content_list as { keyname: string; value: string }[];
    expect(rows.map((r) => r.keyname)).toEqual(['类别', '通过规则', '投票方式', '截止时间']);
    for (const r of rows) expect([...r.value].length).toBeLessThanOrEqual(26);
    expect(w.fake.sentTo('m1').filter((m) => m.msgtype === 'text')).toHaveLength(0);

    // 甲单位 votes 赞成: recorded; the clicked card changed in place with the click's code, showing the
    // unit's vote and keeping its buttons (the vote may be changed); the sentence as a text message.
    const first = await click('m1', m1card, 0);
    expect(await votes(motion.id)).toBe(1);
    expect(first.text).toContain('已记录 甲单位 对第');
    expect(first.sent.map((m) => m.msgtype)).toEqual(['text']);
    expect(first.updates).toHaveLength(1);
    expect(first.updates[0]).toMatchObject({ userids: ['m1'], responseCode: first.code });
    expect(first.updates[0]!.card.task_id).toBe(m1card.taskId);
    expect(JSON.stringify(first.updates[0]!.card)).toContain('甲单位已投票：赞成');
    expect(buttonsOf(first.updates[0]!.card).map((b) => b.text)).toEqual(['赞成', '反对', '弃权']);

    // A double click: still one vote, said so.
    const again = await click('m1', m1card, 0);
    expect(again.text).toContain('无需重复投票');
    expect(await votes(motion.id)).toBe(1);
    // 甲单位's other representative changes the unit's vote.
    const other = await click('m1b', cards.m1b!, 2);
    expect(other.text).toContain('由“赞成”改为“弃权”');
    expect(JSON.stringify(other.updates[0]?.card)).toContain('甲单位已投票：弃权');
    expect(await votes(motion.id)).toBe(1);
    // 乙单位 changes its mind.
    await click('m2', cards.m2!, 1);
    expect((await click('m2', cards.m2!, 0)).text).toContain('由“反对”改为“赞成”');

    // 丙单位's card forwarded to someone else: refused, nothing recorded, the card unchanged.
    const forwarded = await click('mallory', cards.m3!, 0);
    expect(forwarded.text).toContain('这张卡片不是发给您的');
    expect(forwarded.updates).toHaveLength(0);
    expect(await votes(motion.id)).toBe(2);
    // A non-member forging a click without an addressee: refused with a clear message.
    expect(await rawVote('mallory', motion.id, '赞成')).toContain('不是成员单位代表');
    // A key that is not the bot's (garbage, or no action): refused with a note, nothing recorded.
    const garbage = await w.deliver(
      cardClick('m3', { taskId: cards.m3!.taskId!, eventKey: '{"x":1', responseCode: 'rc-garbage' }),
    );
    expect(wecomText(garbage.sent)).toContain('无法识别这个按钮');
    // A bad option in a forged key.
    expect(await rawVote('m3', motion.id, '同意')).toContain('没有“同意”这个选项');
    expect(await votes(motion.id)).toBe(2);

    // Typed votes in the WeCom chat: 「赞成」 (one motion awaits 丙单位's vote) and 「投票 N 反对」.
    const typed = wecomText(await w.member('m3').says('赞成'));
    expect(typed).toContain('已记录 丙单位 对第');
    const numbered = wecomText(await w.member('m5').says(`投票 ${motion.number} 反对`));
    expect(numbered).toContain('已记录 戊单位 对第');
    expect(await votes(motion.id)).toBe(4);

    // 丁单位 has not voted: a reminder card, 8 s before the close; the others get none.
    const reminder = await cardTo('m4', '表决提醒');
    expect(buttonsOf(reminder.body).map((b) => b.text)).toEqual(['赞成', '反对', '弃权']);
    for (const id of ['m1', 'm1b', 'm2', 'm3', 'm5']) expect(sentTo(id, '表决提醒')).toHaveLength(0);

    // Closed by its timer: every member's accounts get the result once.
    for (const id of ids) await eventually(() => sentTo(id, '表决结果')[0], `the result → ${id}`);
    for (const id of ids) expect(sentTo(id, '表决结果')).toHaveLength(1);
    expect(wecomText(sentTo('m1', '表决结果'))).toContain('获得通过');
    const status = await congress().status((await congress().find(motion.id))!);
    expect(status).toMatchObject({
      status: 'closed',
      eligible: 5,
      voted: 4,
      counts: { 赞成: 2, 反对: 1, 弃权: 1 },
      result: 'passed',
    });

    // Every vote card (the clicked ones too) and the reminder changed in place: the result, no buttons.
    const endedUpdate = (card: WecomSent) =>
      w.fake.updates.find(
        (u) => u.card.task_id === card.taskId && JSON.stringify(u.card).includes('表决已结束，结果：获得通过'),
      );
    for (const [id, card] of [...Object.entries(cards), ['m4', reminder] as const]) {
      const update = await eventually(() => endedUpdate(card), `the card of ${id} is closed`);
      expect(update.userids).toEqual([id]);
      expect(buttonsOf(update.card)).toEqual([]);
    }
    // Not sent anew as a second card.
    for (const id of ids) expect(sentTo(id, '表决已结束')).toHaveLength(0);

    // A late click on a card: expired at the close (the key's exp), and by the bot too.
    expect((await click('m4', cards.m4!, 0)).text).toContain('已过期');
    expect(await rawVote('m4', motion.id, '赞成')).toContain('已结束');
    expect(await votes(motion.id)).toBe(4);
  }, 180_000);
});

describe('a long motion with many long options on WeCom', () => {
  it('numbers the six buttons that fit, lists every option in the text before the card; typed votes reach the rest', async () => {
    const paragraph = '秘书处拟定了会费标准调整方案，理由和测算见附件，请各成员单位审议后表决。'.repeat(40);
    const options = [
      '方案一：维持现行会费标准不变',
      '方案一：提高会费标准百分之十',
      '方案三：按单位规模分档收取',
      '方案四：暂停收取一年',
      '方案五：减半',
      '方案六：另行研究',
      '方案七：交秘书处再议',
      '弃权',
    ];
    const earlier = w.fake.sentTo('m2').length;
    const created = await congress().create('wecom:sec', {
      kind: 'general',
      title: '关于调整联盟成员单位年度会费标准及其收取方式、减免办法和使用监督的动议',
      text: paragraph,
      closes_at: inSeconds(3600),
      options,
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const motion = created.motion;
    const card = await cardTo('m2', `第${motion.number}号`);
    for (const id of ['m1', 'm1b', 'm3', 'm4', 'm5']) await cardTo(id, `第${motion.number}号`);
    const title = (card.body.main_title as { title: string }).title;
    expect([...title].length).toBeLessThanOrEqual(36);
    expect(title).toContain(`第${motion.number}号`);
    expect([...String(card.body.sub_title_text)].length).toBeLessThanOrEqual(112);
    const buttons = buttonsOf(card.body);
    // Six buttons, numbered (the two 方案一… would otherwise be cut into look-alikes), none over 10.
    expect(buttons).toHaveLength(6);
    expect(buttons.map((b) => b.text.split(' ')[0])).toEqual(['1', '2', '3', '4', '5', '6']);
    for (const b of buttons) expect([...b.text].length).toBeLessThanOrEqual(10);
    for (const b of buttons) expect(Buffer.byteLength(b.key)).toBeLessThanOrEqual(1024);
    expect(buttons.map((b) => JSON.parse(b.key).v.option)).toEqual(options.slice(0, 6));

    // Before the card: the whole motion and every option in full, in texts WeCom accepts.
    const before = w.fake.sentTo('m2');
    const texts = before.slice(earlier, before.indexOf(card));
    expect(texts.every((m) => m.msgtype === 'text')).toBe(true);
    const prose = texts
      .filter((m) => m.msgtype === 'text')
      .map((m) => String(m.body.content))
      .join('');
    for (const m of texts) expect(Buffer.byteLength(String(m.body.content ?? ''))).toBeLessThanOrEqual(2048);
    expect(prose.replace(/\n/g, '')).toContain(paragraph);
    expect(prose).toContain(`也可直接回复“投票 ${motion.number} 方案一：维持现行会费标准不变”`);
    for (const [i, option] of options.entries()) expect(prose).toContain(`${i + 1}. ${option}`);
    expect(prose).toContain('最多只能放 6 个按钮');

    // A click on button 2 records the full option; the card changes in place, the text is not sent again.
    const clicked = await click('m2', card, 1);
    expect(clicked.text).toContain('已记录 乙单位');
    expect(clicked.text).toContain('方案一：提高会费标准百分之十');
    expect(clicked.sent.filter((m) => m.msgtype !== 'text')).toHaveLength(0);
    expect(clicked.sent).toHaveLength(1);
    expect(clicked.updates).toHaveLength(1);
    expect(clicked.updates[0]!.responseCode).toBe(clicked.code);
    // The eighth option, which has no button, typed.
    const typed = wecomText(await w.member('m3').says(`投票 ${motion.number} 弃权`));
    expect(typed).toContain('已记录 丙单位');
    const records = await prisma().voterRecord.findMany({ where: { motionId: motion.id }, select: { choice: true } });
    expect(records.map((r) => r.choice).sort()).toEqual(['方案一：提高会费标准百分之十', '弃权'].sort());

    // The secretariat closes it early from WeCom, confirming on a card.
    expect(wecomText(await w.member('m1').says(`结束表决 ${motion.number}`))).toContain('只有秘书处');
    const confirm = (await w.member('sec').says(`结束表决 ${motion.number}`)).find(
      (m) => m.msgtype === 'template_card',
    );
    expect(confirm && cardJson(confirm)).toContain('确认提前结束');
    expect((await congress().find(motion.id))!.status).toBe('open');
    const closed = await click('sec', confirm!, 0);
    expect(closed.text).toMatch(/获得通过|未获通过/);
    expect((await congress().find(motion.id))!.status).toBe('closed');
    // 乙单位's clicked card ends too, changed in place with the code its send returned.
    const ended = await eventually(
      () => w.fake.updates.find((u) => u.card.task_id === card.taskId && JSON.stringify(u.card).includes('表决已结束')),
      'the clicked card is closed',
    );
    expect(ended.responseCode).toBe(card.responseCode);
    expect(buttonsOf(ended.card)).toEqual([]);
  }, 120_000);
});

describe('an expulsion on WeCom', () => {
  it('the unit concerned cannot vote; a redelivered click and a used response_code; closed early; the unit expelled', async () => {
    const created = await congress().create('wecom:sec', {
      kind: 'expulsion',
      title: '关于除名戊单位的动议',
      text: '戊单位一年以上不履行义务，经秘书处核实，提请除名。',
      closes_at: inSeconds(3600),
      member: '戊单位',
      verification: '秘书处查阅了 2025、2026 年度的活动记录和会费收据，戊单位两年未参加活动、未交会费。',
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const motion = created.motion;
    expect(motion.eligibleCount).toBe(4);
    const cards = Object.fromEntries(
      await Promise.all(['m1', 'm2', 'm3'].map(async (id) => [id, await cardTo(id, '关于除名戊单位的动议')] as const)),
    );
    await cardTo('m4', '关于除名戊单位的动议');
    expect(cardJson(cards.m1!)).toContain('戊单位');
    expect(sentTo('m5', '关于除名戊单位的动议')).toHaveLength(0);
    expect(await rawVote('m5', motion.id, '反对')).toContain('被提请除名的单位不参加本表决');

    // A click whose response_code WeCom no longer takes (used elsewhere): the vote counts, and the
    // card is changed in place all the same, with the code its send returned.
    const before = w.fake.updates.length;
    const stale = await w.deliver(
      cardClick('m1', {
        taskId: cards.m1!.taskId!,
        eventKey: buttonsOf(cards.m1!.body)[0]!.key,
        responseCode: 'rc-already-used',
      }),
    );
    expect(wecomText(stale.sent)).toContain('已记录 甲单位');
    const changed = w.fake.updates.slice(before);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.responseCode).toBe(cards.m1!.responseCode);
    expect(JSON.stringify(changed[0]!.card)).toContain('甲单位已投票：赞成');
    // Not sent anew: the click's answer is the sentence alone.
    expect(stale.sent.map((m) => m.msgtype)).toEqual(['text']);

    // WeCom sends the same click again (no answer in time): one vote, one answer.
    const m2click = cardClick('m2', {
      taskId: cards.m2!.taskId!,
      eventKey: buttonsOf(cards.m2!.body)[0]!.key,
      responseCode: w.fake.clickCode(cards.m2!.taskId!),
    });
    expect(wecomText((await w.deliver(m2click)).sent)).toContain('已记录 乙单位');
    expect((await w.deliver(m2click)).sent).toEqual([]);
    expect(await votes(motion.id)).toBe(2);
    await click('m3', cards.m3!, 0);

    const confirm = (await w.member('sec').says(`结束表决 ${motion.number}`)).find(
      (m) => m.msgtype === 'template_card',
    );
    expect(wecomText((await click('sec', confirm!, 0)).sent)).toContain('获得通过');
    const expelled = await prisma().member.findUniqueOrThrow({ where: { orgName: '戊单位' } });
    expect(expelled.status).toBe('expelled');
    await eventually(() => sentTo('m5', '除名')[0], 'the expulsion notice reaches 戊单位');
    // Expelled: no longer votes.
    expect(await rawVote('m5', motion.id, '赞成')).not.toContain('已记录');
  }, 120_000);
});
