// The Official Account's settings, download links and inbound translation on their own.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { problemVariables as problems } from '../support/config-problems.ts';
import { FileLinks, LINK_LIFETIME_MS } from '../../src/channels/wechat-mp/file-link.ts';
import { callbackId, toInbound } from '../../src/channels/wechat-mp/message-event.ts';
import { OutsideWindow, checkAnswer } from '../../src/channels/wechat-mp/api-error.ts';
import { BotError } from '../../src/bot/errors.ts';
import { arrivalOf } from '../../src/channels/wechat-mp/routes.ts';

describe('settings', () => {
  const base = { WECHAT_MP_APP_ID: 'wx0123456789abcdef', WECHAT_MP_APP_SECRET: 's', WECHAT_MP_TOKEN: 'tok123' };

  it('is off without an AppID; plain mode without a key; defaults', () => {
    expect(loadConfig({}).channels['wechat-mp']).toBeUndefined();
    expect(loadConfig({ ...base, WECHAT_MP_API_BASE: 'http://127.0.0.1:9/' }).channels['wechat-mp']).toEqual({
      appId: 'wx0123456789abcdef',
      appSecret: 's',
      token: 'tok123',
      encodingAesKey: undefined,
      templateId: undefined,
      templateField: 'thing1',
      apiBase: 'http://127.0.0.1:9',
      publicUrl: undefined,
      takeoverAfterMs: 60_000,
    });
  });

  it('names every wrong or missing variable', () => {
    expect(problems({ WECHAT_MP_APP_ID: 'wx0123456789abcdef' })).toEqual(['WECHAT_MP_APP_SECRET', 'WECHAT_MP_TOKEN']);
    expect(problems({ ...base, WECHAT_MP_APP_ID: 'gh_123' })).toEqual(['WECHAT_MP_APP_ID']);
    expect(problems({ ...base, WECHAT_MP_TOKEN: 'a b' })).toEqual(['WECHAT_MP_TOKEN']);
    expect(problems({ ...base, WECHAT_MP_ENCODING_AES_KEY: 'short' })).toEqual(['WECHAT_MP_ENCODING_AES_KEY']);
    expect(problems({ ...base, WECHAT_MP_TEMPLATE_FIELD: 'thing 1' })).toEqual(['WECHAT_MP_TEMPLATE_FIELD']);
    expect(problems({ ...base, WECHAT_MP_PUBLIC_URL: 'bot.example.org' })).toEqual(['WECHAT_MP_PUBLIC_URL']);
  });
});

describe('download links', () => {
  const links = new FileLinks('secret', 'https://bot.example.org');
  const id = '0f8fad5b-d9cb-469f-a165-70867728950e';

  it('open for the named file until they expire, and only with the name they were made for', () => {
    const t0 = 1_800_000_000_000;
    const url = new URL(links.url(id, '入盟申请表.docx', t0));
    const token = url.pathname.split('/').pop()!;
    const name = url.searchParams.get('name')!;
    expect(name).toBe('入盟申请表.docx');
    expect(links.open(token, name, t0 + 1000)).toMatchObject({ fileId: id, name });
    expect(links.open(token, name, t0 + LINK_LIFETIME_MS + 1000)).toBeUndefined();
    expect(links.open(token, 'other.docx', t0)).toBeUndefined();
    expect(new FileLinks('other secret', 'https://x').open(token, name, t0)).toBeUndefined();
    expect(links.open(`${token}A`, name, t0)).toBeUndefined();
    expect(links.open('', name, t0)).toBeUndefined();
    expect(() => links.url('../../etc/passwd', 'x', t0)).toThrow();
  });
});

describe('callbacks to inbound', () => {
  const download = async () => Buffer.alloc(0);
  const at = new Date();

  it('messages by MsgId, events by who, when and which', () => {
    expect(callbackId({ MsgId: '6054768590064713728', FromUserName: 'o1', CreateTime: '1' })).toBe(
      '6054768590064713728',
    );
    expect(callbackId({ FromUserName: 'o1', CreateTime: '1700000000', MsgType: 'event', Event: 'subscribe' })).toBe(
      'o1:1700000000:subscribe',
    );
    const click = toInbound(
      { FromUserName: 'o1', CreateTime: '1', MsgType: 'event', Event: 'CLICK', EventKey: '我的申请' },
      download,
      at,
    );
    expect(click).toMatchObject({ inbound: { text: '我的申请', channel: 'wechat-mp', actor: 'o1' } });
    expect(
      toInbound({ FromUserName: 'o1', CreateTime: '1', MsgType: 'event', Event: 'unsubscribe' }, download, at),
    ).toHaveProperty('ignored');
    expect(
      toInbound(
        { FromUserName: 'o1', CreateTime: '1', MsgType: 'voice', MsgId: '9', Recognition: '帮助。' },
        download,
        at,
      ),
    ).toMatchObject({ inbound: { text: '帮助。' } });
    expect(
      toInbound({ FromUserName: 'o1', CreateTime: '1', MsgType: 'image', MsgId: '9' }, download, at),
    ).toHaveProperty('ignored');
  });

  it('classifies API answers: window codes, quotas, token and permanent errors', () => {
    expect(checkAnswer({ errcode: 0, errmsg: 'ok' }, 'x')).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(() => checkAnswer({ errcode: 45015, errmsg: 'response out of time limit' }, 'x')).toThrow(OutsideWindow);
    expect(() => checkAnswer({ errcode: 45047, errmsg: 'out of response count limit' }, 'x')).toThrow(OutsideWindow);
    const code = (errcode: number) => {
      try {
        checkAnswer({ errcode, errmsg: 'm' }, 'x');
      } catch (error) {
        return [(error as BotError).code, (error as BotError).permanent];
      }
      return undefined;
    };
    expect(code(45009)).toEqual(['PLATFORM_RATE_LIMITED', false]);
    expect(code(-1)).toEqual(['PLATFORM_TRANSIENT', false]);
    expect(code(42001)).toEqual(['PLATFORM_TRANSIENT', false]);
    expect(code(43004)).toEqual(['PLATFORM_PERMANENT', true]);
    expect(code(40003)).toEqual(['PLATFORM_PERMANENT', true]);
  });
});

describe('when the 5 seconds began', () => {
  it('the earlier of WeChat’s timestamp and Fastify taking the request', () => {
    const taken = 1_700_000_003_200;
    // Queued 3 s in the socket before Fastify saw it: WeChat's stamp is what counts.
    expect(arrivalOf('1700000000', taken)).toBe(1_700_000_000_000);
    // A stamp from a clock behind ours (or garbage): our own arrival time.
    expect(arrivalOf('1700000009', taken)).toBe(taken);
    expect(arrivalOf('abc', taken)).toBe(taken);
  });
});
