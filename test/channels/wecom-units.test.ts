// The WeCom channel's pure parts: its settings (what is required, what a bad EncodingAESKey says),
// its per-member limits reaching the deliver queue, card rendering (task ids, button keys, what does
// not fit), and the dedup ids of messages and events.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTexts } from '../../src/bot/texts.ts';
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

  it('move short 「名称：值」 lines to key–value rows when the sub-title overflows, and keep the last line whole', () => {
    const lines = [
      '类别：重大事项',
      '审议秘书处提交的工作计划。'.repeat(12),
      '截止时间：2026年12月7日 12:07（北京时间）',
      '这一行的名称太长了所以不算：值',
      '甲单位已投票：赞成。',
    ];
    const { templateCard, overflow } = renderCard({ title: '表决', lines }, 't');
    expect(templateCard.horizontal_content_list).toEqual([
      { keyname: '类别', value: '重大事项' },
      { keyname: '截止时间', value: '2026年12月7日 12:07（北京时间）' },
    ]);
    const sub = String(templateCard.sub_title_text);
    expect([...sub].length).toBeLessThanOrEqual(112);
    expect(sub.endsWith('\n甲单位已投票：赞成。')).toBe(true);
    expect(sub).toContain('…');
    expect(overflow).toContain('这一行的名称太长了所以不算：值');
    // What fits stays as it was: lines in the sub-title, no rows, no text copy.
    const small = renderCard({ title: '表决', lines: ['类别：重大事项', '甲单位已投票：赞成。'] }, 't');
    expect(small.templateCard.sub_title_text).toBe('类别：重大事项\n甲单位已投票：赞成。');
    expect(small.templateCard.horizontal_content_list).toBeUndefined();
    expect(small.overflow).toBeUndefined();
  });

  it('number buttons when more than 6 or longer than 10 characters, and list every option in the text copy', () => {
    const texts = loadTexts(path.resolve(import.meta.dirname, '../../prompts'));
    const labels = ['方案一：维持现行会费标准', '方案一：提高会费标准', '三', '四', '五', '六', '七'];
    const buttons = labels.map((label) => ({ label, action: 'congress.vote', value: { option: label } }));
    const { templateCard, overflow } = renderCard({ title: '【表决】会费', lines: ['正文'], buttons }, 't', { texts });
    const shown = templateCard.button_list as { text: string; key: string }[];
    expect(shown.map((b) => b.text)).toEqual([
      '1 方案一：维持现…',
      '2 方案一：提高会…',
      '3 三',
      '4 四',
      '5 五',
      '6 六',
    ]);
    expect(shown.map((b) => parseButtonKey(b.key)!.v.option)).toEqual(labels.slice(0, 6));
    expect(overflow).toMatch(/^【表决】会费\n正文\n/);
    for (const [i, label] of labels.entries()) expect(overflow).toContain(`${i + 1}. ${label}`);
    expect(overflow).toContain('最多只能放 6 个按钮');
    // Short labels, at most 6: as they are.
    const plain = renderCard({ title: 'x', buttons: buttons.slice(2, 5) }, 't', { texts });
    expect((plain.templateCard.button_list as { text: string }[]).map((b) => b.text)).toEqual(['三', '四', '五']);
    expect(plain.overflow).toBeUndefined();
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
