// The bot as a WeChat account (Wechaty + wechaty-puppet-mock): Q&A, rooms, numbered card replies, files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { FileBox } from 'file-box';
import { storeFile } from '../../src/db/files.ts';
import type { Card } from '../../src/bot/outbound.ts';
import { puppetAttachment, startWechatWorld, type WechatWorld } from './support/wechat-service.ts';

let w: WechatWorld;
beforeAll(async () => {
  w = await startWechatWorld();
});
afterAll(async () => {
  await w?.close();
});

const texts = (received: { text: string }[]) => received.map((r) => r.text).join('\n');

const reviewCard = (expiresAt?: string, application = 'app-1'): Card => ({
  title: '成员申请审核',
  lines: ['申请单位：某某市电化教育馆'],
  fields: [{ label: '联系人', value: '张三' }],
  buttons: [
    { label: '通过', action: 'channel-test.approve', value: { application } },
    { label: '退回', action: 'channel-test.reject', value: { application } },
  ],
  ...(expiresAt ? { expiresAt } : {}),
});

describe('WeChat direct messages', () => {
  it('answers a charter question', async () => {
    const alice = w.person('王老师');
    const replies = await alice.says('我们单位退出以后还能重新申请吗？');
    expect(replies).toHaveLength(1);
    expect(texts(replies)).toContain('两年内');
  });

  it('greets', async () => {
    const replies = await w.person('李老师').says('你好');
    expect(texts(replies)).toContain('联盟助手');
  });
});

describe('WeChat rooms', () => {
  it('answers only when the bot is mentioned, and @s the asker', async () => {
    const bob = w.person('赵老师');
    const carol = w.person('钱老师');
    const room = w.room('联盟工作群', [bob, carol]);
    expect(await bob.says('联盟章程谁有解释权', { room })).toEqual([]);
    const replies = await bob.says('@联盟助手 联盟章程谁有解释权', { room, mention: true });
    expect(replies).toHaveLength(1);
    expect(replies[0]!.to).toBe('room');
    expect(replies[0]!.text).toContain('第二十五条');
    expect(replies[0]!.text).toMatch(/^@赵老师/);
  });
});

describe('WeChat cards as numbered replies', () => {
  it('renders buttons as numbered options and turns the number back into the action', async () => {
    const dave = w.person('孙老师');
    await w.service.channel.send(
      { chatId: dave.id, userId: dave.id },
      { kind: 'card', card: reviewCard() },
      randomUUID(),
    );
    const card = dave.inbox.at(-1)!.text;
    expect(card).toContain('【成员申请审核】');
    expect(card).toContain('联系人：张三');
    expect(card).toContain('回复「1」通过');
    expect(card).toContain('回复「2」退回');
    // No module handles channel-test.approve: the bot's "unknown button" answer proves an action arrived.
    const replies = await dave.says('1');
    expect(texts(replies)).toContain('按钮');
  });

  it('does not let someone else answer a card addressed to another person in a room', async () => {
    const erin = w.person('周老师');
    const mallory = w.person('吴老师');
    const room = w.room('审核群', [erin, mallory]);
    const chatId = `room:${room.id}`;
    await w.service.channel.send({ chatId, userId: erin.id }, { kind: 'card', card: reviewCard() }, randomUUID());
    const hijack = await mallory.says('@联盟助手 1', { room, mention: true });
    expect(texts(hijack)).not.toContain('按钮');
    const own = await erin.says('@联盟助手 1', { room, mention: true });
    expect(texts(own)).toContain('按钮');
  });

  it('numbers two open cards apart, so each number acts on its own card once', async () => {
    const gus = w.person('何老师');
    for (const application of ['app-A', 'app-B'])
      await w.service.channel.send(
        { chatId: gus.id, userId: gus.id },
        { kind: 'card', card: reviewCard(undefined, application) },
        randomUUID(),
      );
    const [first, second] = gus.inbox.slice(-2).map((r) => r.text);
    expect(first).toContain('回复「1」通过');
    expect(first).toContain('回复「2」退回');
    expect(second).toContain('回复「3」通过');
    expect(second).toContain('回复「4」退回');

    const actions: unknown[] = [];
    const channel = w.service.channel as unknown as { onInbound: (i: unknown) => Promise<void> };
    const original = channel.onInbound;
    channel.onInbound = async (inbound: unknown) => {
      actions.push((inbound as { action?: unknown; text?: string }).action ?? (inbound as { text?: string }).text);
    };
    try {
      for (const reply of ['3', '1', '3', '2']) await gus.says(reply);
    } finally {
      channel.onInbound = original;
    }
    expect(actions).toEqual([
      expect.objectContaining({ name: 'channel-test.approve', value: { application: 'app-B' } }),
      expect.objectContaining({ name: 'channel-test.approve', value: { application: 'app-A' } }),
      // Each card was used up by its first answer: the same numbers now are plain text.
      '3',
      '2',
    ]);
  });

  it('refuses a number after the card expired', async () => {
    const frank = w.person('郑老师');
    await w.service.channel.send(
      { chatId: frank.id, userId: frank.id },
      { kind: 'card', card: reviewCard('2020-01-01T00:00:00Z') },
      randomUUID(),
    );
    const replies = await frank.says('2');
    expect(texts(replies)).toContain('已过期');
  });
});

describe('WeChat files', () => {
  it('sends a stored DOCX as a file', async () => {
    const grace = w.person('冯老师');
    const stored = await storeFile(w.service.app.services.db.prisma, {
      name: '成员申请表.docx',
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      data: Buffer.from('PK docx bytes'),
    });
    await w.service.channel.send(
      { chatId: grace.id },
      { kind: 'file', name: stored.name, mime: stored.mime, fileId: stored.id },
      randomUUID(),
    );
    const file = grace.inbox.at(-1)!.file!;
    expect(file.name).toBe('成员申请表.docx');
    expect((await file.toBuffer()).toString()).toBe('PK docx bytes');
  });

  it('does not send the same idempotency key twice', async () => {
    const heidi = w.person('陈老师');
    const key = randomUUID();
    await w.service.channel.send({ chatId: heidi.id }, { kind: 'text', text: '只发一次' }, key);
    await w.service.channel.send({ chatId: heidi.id }, { kind: 'text', text: '只发一次' }, key);
    expect(heidi.inbox.filter((r) => r.text === '只发一次')).toHaveLength(1);
  });

  // The stamped form comes back as a photo, or as a PDF that the puppet delivers as an attachment.
  it.each([
    {
      file: () => FileBox.fromBase64(Buffer.from('JFIF stamped scan').toString('base64'), '盖章申请表.jpg'),
      expected: { name: '盖章申请表.jpg', mime: 'image/jpeg', data: 'JFIF stamped scan' },
    },
    {
      file: () => puppetAttachment('盖章申请表.pdf', Buffer.from('%PDF-1.4 stamped scan')),
      expected: { name: '盖章申请表.pdf', mime: 'application/pdf', data: '%PDF-1.4 stamped scan' },
    },
  ])('accepts an incoming scan ($expected.name) and reads its bytes', async ({ file, expected }) => {
    const ivan = w.person('褚老师');
    const seen: { name: string; mime: string; data: string }[] = [];
    const channel = w.service.channel as unknown as { onInbound: (i: unknown) => Promise<void> };
    const original = channel.onInbound;
    channel.onInbound = async (inbound: unknown) => {
      const got = (inbound as { file?: { name: string; mime: string; fetch(): Promise<Buffer> } }).file;
      if (got) seen.push({ name: got.name, mime: got.mime, data: (await got.fetch()).toString() });
    };
    try {
      await ivan.sendsFile(file());
    } finally {
      channel.onInbound = original;
    }
    expect(seen).toEqual([expected]);
  });

  it('refuses to read an incoming file over 50 MB', async () => {
    const ivy = w.person('秦老师');
    const outcomes: string[] = [];
    const channel = w.service.channel as unknown as { onInbound: (i: unknown) => Promise<void> };
    const original = channel.onInbound;
    channel.onInbound = async (inbound: unknown) => {
      const got = (inbound as { file?: { fetch(): Promise<Buffer> } }).file;
      if (got)
        outcomes.push(
          await got.fetch().then(
            (data) => `read ${data.length}`,
            (error: Error) => error.message,
          ),
        );
    };
    try {
      await ivy.sendsFile(puppetAttachment('扫描件.pdf', Buffer.alloc(50 * 1024 * 1024 + 1, 0x25)));
      await ivy.sendsFile(puppetAttachment('扫描件.pdf', Buffer.alloc(1024, 0x25)));
    } finally {
      channel.onInbound = original;
    }
    expect(outcomes).toEqual([expect.stringContaining('too large'), 'read 1024']);
  });

  it('tells the user a file arrived when no step expects one', async () => {
    const replies = await w
      .person('卫老师')
      .sendsFile(FileBox.fromBase64(Buffer.from('JFIF').toString('base64'), 'photo.jpg'));
    expect(texts(replies)).toContain('收到了一个文件');
  });
});
