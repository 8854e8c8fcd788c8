// Cards that change, at the wire on Feishu: the secretariat member who clicks 通过资格审查 gets the
// decided card back inside the callback's HTTP answer; every other copy of that review card (the
// other member's, the secretariat group's) is PATCHed through the fake Open API to show who decided,
// without buttons. A slow handler falls back to the toast and an update; a stranger's click on a
// forwarded card changes nothing; a module's update of a card not sent yet waits for it.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardButtons, SECRETS, sentText, startFeishuWorld, type FeishuWorld } from './support/feishu-service.ts';
import { cardActionEvent, signedRequest } from './support/feishu-requests.ts';
import type { SentMessage } from './support/fake-feishu.ts';
import { importMembers } from '../../src/membership/members.ts';
import { updateCard } from '../../src/delivery/outbox.ts';
import { applicationAnswers } from '../support/application-script.ts';

const GROUP = 'oc_secretariat_group';

let w: FeishuWorld;
beforeAll(async () => {
  w = await startFeishuWorld({
    SECRETARIAT_FEISHU_OPEN_IDS: 'ou_sec1,ou_sec2',
    SECRETARIAT_FEISHU_CHAT_ID: GROUP,
    APPLICATION_DEADLINE: '2099-12-31',
  });
  await importMembers(
    w.service.app.services.db.prisma,
    'test',
    'orgName,orgType,repName,channel,userId\n北京市数字教育中心,教育部门,张三,feishu,ou_m1\n',
  );
});
afterAll(async () => w?.close());

const prisma = () => w.service.app.services.db.prisma;

async function eventually<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 300; i += 1) {
    const hit = find();
    if (hit) return hit;
    await sleep(50);
  }
  throw new Error(`never: ${what}`);
}

const cardTo = (chatId: string, contains: string) =>
  eventually(
    () =>
      w.fake.messages.find(
        (m) => m.chatId === chatId && m.msgType === 'interactive' && JSON.stringify(m.content).includes(contains),
      ),
    `${chatId} receives a card with “${contains}”`,
  );

const updatesOf = (card: SentMessage) => w.fake.updates.filter((u) => u.messageId === card.messageId);
const title = (content: Record<string, unknown>) => (content.header as { title: { content: string } }).title.content;
const buttonsIn = (content: Record<string, unknown>) => cardButtons({ content } as SentMessage).length;

describe('review cards that change on Feishu', () => {
  it('the clicker’s card is replaced in the answer; every other copy is updated to show who decided', async () => {
    const applicant = w.user('ou_app');
    for (const text of applicationAnswers('贵州卡片测试科技有限公司')) await applicant.says(text);
    expect(sentText(await applicant.says('确认提交'))).toMatch(/LM-\d{4}-\d{4}/);

    const mine = await cardTo('p2p:ou_sec1', '入盟申请待资格审查');
    const theirs = await cardTo('p2p:ou_sec2', '入盟申请待资格审查');
    const group = await cardTo(GROUP, '入盟申请待资格审查');
    const app = await prisma().application.findFirstOrThrow({ where: { userId: 'ou_app' } });

    // A member clicking a forwarded copy addressed to sec2: refused by the channel, nothing changes.
    const forwarded = await w.user('ou_m1', 'oc_m1').clicks(theirs, 0);
    expect(forwarded.json).toMatchObject({ toast: { type: 'warning' } });
    expect(forwarded.json).not.toHaveProperty('card');
    // A member clicking the group's copy (open to the group): told it is the secretariat's, nothing changes.
    const stranger = await w.user('ou_m1', GROUP).clicks(group, 0);
    expect(stranger.json).not.toHaveProperty('card');
    expect(sentText(stranger.sent)).toContain('仅限联盟秘书处');
    expect((await prisma().application.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('submitted');
    expect(w.fake.updates).toEqual([]);

    const click = await w.user('ou_sec1', 'oc_p2p_ou_sec1').clicks(mine, 0);
    // The new-style callback answer: a toast and the replacement card as raw card JSON 2.0.
    expect(click.json).toMatchObject({
      toast: { type: 'success' },
      card: { type: 'raw', data: { schema: '2.0', config: { update_multi: true } } },
    });
    const replaced = (click.json as { card: { data: Record<string, unknown> } }).card.data;
    expect(title(replaced)).toContain('通过资格审查');
    expect(JSON.stringify(replaced)).toContain('feishu:ou_sec1');
    expect(buttonsIn(replaced)).toBe(0);
    expect(sentText(click.sent)).toContain('已通过申请');

    // The other copies, through the outbox and PATCH: who decided, no buttons.
    for (const copy of [theirs, group]) {
      const [update] = await eventually(
        () => (updatesOf(copy).length > 0 ? updatesOf(copy) : undefined),
        `${copy.chatId}'s copy is updated`,
      );
      expect(title(update!.content)).toContain('通过资格审查');
      expect(JSON.stringify(update!.content)).toContain('由 feishu:ou_sec1');
      expect(buttonsIn(update!.content)).toBe(0);
    }
    // The clicker's own card changed once, in the answer; nothing PATCHed it again.
    expect(updatesOf(mine)).toEqual([]);
    expect(updatesOf(theirs)).toHaveLength(1);
    expect(updatesOf(group)).toHaveLength(1);

    // sec2 clicks the old copy before seeing the update: told who decided; no second change.
    const late = await w.user('ou_sec2', 'oc_p2p_ou_sec2').clicks(theirs, 0);
    expect(late.json).not.toHaveProperty('card');
    expect(sentText(late.sent)).toContain('已由 feishu:ou_sec1');
    expect(updatesOf(theirs)).toHaveLength(1);
    expect(await prisma().auditLog.count({ where: { action: 'review.approve', entityId: app.id } })).toBe(1);
  }, 90_000);

  it('an objection card decided by one secretariat member shows the decision on every copy', async () => {
    const notice = await cardTo('p2p:ou_m1', '入盟公示');
    const member = w.user('ou_m1', 'oc_p2p_ou_m1');
    await member.clicks(notice, 0);
    await member.says('该单位尚未完成接入国家体系。');
    const mine = await cardTo('p2p:ou_sec2', '公示异议');
    const theirs = await cardTo('p2p:ou_sec1', '公示异议');
    const group = await cardTo(GROUP, '公示异议');

    // 驳回异议 is the second button.
    const click = await w.user('ou_sec2', 'oc_p2p_ou_sec2').clicks(mine, 1);
    const replaced = (click.json as { card: { data: Record<string, unknown> } }).card.data;
    expect(title(replaced)).toContain('已驳回');
    expect(buttonsIn(replaced)).toBe(0);
    expect(sentText(click.sent)).toContain('已驳回');
    for (const copy of [theirs, group]) {
      const [update] = await eventually(
        () => (updatesOf(copy).length > 0 ? updatesOf(copy) : undefined),
        `${copy.chatId}'s objection card is updated`,
      );
      expect(title(update!.content)).toContain('已驳回');
      expect(JSON.stringify(update!.content)).toContain('feishu:ou_sec2');
      expect(buttonsIn(update!.content)).toBe(0);
    }
    expect(updatesOf(mine)).toEqual([]);
  }, 60_000);

  it('a handler slower than the answer’s budget: the toast goes alone, the card is updated once afterwards', async () => {
    w.service.app.bot.use('action', async (ctx, next) => {
      if (ctx.inbound.action?.name !== 'test.slow') return next();
      await sleep(4_000);
      ctx.replaceCard({ title: '慢处理完成' });
      ctx.say('慢处理已完成');
    });
    const card = { title: '慢卡片', buttons: [{ label: '处理', action: 'test.slow', value: {} }] };
    const before = w.fake.messages.length;
    await w.service.channel.send({ chatId: 'oc_slow', userId: 'ou_slow' }, { kind: 'card', card }, 'slow-card');
    const sent = w.fake.messages[before]!;

    const started = performance.now();
    const event = cardActionEvent(SECRETS.verificationToken, {
      operatorId: 'ou_slow',
      value: cardButtons(sent)[0],
      messageId: sent.messageId,
      chatId: 'oc_slow',
    });
    const answer = await w.post('/feishu/cards', signedRequest(event, SECRETS.encryptKey));
    const answeredMs = performance.now() - started;
    // Answered when the budget ran out (2.5 s; Feishu waits 3 s), long before the handler's 4 s, without a card.
    expect(answeredMs).toBeGreaterThanOrEqual(2_400);
    expect(answeredMs).toBeLessThan(3_500);
    expect(answer.json).toEqual({ toast: { type: 'info', content: expect.any(String) } });
    await w.service.channel.idle();
    const updates = await eventually(
      () => (updatesOf(sent).length > 0 ? updatesOf(sent) : undefined),
      'the slow card is updated',
    );
    expect(title(updates[0]!.content)).toBe('慢处理完成');
    await eventually(() => w.fake.messages.find((m) => m.replyTo === sent.messageId), 'the slow reply');
    await sleep(300);
    expect(updatesOf(sent)).toHaveLength(1);
    const reply = w.fake.messages.filter((m) => m.replyTo === sent.messageId);
    expect(sentText(reply)).toContain('慢处理已完成');
  }, 30_000);

  it('a note offered with the replacement is the answer’s toast; when the answer has gone without it, a text reply', async () => {
    w.service.app.bot.use('action', async (ctx, next) => {
      if (ctx.inbound.action?.name !== 'test.noted') return next();
      if (ctx.inbound.action.value.slow) await sleep(3_000);
      ctx.replaceCard({ title: '已办理' }, '已办理：第 1 项');
    });
    const click = async (chat: string, value: Record<string, string>) => {
      const card = { title: '待办', buttons: [{ label: '办理', action: 'test.noted', value }] };
      const before = w.fake.messages.length;
      await w.service.channel.send({ chatId: chat, userId: chat }, { kind: 'card', card }, `noted-${chat}`);
      const sent = w.fake.messages[before]!;
      const event = cardActionEvent(SECRETS.verificationToken, {
        operatorId: chat,
        value: cardButtons(sent)[0],
        messageId: sent.messageId,
        chatId: chat,
      });
      const answer = await w.post('/feishu/cards', signedRequest(event, SECRETS.encryptKey));
      await w.service.channel.idle();
      return { sent, answer: answer.json as { toast: { content: string }; card?: { data: unknown } } };
    };

    const fast = await click('ou_noted_fast', {});
    expect(fast.answer.toast.content).toBe('已办理：第 1 项');
    expect(title(fast.answer.card!.data as Record<string, unknown>)).toBe('已办理');
    await sleep(300);
    expect(w.fake.messages.filter((m) => m.replyTo === fast.sent.messageId)).toHaveLength(0);

    const slow = await click('ou_noted_slow', { slow: '1' });
    expect(slow.answer.card).toBeUndefined();
    expect(slow.answer.toast.content).not.toContain('第 1 项');
    await eventually(() => (updatesOf(slow.sent).length > 0 ? true : undefined), 'the slow card is updated');
    const reply = await eventually(
      () => w.fake.messages.find((m) => m.replyTo === slow.sent.messageId),
      'the note as a text reply',
    );
    expect(sentText([reply])).toBe('已办理：第 1 项');
  }, 30_000);

  it('a module’s update of a card not sent yet waits for it: one card, then one PATCH with the newest content', async () => {
    const { delivery } = w.service.app.services;
    const cardRow = await prisma().$transaction(async (tx) => {
      const row = await tx.outboxMessage.create({
        data: {
          channel: 'feishu',
          address: { chatId: 'ou_later', userId: 'ou_later' },
          payload: {
            kind: 'card',
            card: { title: '待更新卡片', buttons: [{ label: '好', action: 'x.y', value: {} }] },
          },
        },
      });
      // Written in the same transaction as the card, so it is queued before the card is out.
      expect(await updateCard(tx, row.id, { title: '已更新的卡片' }, `later:${row.id}`)).toBe(true);
      expect(await updateCard(tx, row.id, { title: '已更新的卡片' }, `later:${row.id}`)).toBe(true);
      return row;
    });
    delivery!.wake();
    const sent = await cardTo('p2p:ou_later', '待更新卡片');
    const updates = await eventually(
      () => (updatesOf(sent).length > 0 ? updatesOf(sent) : undefined),
      'the card is updated',
    );
    expect(title(updates[0]!.content)).toBe('已更新的卡片');
    await sleep(300);
    expect(updatesOf(sent)).toHaveLength(1); // the repeated update (same dedupe key) was written once
    const row = await prisma().outboxMessage.findUniqueOrThrow({ where: { id: cardRow.id } });
    expect(row.platformRef).toBe(sent.messageId);
    // An update of a row that holds no card is refused.
    const textRow = await prisma().outboxMessage.create({
      data: { channel: 'feishu', address: { chatId: 'ou_later' }, payload: { kind: 'text', text: '文字' } },
    });
    expect(await updateCard(prisma(), textRow.id, { title: 'x' })).toBe(false);
    expect(await updateCard(prisma(), 'no-such-row', { title: 'x' })).toBe(false);
  }, 30_000);
});

describe('a replacement card over the long connection (FEISHU_MODE=ws)', () => {
  let ws: FeishuWorld;
  beforeAll(async () => {
    ws = await startFeishuWorld({ FEISHU_MODE: 'ws' });
    await ws.fake.ws.connected();
  });
  afterAll(async () => ws?.close());

  it('answers the click frame with the toast and the replacement card', async () => {
    ws.service.app.bot.use('action', async (ctx, next) => {
      if (ctx.inbound.action?.name !== 'test.replace') return next();
      ctx.replaceCard({ title: '已换成新卡片', lines: ['处理完毕'] });
    });
    const card = { title: '长连接卡片', buttons: [{ label: '处理', action: 'test.replace', value: {} }] };
    const before = ws.fake.messages.length;
    await ws.service.channel.send({ chatId: 'oc_wsr', userId: 'ou_wsr' }, { kind: 'card', card }, 'ws-replace');
    const sent = ws.fake.messages[before]!;
    const answer = await ws.fake.ws.push(
      cardActionEvent(SECRETS.verificationToken, {
        operatorId: 'ou_wsr',
        value: cardButtons(sent)[0],
        messageId: sent.messageId,
        chatId: 'oc_wsr',
      }),
    );
    expect(answer.data).toMatchObject({ toast: { type: 'success' }, card: { type: 'raw', data: { schema: '2.0' } } });
    expect(title((answer.data as { card: { data: Record<string, unknown> } }).card.data)).toBe('已换成新卡片');
    await ws.service.channel.idle();
    await sleep(300);
    expect(ws.fake.updates.filter((u) => u.messageId === sent.messageId)).toEqual([]);
  }, 30_000);
});
