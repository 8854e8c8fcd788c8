// The WeCom channel's pure parts: its settings (what is required, what a bad EncodingAESKey says),
// its per-member limits reaching the deliver queue, card rendering (task ids, button keys, what does
// not fit), and the dedup ids of messages and events.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/config-error.ts';
import { parseButtonKey, renderCard } from '../../src/channels/wecom/card-render.ts';
import { callbackToInbound, eventIdOf } from '../../src/channels/wecom/callback-event.ts';

const base = { DATABASE_URL: 'postgresql://localhost/none' };
const wecom = {
  WECOM_CORP_ID: 'ww0123456789abcdef',
  WECOM_AGENT_ID: '1000002',
  WECOM_SECRET: 's',
  WECOM_TOKEN: 't',
  WECOM_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

describe('WeCom settings', () => {
  it('are off without WECOM_CORP_ID, complete with it, and name each missing or malformed variable', () => {
    expect(loadConfig(base).channels.wecom).toBeUndefined();
    expect(loadConfig({ ...base, ...wecom }).channels.wecom).toMatchObject({
      corpId: 'ww0123456789abcdef',
      agentId: 1000002,
      apiBase: 'https://qyapi.weixin.qq.com',
    });
    try {
      loadConfig({ ...base, ...wecom, WECOM_SECRET: '', WECOM_ENCODING_AES_KEY: 'tooShort', WECOM_AGENT_ID: 'app' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as Error).message;
      expect(text).toContain('WECOM_SECRET');
      expect(text).toContain('WECOM_ENCODING_AES_KEY');
      expect(text).toContain('WECOM_AGENT_ID');
    }
  });

  it('give the deliver queue WeCom’s per-member limits: 30 a minute, 1,000 an hour', () => {
    expect(loadConfig(base).delivery.limits.wecom).toMatchObject({
      perChatWindows: [
        { max: 30, ms: 60_000 },
        { max: 1_000, ms: 3_600_000 },
      ],
    });
  });
});

describe('WeCom cards', () => {
  const card = {
    title: '入盟申请待资格审查',
    lines: ['贵州测试科技有限公司 提交了入盟申请'],
    fields: [
      { label: '编号', value: 'LM-2026-0001' },
      { label: '单位简介', value: '本公司成立于2010年，员工200人，从事数字教育资源开发，已接入国家体系。'.repeat(3) },
    ],
    buttons: [
      { label: '通过资格审查', action: 'review.approve', value: { id: 'a1' }, style: 'primary' as const },
      { label: '退回', action: 'review.reject', value: { id: 'a1' }, style: 'danger' as const },
    ],
    expiresAt: '2099-01-01T00:00:00.000Z',
  };

  it('become button_interaction template cards whose keys carry the action, addressee and expiry', () => {
    const { templateCard, overflow } = renderCard(card, 'task1', { addressee: 'sec1' });
    expect(templateCard).toMatchObject({ card_type: 'button_interaction', task_id: 'task1' });
    const buttons = templateCard.button_list as { key: string; style: number; text: string }[];
    expect(buttons.map((b) => parseButtonKey(b.key))).toEqual([
      { a: 'review.approve', v: { id: 'a1' }, to: 'sec1', exp: '2099-01-01T00:00:00.000Z' },
      { a: 'review.reject', v: { id: 'a1' }, to: 'sec1', exp: '2099-01-01T00:00:00.000Z' },
    ]);
    expect(buttons.map((b) => b.style)).toEqual([1, 3]);
    // The long field did not fit: the card in full goes as text too.
    expect(overflow).toContain('单位简介：本公司');
    expect(String(templateCard.sub_title_text).length).toBeLessThanOrEqual(112);
  });

  it('refuse a button whose key would pass 1,024 bytes, and ignore keys that are not the bot’s', () => {
    const big = { ...card, buttons: [{ label: 'x', action: 'a', value: { blob: '数'.repeat(400) } }] };
    expect(() => renderCard(big, 't')).toThrow(/1024-byte/);
    for (const raw of [undefined, '', 'x', '{}', '{"a":""}', '{"a":"x","v":[1]}', '{"a":"x","v":{"k":1}}', 'null'])
      expect(parseButtonKey(raw), String(raw)).toBeUndefined();
  });
});

describe('WeCom callbacks to Inbound', () => {
  it('dedup by MsgId, events by who, when and what (and which card and button for clicks)', () => {
    expect(eventIdOf({ MsgId: '123', FromUserName: 'u' })).toBe('msg:123');
    expect(eventIdOf({ FromUserName: 'u', CreateTime: '1', Event: 'enter_agent' })).toBe('event:u:1:enter_agent');
    const click = { FromUserName: 'u', CreateTime: '1', Event: 'template_card_event', TaskId: 't', EventKey: 'k' };
    expect(eventIdOf(click)).toBe('event:u:1:template_card_event:t:k');
    // A double click in the same second: each click brings its own response_code, so two events.
    expect(eventIdOf({ ...click, ResponseCode: 'rc1' })).toBe('event:u:1:template_card_event:t:k:rc1');
    expect(eventIdOf({ ...click, ResponseCode: 'rc2' })).not.toBe(eventIdOf({ ...click, ResponseCode: 'rc1' }));
    expect(eventIdOf({ FromUserName: 'u', Event: 'x' })).toBeUndefined();
  });

  it('refuse a click by someone other than the addressee, or after the card expired', () => {
    const ctx = {
      download: async () => ({ name: '', mime: '', data: Buffer.alloc(0) }),
      receivedAt: new Date(),
      agentId: 1,
    };
    const key = (k: object) => JSON.stringify({ a: 'review.approve', v: {}, ...k });
    const click = (from: string, k: object) =>
      callbackToInbound(
        'id',
        {
          FromUserName: from,
          MsgType: 'event',
          Event: 'template_card_event',
          EventKey: key(k),
          TaskId: 't',
          AgentID: '1',
        },
        ctx,
      );
    expect(click('bob', { to: 'alice' })).toMatchObject({ refused: 'not_addressee' });
    expect(click('alice', { to: 'alice', exp: '2000-01-01T00:00:00Z' })).toMatchObject({ refused: 'expired' });
    expect(click('alice', { to: 'alice' })).toMatchObject({
      inbound: { actor: 'alice', action: { name: 'review.approve', cardRef: 't' } },
    });
    expect(callbackToInbound('id', { FromUserName: 'a', MsgType: 'text', Content: 'x', AgentID: '2' }, ctx)).toEqual({
      ignored: 'for agent 2',
    });
  });
});
