// Feishu message events → Inbound: text, rich text, mentions, files, images, and what is ignored.
import { describe, expect, it } from 'vitest';
import { messageToInbound, type MessageContext } from '../../src/channels/feishu/message-event.ts';
import { messageEvent } from './support/feishu-requests.ts';

const downloads: string[] = [];
const ctx: MessageContext = {
  botOpenId: async () => 'ou_bot',
  download: async (messageId, key, type) => {
    downloads.push(`${messageId}/${key}/${type}`);
    return Buffer.from('bytes');
  },
  receivedAt: new Date('2026-01-01T00:00:00Z'),
};
const bot = { key: '@_user_1', openId: 'ou_bot', name: '联盟助手' };
const other = { key: '@_user_2', openId: 'ou_zhang', name: '张三' };
const eventOf = (m: Parameters<typeof messageEvent>[1]) => messageEvent('vt', m).event;

describe('messageToInbound', () => {
  it('keeps a p2p text, with the sender as actor and the message id as inbound id', async () => {
    const e = eventOf({ openId: 'ou_a', chatId: 'oc_a', text: '  你好  ', messageId: 'om_1' });
    expect(await messageToInbound(e, ctx)).toEqual({
      inbound: {
        id: 'om_1',
        channel: 'feishu',
        actor: 'ou_a',
        chat: { id: 'oc_a', kind: 'p2p' },
        text: '你好',
        receivedAt: ctx.receivedAt,
      },
    });
  });

  it('in a group removes the bot mention and keeps other people readable', async () => {
    const e = eventOf({
      openId: 'ou_a',
      chatId: 'oc_g',
      chatType: 'group',
      text: '@_user_1 请问 @_user_2 的单位能加入吗',
      mentions: [bot, other],
    });
    const result = await messageToInbound(e, ctx);
    expect(result).toMatchObject({ inbound: { chat: { kind: 'group' }, text: '请问 @张三 的单位能加入吗' } });
  });

  it('takes a group message that @s someone as meant for the bot while the bot info cannot be had', async () => {
    const blind: MessageContext = { ...ctx, botOpenId: async () => undefined };
    const e = eventOf({
      openId: 'ou_a',
      chatId: 'oc_g',
      chatType: 'group',
      text: '@_user_1 章程谁解释',
      mentions: [bot],
    });
    expect(await messageToInbound(e, blind)).toMatchObject({ inbound: { text: '章程谁解释' } });
    const none = eventOf({ openId: 'ou_a', chatId: 'oc_g', chatType: 'group', text: '大家好' });
    expect(await messageToInbound(none, blind)).toHaveProperty('ignored');
  });

  it('ignores group messages that do not mention the bot, and messages from apps', async () => {
    expect(
      await messageToInbound(
        eventOf({ openId: 'ou_a', chatId: 'oc_g', chatType: 'group', text: '@_user_2 你好', mentions: [other] }),
        ctx,
      ),
    ).toHaveProperty('ignored');
    const fromApp = eventOf({ openId: 'ou_a', chatId: 'oc_a', text: 'x' });
    fromApp.sender.sender_type = 'app';
    expect(await messageToInbound(fromApp, ctx)).toEqual({ ignored: 'message from app' });
    expect(await messageToInbound({ message: 'nonsense' }, ctx)).toHaveProperty('ignored');
  });

  it('flattens rich text (post), locale-wrapped or not', async () => {
    const post = {
      title: '咨询',
      content: [
        [
          { tag: 'text', text: '退出以后' },
          { tag: 'a', text: '还能', href: 'x' },
        ],
        [{ tag: 'text', text: '重新加入吗' }],
      ],
    };
    for (const content of [post, { zh_cn: post }]) {
      const e = eventOf({ openId: 'ou_a', chatId: 'oc_a', type: 'post', content });
      expect(await messageToInbound(e, ctx)).toMatchObject({ inbound: { text: '咨询\n退出以后还能\n重新加入吗' } });
    }
  });

  it('turns files and images into files fetched on demand through the message-resource API', async () => {
    const file = await messageToInbound(
      eventOf({
        openId: 'ou_a',
        chatId: 'oc_a',
        type: 'file',
        messageId: 'om_f',
        content: { file_key: 'fk', file_name: '申请表.PDF' },
      }),
      ctx,
    );
    const image = await messageToInbound(
      eventOf({ openId: 'ou_a', chatId: 'oc_a', type: 'image', messageId: 'om_i', content: { image_key: 'ik' } }),
      ctx,
    );
    if (!('inbound' in file) || !('inbound' in image)) throw new Error('expected inbounds');
    expect(file.inbound.file).toMatchObject({ name: '申请表.PDF', mime: 'application/pdf' });
    expect(image.inbound.file).toMatchObject({ mime: 'image/jpeg' });
    expect(downloads).toEqual([]);
    await file.inbound.file!.fetch();
    await image.inbound.file!.fetch();
    expect(downloads).toEqual(['om_f/fk/file', 'om_i/ik/image']);
  });

  it('passes a sticker or other kind on as an empty text, so the bot can say it got no words', async () => {
    const e = eventOf({ openId: 'ou_a', chatId: 'oc_a', type: 'sticker', content: { file_key: 'x' } });
    expect(await messageToInbound(e, ctx)).toMatchObject({ inbound: { text: '' } });
  });
});
