// FEISHU_MODE=ws: events and card clicks arrive over the SDK's long connection (WSClient) from the
// fake's WebSocket server, in Feishu's protobuf frames; replies go out through the Open API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { cardActionEvent, messageEvent } from './support/feishu-requests.ts';
import { cardButtons, SECRETS, sentText, startFeishuWorld, type FeishuWorld } from './support/feishu-service.ts';
import { outboxSettled } from './support/outbox.ts';

let w: FeishuWorld;
beforeAll(async () => {
  w = await startFeishuWorld({ FEISHU_MODE: 'ws' });
  await w.fake.ws.connected();
});
afterAll(async () => {
  await w?.close();
});

const settle = async () => {
  await w.service.channel.idle();
  await outboxSettled(w.service.app);
};

describe('Feishu long connection', () => {
  it('answers a message event that arrived over the socket, acknowledging it with 200', async () => {
    const event = messageEvent(SECRETS.verificationToken, {
      openId: 'ou_ws_1',
      chatId: 'oc_ws_1',
      text: '我们单位退出以后还能重新申请吗？',
    });
    const before = w.fake.messages.length;
    const answer = await w.fake.ws.push(event);
    expect(answer.code).toBe(200);
    await settle();
    const sent = w.fake.messages.slice(before);
    expect(sent).toMatchObject([{ via: 'reply', replyTo: event.event.message.message_id }]);
    expect(sentText(sent)).toContain('两年内');
  });

  it('processes an event pushed twice once', async () => {
    const event = messageEvent(SECRETS.verificationToken, { openId: 'ou_ws_2', chatId: 'oc_ws_2', text: '你好' });
    const calls = w.fake.sendCalls;
    await w.fake.ws.push(event);
    await w.fake.ws.push(event);
    await settle();
    expect(w.fake.sendCalls - calls).toBe(1);
  });

  it('answers a card click over the socket with a toast, and refuses a non-addressee', async () => {
    const card = { title: '测试卡片', buttons: [{ label: '确认', action: 'channel-test.ok', value: {} }] };
    const before = w.fake.messages.length;
    await w.service.channel.send({ chatId: 'oc_ws_3', userId: 'ou_ws_3' }, { kind: 'card', card }, randomUUID());
    const sent = w.fake.messages[before]!;
    const value = cardButtons(sent)[0];
    const stranger = await w.fake.ws.push(
      cardActionEvent(SECRETS.verificationToken, {
        operatorId: 'ou_other',
        value,
        messageId: sent.messageId,
        chatId: 'oc_ws_3',
      }),
    );
    expect(stranger.data).toMatchObject({ toast: { type: 'warning' } });
    const owner = await w.fake.ws.push(
      cardActionEvent(SECRETS.verificationToken, {
        operatorId: 'ou_ws_3',
        value,
        messageId: sent.messageId,
        chatId: 'oc_ws_3',
      }),
    );
    expect(owner.data).toMatchObject({ toast: { type: 'info' } });
    await settle();
    const replies = w.fake.messages.slice(before + 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ via: 'reply', replyTo: sent.messageId });
  });

  it('does not open the webhook endpoints in ws mode, but serves /healthz', async () => {
    const res = await fetch(`${w.service.url}/feishu/events`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(404);
    expect((await fetch(`${w.service.url}/healthz`)).status).toBe(200);
  });

  it('reports a dropped long connection on /healthz until the client has reconnected', async () => {
    const health = async () => {
      const res = await fetch(`${w.service.url}/healthz`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await health()).toMatchObject({ status: 200, body: { feishuLongConnection: true } });
    w.fake.ws.drop();
    await expect.poll(health, { timeout: 5_000, interval: 20 }).toMatchObject({
      status: 503,
      body: { ok: false, feishuLongConnection: false, database: true, redis: true },
    });
    await w.fake.ws.connected();
    await expect.poll(health, { timeout: 5_000, interval: 20 }).toMatchObject({ status: 200 });

    // Events flow again over the new socket.
    const event = messageEvent(SECRETS.verificationToken, { openId: 'ou_ws_4', chatId: 'oc_ws_4', text: '你好' });
    expect((await w.fake.ws.push(event)).code).toBe(200);
  });
});
