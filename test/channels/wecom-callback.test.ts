// WeCom's callback at the wire, through the whole `serve`: the URL check answered with the bare
// decrypted echostr (also one with `+` and `/`, URL-encoded or not); every bad request refused with
// the right status and a log line (forged signature, stale timestamp, another corp, not XML, a
// DOCTYPE, too large); odd but valid XML never crashes anything; a redelivered callback is handled
// once even when its copies reach two `serve` processes; one access_token fetch for two processes,
// refreshed once when WeCom refuses it; an untrusted IP (60020) shows on /healthz and in the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encrypt, getSignature } from '@wecom/crypto';
import { buildXml } from '../../src/channels/wecom/xml.ts';
import { CORP_ID } from './support/fake-wecom.ts';
import { startWecomWorld, wecomText, type WecomService, type WecomWorld } from './support/wecom-service.ts';
import { newMsgId, signedCallback, textMessage, WECOM_SECRETS } from './support/wecom-requests.ts';
import { outboxSettled } from './support/outbox.ts';

let w: WecomWorld;
let second: WecomService;
beforeAll(async () => {
  w = await startWecomWorld();
  second = await w.secondService();
});
afterAll(async () => w?.close());

const rejections = () => w.logs.filter((l) => l.msg === 'wecom callback rejected');

/** The URL check WeCom sends when the callback URL is saved. */
function urlCheck(echo: string, options: { timestamp?: number; signature?: string; receiveId?: string } = {}) {
  const echostr = encrypt(WECOM_SECRETS.encodingAesKey, echo, options.receiveId ?? CORP_ID);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = '1372623149';
  const msg_signature = options.signature ?? getSignature(WECOM_SECRETS.token, timestamp, nonce, echostr);
  return { echostr, timestamp, nonce, msg_signature };
}

async function get(query: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(`${w.service.url}/wecom/callback?${query}`);
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

describe('the WeCom URL check', () => {
  it('answers the decrypted echostr bare, also when it holds + and / (URL-encoded, or not)', async () => {
    let check = urlCheck('4120914478836516431');
    // Find an echostr whose Base64 has both + and / (the random prefix varies it).
    for (let i = 0; !(check.echostr.includes('+') && check.echostr.includes('/')); i += 1)
      check = urlCheck('4120914478836516431');
    const encoded = await get(new URLSearchParams(check).toString());
    expect(encoded).toMatchObject({ status: 200, text: '4120914478836516431' });
    expect(encoded.type).toMatch(/^text\/plain/);
    // Sent raw, a `+` reads as a space: still recognised.
    const raw = `msg_signature=${check.msg_signature}&timestamp=${check.timestamp}&nonce=${check.nonce}&echostr=${check.echostr}`;
    expect(await get(raw)).toMatchObject({ status: 200, text: '4120914478836516431' });
  });

  it('refuses a forged signature, a stale timestamp, another corp and missing fields', async () => {
    const before = rejections().length;
    const forged = urlCheck('1', { signature: '0'.repeat(40) });
    expect((await get(new URLSearchParams(forged).toString())).status).toBe(401);
    const stale = urlCheck('1', { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await get(new URLSearchParams(stale).toString())).status).toBe(401);
    const future = urlCheck('1', { timestamp: Math.floor(Date.now() / 1000) + 3600 });
    expect((await get(new URLSearchParams(future).toString())).status).toBe(401);
    const otherCorp = urlCheck('1', { receiveId: 'wwAnotherCorp' });
    expect((await get(new URLSearchParams(otherCorp).toString())).status).toBe(401);
    const { echostr: _e, ...noEcho } = urlCheck('1');
    expect((await get(new URLSearchParams(noEcho).toString())).status).toBe(400);
    const { msg_signature: _s, ...noSignature } = urlCheck('1');
    expect((await get(new URLSearchParams(noSignature).toString())).status).toBe(400);
    // Repeated parameters are not a string each.
    const check = urlCheck('1');
    expect((await get(`${new URLSearchParams(check).toString()}&timestamp=1`)).status).toBe(400);
    const reasons = rejections()
      .slice(before)
      .map((l) => l.reason);
    expect(reasons).toEqual([
      'signature mismatch',
      expect.stringMatching(/^stale timestamp/),
      expect.stringMatching(/^stale timestamp/),
      'ReceiveId is not this corp',
      'echostr is required, once',
      expect.stringMatching(/required/),
      expect.stringMatching(/required/),
    ]);
  });
});

describe('WeCom callbacks refused', () => {
  it('401 for forged or stale callbacks, 400 for what is not an encrypted WeCom XML, 413 when too large', async () => {
    const inner = textMessage('zhangsan', '你好');
    const cases: [string, { query: string; body: string }, number][] = [
      ['forged', signedCallback(inner, { signature: 'f'.repeat(40) }), 401],
      ['signed with another token', signedCallback(inner, { token: 'otherToken' }), 401],
      ['stale', signedCallback(inner, { timestamp: Math.floor(Date.now() / 1000) - 600 }), 401],
      ['another corp', signedCallback(inner, { receiveId: 'wwAnotherCorp' }), 401],
      ['not XML', { ...signedCallback(inner), body: '{"Encrypt":"x"}' }, 400],
      ['no Encrypt', { ...signedCallback(inner), body: '<xml><ToUserName>x</ToUserName></xml>' }, 400],
      ['empty body', { ...signedCallback(inner), body: '' }, 400],
      [
        'a DOCTYPE',
        { ...signedCallback(inner), body: '<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>' },
        400,
      ],
      ['decrypted message not XML', signedCallback('just text, not xml'), 400],
      ['too large', { ...signedCallback(inner), body: `<xml><Encrypt>${'A'.repeat(300 * 1024)}</Encrypt></xml>` }, 413],
    ];
    for (const [what, callback, status] of cases) expect((await w.post(callback)).status, what).toBe(status);
    expect(w.fake.messages.filter((m) => m.touser === 'zhangsan')).toEqual([]);
    const { query } = signedCallback(inner);
    const noQuery = await fetch(`${w.service.url}/wecom/callback`, {
      method: 'POST',
      body: signedCallback(inner).body,
    });
    expect(noQuery.status).toBe(400);
    expect(query).toContain('msg_signature');
  });

  it('survives odd but valid XML: missing fields, repeated fields, nested fields, CDATA tricks, a huge Content', async () => {
    const now = Math.floor(Date.now() / 1000);
    const odd = [
      buildXml({ MsgType: 'text', Content: 'no sender' }),
      buildXml({ FromUserName: 'odd1', MsgType: 'text', Content: 'no id, no time' }),
      buildXml({
        FromUserName: ['odd2', 'odd3'],
        CreateTime: now,
        MsgType: 'text',
        Content: '两个发送人',
        MsgId: newMsgId(),
      }),
      buildXml({
        FromUserName: { Nested: 'x' },
        CreateTime: now,
        MsgType: 'text',
        Content: 'nested',
        MsgId: newMsgId(),
      }),
      buildXml({ FromUserName: 'odd4', CreateTime: now, MsgType: { a: 'b' }, MsgId: newMsgId() }),
      buildXml({ FromUserName: 'odd5', CreateTime: now, MsgType: 'image', MsgId: newMsgId() }),
      buildXml({
        FromUserName: 'odd6',
        CreateTime: now,
        MsgType: 'event',
        Event: 'template_card_event',
        EventKey: 'not json',
      }),
      buildXml({
        FromUserName: 'odd7',
        CreateTime: now,
        MsgType: 'event',
        Event: 'template_card_event',
        EventKey: '{"a":1}',
        TaskId: 't',
      }),
      buildXml({ FromUserName: 'odd8', CreateTime: now, MsgType: 'event', Event: 'enter_agent' }),
      '<xml><FromUserName><![CDATA[odd9]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[a]]]]><![CDATA[>b]]></Content><MsgId>1</MsgId></xml>',
      buildXml({ FromUserName: 'odd10', CreateTime: now, MsgType: 'voice', MediaId: 'v', MsgId: newMsgId() }),
    ];
    for (const inner of odd) expect((await w.post(signedCallback(inner))).status, inner).toBe(200);
    const huge = await w.post(signedCallback(textMessage('odd11', '长'.repeat(60_000))));
    expect(huge.status).toBe(200);
    await w.service.channel.idle();
    await outboxSettled(w.service.app);
    // Still answering afterwards.
    const alive = await w.member('odd12').says('帮助');
    expect(wecomText(alive).length).toBeGreaterThan(0);
  }, 60_000);
});

describe('WeCom callbacks delivered more than once', () => {
  it('are handled once, also when the copies reach two serve processes at the same time', async () => {
    const inner = textMessage('lisi', '帮助');
    const copies = [signedCallback(inner), signedCallback(inner), signedCallback(inner), signedCallback(inner)];
    const answers = await Promise.all(copies.map((c, i) => w.post(c, i % 2 === 0 ? w.service : second)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a.text)).toEqual(['', '', '', '']);
    await Promise.all([w.service.channel.idle(), second.channel.idle()]);
    await outboxSettled(w.service.app);
    const replies = w.fake.sentTo('lisi');
    expect(replies.length).toBeGreaterThan(0);
    // Once more, later (WeCom's retry after a slow answer): nothing new.
    await w.post(signedCallback(inner), second);
    await second.channel.idle();
    await outboxSettled(w.service.app);
    expect(w.fake.sentTo('lisi')).toHaveLength(replies.length);
    expect(w.logs.filter((l) => l.msg === 'wecom event redelivered, ignored').length).toBeGreaterThanOrEqual(4);
  });

  it('a card click redelivered is one click', async () => {
    const event = (n: number) =>
      buildXml({
        FromUserName: 'clicker',
        CreateTime: 1_700_000_000 + n,
        MsgType: 'event',
        Event: 'template_card_event',
        EventKey: JSON.stringify({ a: 'nothing.here', v: {} }),
        TaskId: 'task-redelivered',
        ResponseCode: 'rc',
      });
    await Promise.all([w.post(signedCallback(event(0))), w.post(signedCallback(event(0)), second)]);
    await Promise.all([w.service.channel.idle(), second.channel.idle()]);
    const handled = w.logs.filter(
      (l) => l.msg === 'wecom event redelivered, ignored' && String(l.event).includes('task-redelivered'),
    );
    expect(handled).toHaveLength(1);
  });
});

describe('the WeCom access_token', () => {
  it('is fetched once for two processes sending at once, and once more when WeCom refuses it', async () => {
    const tokenCalls = w.fake.tokenCalls;
    w.fake.revokeTokens();
    await Promise.all([w.service.redis.del(`${w.config.queuePrefix}:wecom:token:${CORP_ID}:1000002`)]);
    // Both processes hold the revoked token in memory; each is refused, only one fetch follows.
    w.fake.tokenDelayMs = 200;
    const sends = [];
    for (let i = 0; i < 10; i += 1)
      sends.push(
        (i % 2 ? second : w.service).channel.send(
          { chatId: `tok${i}`, userId: `tok${i}` },
          { kind: 'text', text: `第${i}条` },
        ),
      );
    await Promise.all(sends);
    w.fake.tokenDelayMs = 0;
    expect(
      w.fake.tokenCalls - tokenCalls,
      `fetches: ${w.service.channel.api.token.fetches} + ${second.channel.api.token.fetches}`,
    ).toBe(1);
    expect(w.fake.messages.filter((m) => m.touser.startsWith('tok'))).toHaveLength(10);
  });
});

describe('an untrusted server IP (60020)', () => {
  it('pauses sending, says why in the log, shows on /healthz, and clears when WeCom answers again', async () => {
    w.fake.revokeTokens();
    await w.service.redis.del(`${w.config.queuePrefix}:wecom:token:${CORP_ID}:1000002`);
    w.fake.failAll = 60020;
    const failed = await w.service.channel
      .send({ chatId: 'ipuser', userId: 'ipuser' }, { kind: 'text', text: '你好' })
      .then(
        () => undefined,
        (error: unknown) => error as { code: string; retryAfterMs?: number; message: string },
      );
    expect(failed?.code).toBe('PLATFORM_RATE_LIMITED');
    expect(failed?.message).toContain('企业可信IP');
    const logged = w.logs.find((l) => l.errcode === 60020 && l.level === 50);
    expect(String(logged?.msg)).toContain('企业可信IP');
    const unhealthy = await fetch(`${w.service.url}/healthz`);
    expect(unhealthy.status).toBe(503);
    expect(await unhealthy.json()).toMatchObject({ ok: false, wecom: true, wecomApi: false });

    w.fake.failAll = undefined;
    await w.service.channel.send({ chatId: 'ipuser', userId: 'ipuser' }, { kind: 'text', text: '你好' });
    const healthy = await fetch(`${w.service.url}/healthz`);
    expect(await healthy.json()).toMatchObject({ wecom: true, wecomApi: true });
  });
});

describe('a WeCom send retried with the same idempotency key', () => {
  it('skips the parts already sent (WeCom itself has no idempotency key)', async () => {
    const to = { chatId: 'retry1', userId: 'retry1' };
    const long = `${'第一段。'.repeat(200)}\n\n${'第二段。'.repeat(100)}`;
    await w.service.channel.send(to, { kind: 'text', text: long }, 'ob-retry-1');
    const first = w.fake.sentTo('retry1').length;
    expect(first).toBeGreaterThan(1);
    await second.channel.send(to, { kind: 'text', text: long }, 'ob-retry-1');
    expect(w.fake.sentTo('retry1')).toHaveLength(first);
    await w.service.channel.send(to, { kind: 'text', text: long }, 'ob-retry-2');
    expect(w.fake.sentTo('retry1')).toHaveLength(first * 2);
  });
});
