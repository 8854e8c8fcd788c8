// The bot on Feishu through its webhook, at the wire: signed and encrypted requests in, the real Lark
// SDK calling a fake Open API out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { storeFile } from '../../src/db/files.ts';
import { createLogger } from '../../src/log.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { startService } from '../../src/commands/serve.ts';
import { createTestDatabase } from '../support/db.ts';
import { FeishuChannel } from '../../src/channels/feishu/feishu-channel.ts';
import { BOT_OPEN_ID } from './support/fake-feishu.ts';
import { cardActionEvent, encrypt, messageEvent, signedRequest } from './support/feishu-requests.ts';
import { outboxSettled } from './support/outbox.ts';
import { cardButtons, SECRETS, sentText, startFeishuWorld, type FeishuWorld } from './support/feishu-service.ts';

let w: FeishuWorld;
beforeAll(async () => {
  w = await startFeishuWorld();
});
afterAll(async () => {
  await w?.close();
});

const rejections = () => w.logs.filter((l) => l.msg === 'feishu request rejected').map((l) => l.reason);

describe('Feishu webhook: conversation', () => {
  it('answers the encrypted url_verification challenge', async () => {
    const res = await w.post('/feishu/events', {
      body: JSON.stringify({
        encrypt: encrypt(
          { type: 'url_verification', challenge: 'ch-123', token: SECRETS.verificationToken },
          SECRETS.encryptKey,
        ),
      }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res).toEqual({ status: 200, json: { challenge: 'ch-123' } });
  });

  it('answers a charter question in a p2p chat, as a reply to the user message, acked with {}', async () => {
    const event = messageEvent(SECRETS.verificationToken, {
      openId: 'ou_alice',
      chatId: 'oc_alice',
      text: '我们单位退出以后还能重新申请吗？',
    });
    const res = await w.deliver(event);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({});
    expect(res.sent).toHaveLength(1);
    expect(res.sent[0]).toMatchObject({ via: 'reply', replyTo: event.event.message.message_id, msgType: 'text' });
    expect(sentText(res.sent)).toContain('两年内');
  });

  it('in a group answers only when @-mentioned, without the mention in the question', async () => {
    const bob = w.user('ou_bob', 'oc_group_1');
    expect(await bob.says('联盟章程谁有解释权', { chatType: 'group' })).toEqual([]);
    const sent = await bob.says('@_user_1 联盟章程谁有解释权', {
      chatType: 'group',
      mentions: [{ key: '@_user_1', openId: BOT_OPEN_ID, name: '联盟助手' }],
    });
    expect(sentText(sent)).toContain('第二十五条');
    const other = await bob.says('@_user_1 你好', {
      chatType: 'group',
      mentions: [{ key: '@_user_1', openId: 'ou_someone_else', name: '张三' }],
    });
    expect(other).toEqual([]);
  });

  it('processes a redelivered event (same event_id) once', async () => {
    const event = messageEvent(SECRETS.verificationToken, { openId: 'ou_carol', chatId: 'oc_carol', text: '你好' });
    const calls = w.fake.sendCalls;
    const first = await w.deliver(event);
    const again = await w.deliver(event);
    expect(first.sent).toHaveLength(1);
    expect(again.status).toBe(200);
    expect(again.sent).toEqual([]);
    // Not even a send call the platform would have dropped as a repeated uuid.
    expect(w.fake.sendCalls - calls).toBe(1);
  });

  it('drops a redelivery of an event it has handled already, without handling it again', async () => {
    const event = messageEvent(SECRETS.verificationToken, { openId: 'ou_carol2', chatId: 'oc_carol2', text: '你好' });
    expect((await w.deliver(event)).sent).toHaveLength(1);
    const again = await w.deliver(event);
    expect(again.sent).toEqual([]);
    const logged = (msg: string, id: string) => w.logs.some((l) => l.msg === msg && l.event === id);
    expect(logged('feishu event redelivered, ignored', event.header.event_id)).toBe(true);
    // Handled a second time, its reply row would collide with the first one's.
    expect(logged('event already answered by an earlier try', event.event.message.message_id)).toBe(false);
  });

  it('splits a long answer into several messages', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `第${i + 1}段：${'联盟章程的内容。'.repeat(20)}`).join('\n\n');
    const before = w.fake.messages.length;
    await w.service.channel.send({ chatId: 'oc_long' }, { kind: 'text', text }, randomUUID());
    const parts = w.fake.messages.slice(before).map((m) => String(m.content.text));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= 3000)).toBe(true);
    expect(parts.join('\n\n')).toBe(text);
  });
});

describe('Feishu cards', () => {
  const card = {
    title: '成员申请审核',
    lines: ['申请单位：某某市电化教育馆'],
    fields: [{ label: '联系人', value: '张三 <at user_id="all">' }],
    buttons: [
      { label: '通过', action: 'channel-test.approve', value: { application: 'app-1' }, style: 'primary' as const },
      { label: '退回', action: 'channel-test.reject', value: { application: 'app-1' }, style: 'danger' as const },
    ],
  };

  it('renders a neutral card as card JSON 2.0 and turns a click into an action from the clicker', async () => {
    const dave = w.user('ou_dave', 'oc_dave');
    const before = w.fake.messages.length;
    await w.service.channel.send({ chatId: dave.chatId, userId: dave.openId }, { kind: 'card', card }, randomUUID());
    const sent = w.fake.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.msgType).toBe('interactive');
    expect(sent[0]!.content).toMatchObject({ schema: '2.0', header: { title: { content: '成员申请审核' } } });
    expect(JSON.stringify(sent[0]!.content)).toContain('张三 <at user_id=\\"all\\">'); // plain_text, never markdown
    expect(cardButtons(sent[0]!)).toHaveLength(2);

    const click = await dave.clicks(sent[0]!, 0);
    expect(click.json).toMatchObject({ toast: { type: 'info' } });
    // No module handles channel-test.approve, so the bot's answer is its "unknown action" text —
    // which proves the click reached the bot as an action, replied to the card.
    expect(click.sent).toHaveLength(1);
    expect(click.sent[0]).toMatchObject({ via: 'reply', replyTo: sent[0]!.messageId });
    expect(sentText(click.sent)).toContain('按钮');
  });

  it('refuses a click from someone the card was not addressed to', async () => {
    const before = w.fake.messages.length;
    await w.service.channel.send({ chatId: 'oc_erin', userId: 'ou_erin' }, { kind: 'card', card }, randomUUID());
    const sent = w.fake.messages[before]!;
    const mallory = w.user('ou_mallory', 'oc_erin');
    const click = await mallory.clicks(sent, 0);
    expect(click.json).toMatchObject({ toast: { type: 'warning', content: expect.stringContaining('不是发给您的') } });
    expect(click.sent).toEqual([]);
    expect(w.logs.some((l) => l.msg === 'feishu card action refused' && l.reason === 'not_addressee')).toBe(true);
  });

  it('keeps an updated card bound to its addressee', async () => {
    const before = w.fake.messages.length;
    const address = { chatId: 'oc_gail', userId: 'ou_gail' };
    const ref = await w.service.channel.send(address, { kind: 'card', card }, randomUUID());
    const updated = { ...card, lines: ['已更新'] };
    await w.service.channel.update(ref, { kind: 'card', card: updated }, address);
    const patch = w.fake.updates.find((u) => u.messageId === ref)!;
    expect(JSON.stringify(patch.content)).toContain('已更新');
    // Click the buttons of the card as it now is.
    const now = { ...w.fake.messages[before]!, content: patch.content };
    const stranger = await w.user('ou_mallory', 'oc_gail').clicks(now, 0);
    expect(stranger.json).toMatchObject({
      toast: { type: 'warning', content: expect.stringContaining('不是发给您的') },
    });
    expect((await w.user('ou_gail', 'oc_gail').clicks(now, 0)).json).toMatchObject({ toast: { type: 'info' } });
  });

  it('refuses a click on an expired card', async () => {
    const before = w.fake.messages.length;
    await w.service.channel.send(
      { chatId: 'oc_frank', userId: 'ou_frank' },
      { kind: 'card', card: { ...card, expiresAt: '2020-01-01T00:00:00Z' } },
      randomUUID(),
    );
    const click = await w.user('ou_frank', 'oc_frank').clicks(w.fake.messages[before]!, 1);
    expect(click.json).toMatchObject({ toast: { type: 'warning', content: expect.stringContaining('过期') } });
    expect(click.sent).toEqual([]);
  });

  it('updates a sent card in place', async () => {
    const ref = await w.service.channel.send({ chatId: 'oc_upd' }, { kind: 'card', card }, randomUUID());
    await w.service.channel.update(
      ref,
      { kind: 'card', card: { ...card, title: '已通过', buttons: [] } },
      { chatId: 'oc_upd' },
    );
    expect(w.fake.updates.at(-1)).toMatchObject({
      messageId: ref,
      content: { header: { title: { content: '已通过' } } },
    });
  });
});

describe('Feishu sends', () => {
  it('uses the idempotency uuid: the same key twice is one message', async () => {
    const before = w.fake.messages.length;
    const key = randomUUID();
    const a = await w.service.channel.send({ chatId: 'oc_idem' }, { kind: 'text', text: '只发一次' }, key);
    const b = await w.service.channel.send({ chatId: 'oc_idem' }, { kind: 'text', text: '只发一次' }, key);
    expect(a).toBe(b);
    expect(w.fake.messages.length - before).toBe(1);
  });

  it('shares one token fetch among concurrent sends (the SDK alone fetches one per caller)', async () => {
    const fresh = new FeishuChannel({
      config: w.service.app.services.config.channels.feishu!,
      log: createLogger('silent'),
      texts: w.service.app.services.texts,
      dedup: { claim: async () => true } as never,
      readFile: async () => undefined,
    });
    w.fake.tokenDelayMs = 100;
    const before = w.fake.tokenCalls;
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fresh.send({ chatId: 'oc_tok' }, { kind: 'text', text: `并发 ${i}` }, randomUUID()),
        ),
      );
    } finally {
      w.fake.tokenDelayMs = 0;
    }
    expect(w.fake.tokenCalls - before).toBe(1);
  });

  it('fetches a new token when Feishu refuses the cached one, and the send still succeeds', async () => {
    await w.service.channel.send({ chatId: 'oc_tok2' }, { kind: 'text', text: '先取得令牌' }, randomUUID());
    w.fake.revokeTokens();
    const before = w.fake.tokenCalls;
    const ref = await w.service.channel.send({ chatId: 'oc_tok2' }, { kind: 'text', text: '令牌失效后' }, randomUUID());
    expect(ref).toMatch(/^om_/);
    expect(w.fake.tokenCalls - before).toBe(1);
  });

  it('reports the rate-limit answer as PLATFORM_RATE_LIMITED with the reset delay', async () => {
    w.fake.rateLimitNext(1, 2);
    await expect(
      w.service.channel.send({ chatId: 'oc_rl' }, { kind: 'text', text: '慢一点' }, randomUUID()),
    ).rejects.toMatchObject({
      name: 'BotError',
      code: 'PLATFORM_RATE_LIMITED',
      retryAfterMs: 2000,
    });
  });

  it('a reply that meets the rate limit arrives once, after the wait', async () => {
    w.fake.rateLimitNext(1, 1);
    const limitedBefore = w.fake.rateLimited;
    const sent = await w.user('ou_grace', 'oc_grace').says('你好');
    expect(w.fake.rateLimited).toBe(limitedBefore + 1);
    expect(sent).toHaveLength(1);
    expect(sentText(sent)).toContain('联盟助手');
  });

  it('waits as long as x-ogw-ratelimit-reset says (3 s) before the deliver queue sends again', async () => {
    // Issue 17: a 429 with reset 3 s must hold the Feishu deliver queue for at least 3 s — a fixed
    // 1 s wait (or none) would send into the same limit again.
    w.fake.rateLimitNext(1, 3);
    const limitedBefore = w.fake.rateLimitedAt.length;
    const sent = await w.user('ou_heidi', 'oc_heidi').says('你好');
    expect(w.fake.rateLimitedAt).toHaveLength(limitedBefore + 1);
    expect(sent).toHaveLength(1);
    const waited = sent[0]!.at - w.fake.rateLimitedAt.at(-1)!;
    expect(waited).toBeGreaterThanOrEqual(2_950);
    expect(waited).toBeLessThan(15_000);
  });

  it('reports a 500 as PLATFORM_TRANSIENT, to be retried', async () => {
    w.fake.failNext(1, '500');
    await expect(
      w.service.channel.send({ chatId: 'oc_500' }, { kind: 'text', text: '服务器出错' }, randomUUID()),
    ).rejects.toMatchObject({ name: 'BotError', code: 'PLATFORM_TRANSIENT' });
  });

  it.each(['500', 'cut'] as const)(
    'a reply whose first send fails (%s) arrives once, after a retry with the same uuid',
    async (how) => {
      const calls = w.fake.sendCalls;
      w.fake.failNext(1, how);
      const sent = await w.user(`ou_fail_${how}`, `oc_fail_${how}`).says('你好');
      expect(sent).toHaveLength(1);
      expect(sentText(sent)).toContain('联盟助手');
      // A cut connection had recorded the first call: the retry carried the same uuid and was dropped.
      expect(w.fake.sendCalls - calls).toBe(how === '500' ? 1 : 2);
    },
  );

  it('sends a stored DOCX as a file message', async () => {
    const data = Buffer.from('PK fake docx bytes');
    const stored = await storeFile(w.service.app.services.db.prisma, {
      name: '成员申请表.docx',
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      data,
    });
    const before = w.fake.messages.length;
    await w.service.channel.send(
      { chatId: 'oc_file' },
      { kind: 'file', name: stored.name, mime: stored.mime, fileId: stored.id },
      randomUUID(),
    );
    const upload = w.fake.uploads.at(-1)!;
    expect(upload.name).toBe('成员申请表.docx');
    expect(w.fake.messages.slice(before)).toMatchObject([{ msgType: 'file', content: { file_key: upload.fileKey } }]);
  });

  it('downloads an incoming file through the message-resource API', async () => {
    w.fake.resources.set('file_scan_1', Buffer.from('%PDF-1.4 stamped scan'));
    const event = messageEvent(SECRETS.verificationToken, {
      openId: 'ou_henry',
      chatId: 'oc_henry',
      type: 'file',
      content: { file_key: 'file_scan_1', file_name: '盖章申请表.pdf' },
    });
    const seen: { name: string; mime: string; data: Buffer }[] = [];
    const channel = w.service.channel;
    // Intercept the inbound at the channel seam to read the file the way a module would.
    const original = (channel as unknown as { onInbound: (i: unknown) => Promise<void> }).onInbound;
    (channel as unknown as { onInbound: unknown }).onInbound = async (inbound: {
      file?: { name: string; mime: string; fetch(): Promise<Buffer> };
    }) => {
      if (inbound.file)
        seen.push({ name: inbound.file.name, mime: inbound.file.mime, data: await inbound.file.fetch() });
    };
    try {
      await w.deliver(event);
    } finally {
      (channel as unknown as { onInbound: unknown }).onInbound = original;
    }
    expect(seen).toEqual([
      { name: '盖章申请表.pdf', mime: 'application/pdf', data: Buffer.from('%PDF-1.4 stamped scan') },
    ]);
  });
});

describe('Feishu text messages carry user values literally (issue 17, finding 4)', () => {
  const hostile = '<at user_id="all">所有人</at>[点此查看](https://evil.example/x)<b>粗体</b>';

  it('a text reply and a file caption cannot mention everyone or make a link', async () => {
    const before = w.fake.messages.length;
    await w.service.channel.send({ chatId: 'oc_markup' }, { kind: 'text', text: `已记下：单位名称：${hostile}` });
    const stored = await storeFile(w.service.app.services.db.prisma, {
      name: '申请表.docx',
      mime: 'application/octet-stream',
      data: Buffer.from('docx'),
    });
    await w.service.channel.send(
      { chatId: 'oc_markup' },
      {
        kind: 'file',
        fileId: stored.id,
        name: '申请表.docx',
        mime: 'application/octet-stream',
        caption: `${hostile} 的申请表`,
      },
    );
    const texts = w.fake.messages
      .slice(before)
      .filter((m) => m.msgType === 'text')
      .map((m) => String(m.content.text));
    expect(texts).toHaveLength(2);
    for (const text of texts) {
      expect(text).not.toMatch(/<at|<b>|<\/|\]\(/);
      // What the reader sees is unchanged once the invisible separators are dropped.
      expect(text.replaceAll('\u200B', '')).toContain(hostile);
    }
  });
});

describe('Feishu webhook: bad input', () => {
  const hello = () => messageEvent(SECRETS.verificationToken, { openId: 'ou_eve', chatId: 'oc_eve', text: '你好' });

  it('rejects malformed JSON with 400', async () => {
    const res = await w.post('/feishu/events', {
      body: '{"encrypt": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    const res2 = await w.post('/feishu/cards', { body: 'not json at all', headers: { 'content-type': 'text/plain' } });
    expect(res2.status).toBe(400);
  });

  it('rejects a forged signature with 401 and sends nothing', async () => {
    const before = w.fake.messages.length;
    const res = await w.post(
      '/feishu/events',
      signedRequest(hello(), SECRETS.encryptKey, { signature: 'f'.repeat(64) }),
    );
    await w.service.channel.idle();
    expect(res.status).toBe(401);
    expect(w.fake.messages.length).toBe(before);
    expect(rejections()).toContain('bad signature');
  });

  it('rejects a body encrypted with another key', async () => {
    const res = await w.post('/feishu/events', signedRequest(hello(), 'someone-elses-key'));
    expect(res.status).toBe(401);
  });

  it('rejects a wrong verification token with 401', async () => {
    const event = messageEvent('wrong-token', { openId: 'ou_eve', chatId: 'oc_eve', text: '你好' });
    const res = await w.post('/feishu/events', signedRequest(event, SECRETS.encryptKey));
    expect(res.status).toBe(401);
    expect(rejections()).toContain('wrong verification token');
  });

  it('rejects a stale timestamp (a replayed request) with 401', async () => {
    const res = await w.post(
      '/feishu/events',
      signedRequest(hello(), SECRETS.encryptKey, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
    );
    expect(res.status).toBe(401);
    expect(rejections()).toContain('stale timestamp');
  });

  it('rejects an encrypted event that carries no signature, through the whole webhook, and sends nothing', async () => {
    const before = w.fake.messages.length;
    const res = await w.post('/feishu/events', {
      body: JSON.stringify({ encrypt: encrypt(hello(), SECRETS.encryptKey) }),
      headers: { 'content-type': 'application/json' },
    });
    await w.service.channel.idle();
    await outboxSettled(w.service.app);
    expect(res.status).toBe(401);
    expect(rejections()).toContain('missing signature');
    expect(w.fake.messages.length).toBe(before);
  });

  it('refuses 1 MB of nested brackets unparsed, and /healthz keeps answering', async () => {
    const res = await w.post('/feishu/events', {
      body: '['.repeat(1024 * 1024 - 100),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(rejections()).toContain('body nested too deeply');
    expect((await fetch(`${w.service.url}/healthz`)).status).toBe(200);
  });

  it('rejects an unencrypted event while encryption is configured', async () => {
    const res = await w.post('/feishu/events', {
      body: JSON.stringify(hello()),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
  });

  it('ignores a signed event whose content is garbage, and keeps serving', async () => {
    const res = await w.deliver({
      schema: '2.0',
      header: { event_id: randomUUID(), event_type: 'im.message.receive_v1', token: SECRETS.verificationToken },
      event: { nonsense: true },
    } as never);
    expect(res.status).toBe(200);
    expect(res.sent).toEqual([]);
    const garbageCard = await w.deliver(
      cardActionEvent(SECRETS.verificationToken, {
        operatorId: 'ou_eve',
        value: 'not-ours',
        messageId: 'om_x',
        chatId: 'oc_eve',
      }),
    );
    expect(garbageCard.json).toMatchObject({ toast: { type: 'warning' } });
    const health = await fetch(`${w.service.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, database: true, redis: true });
    expect((await w.user('ou_eve', 'oc_eve').says('你好')).length).toBe(1);
  });
});

describe('Feishu webhook without an Encrypt Key', () => {
  it('refuses to start unless unsigned requests are explicitly allowed', async () => {
    const database = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: '0',
      HOST: '127.0.0.1',
      FEISHU_MODE: 'webhook',
      FEISHU_APP_ID: 'cli_0123456789abcdef',
      FEISHU_APP_SECRET: 'app-secret',
      FEISHU_VERIFICATION_TOKEN: SECRETS.verificationToken,
    });
    const error = await startService(config, { log: createLogger('silent') })
      .catch((e: unknown) => e)
      .finally(() => database.drop());
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(['FEISHU_ENCRYPT_KEY']);
    expect((error as Error).message).toContain('FEISHU_ALLOW_UNSIGNED=1');
  });
});

describe('Feishu webhook without an Encrypt Key (plain requests, token only)', () => {
  let plain: FeishuWorld;
  beforeAll(async () => {
    plain = await startFeishuWorld({ FEISHU_ENCRYPT_KEY: '', FEISHU_ALLOW_UNSIGNED: '1' });
  });
  afterAll(async () => {
    await plain?.close();
  });
  const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('warns at start-up that only the token protects the endpoint', () => {
    expect(plain.logs.some((l) => l.level === 40 && String(l.msg).includes('FEISHU_ENCRYPT_KEY'))).toBe(true);
  });

  it('answers the plain challenge and a plain event with the right token', async () => {
    const challenge = await plain.post(
      '/feishu/events',
      json({ type: 'url_verification', challenge: 'ch-plain', token: SECRETS.verificationToken }),
    );
    expect(challenge).toEqual({ status: 200, json: { challenge: 'ch-plain' } });
    const before = plain.fake.messages.length;
    const event = messageEvent(SECRETS.verificationToken, { openId: 'ou_plain', chatId: 'oc_plain', text: '你好' });
    expect((await plain.post('/feishu/events', json(event))).status).toBe(200);
    await plain.service.channel.idle();
    await outboxSettled(plain.service.app);
    expect(plain.fake.messages.length).toBe(before + 1);
  });

  it('rejects a wrong token, in an event and in a challenge, with 401 and sends nothing', async () => {
    const before = plain.fake.messages.length;
    const event = messageEvent('wrong-token', { openId: 'ou_plain', chatId: 'oc_plain', text: '你好' });
    expect((await plain.post('/feishu/events', json(event))).status).toBe(401);
    const challenge = await plain.post(
      '/feishu/events',
      json({ type: 'url_verification', challenge: 'ch-x', token: 'wrong-token' }),
    );
    expect(challenge.status).toBe(401);
    await plain.service.channel.idle();
    expect(plain.fake.messages.length).toBe(before);
  });

  it('answers an @ in a group even while Feishu cannot say who the bot is', async () => {
    plain.fake.botInfoDown = true;
    try {
      const event = messageEvent(SECRETS.verificationToken, {
        openId: 'ou_plain_group',
        chatId: 'oc_plain_group',
        chatType: 'group',
        text: '@_user_1 联盟章程谁有解释权',
        mentions: [{ key: '@_user_1', openId: BOT_OPEN_ID, name: '联盟助手' }],
      });
      const before = plain.fake.messages.length;
      expect((await plain.post('/feishu/events', json(event))).status).toBe(200);
      await plain.service.channel.idle();
      await outboxSettled(plain.service.app);
      expect(sentText(plain.fake.messages.slice(before))).toContain('第二十五条');
    } finally {
      plain.fake.botInfoDown = false;
    }
  });

  it('takes card clicks on /feishu/cards too', async () => {
    const card = { title: '测试卡片', buttons: [{ label: '确认', action: 'channel-test.ok', value: {} }] };
    await plain.service.channel.send({ chatId: 'oc_plain', userId: 'ou_plain' }, { kind: 'card', card }, randomUUID());
    const sent = plain.fake.messages.at(-1)!;
    const click = cardActionEvent(SECRETS.verificationToken, {
      operatorId: 'ou_plain',
      value: cardButtons(sent)[0],
      messageId: sent.messageId,
      chatId: 'oc_plain',
    });
    expect(await plain.post('/feishu/cards', json(click))).toMatchObject({
      status: 200,
      json: { toast: { type: 'info' } },
    });
    const stranger = cardActionEvent(SECRETS.verificationToken, {
      operatorId: 'ou_stranger',
      value: cardButtons(sent)[0],
      messageId: sent.messageId,
      chatId: 'oc_plain',
    });
    expect(await plain.post('/feishu/cards', json(stranger))).toMatchObject({ json: { toast: { type: 'warning' } } });
  });
});
