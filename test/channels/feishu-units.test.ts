// The tricky parts of the Feishu channel on their own: request verification, card rendering, click
// translation, error classification, long-text splitting.
import http from 'node:http';
import https from 'node:https';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_JSON_DEPTH, verifyWebhook, TIMESTAMP_TOLERANCE_MS } from '../../src/channels/feishu/webhook-verify.ts';
import { renderCard } from '../../src/channels/feishu/card-render.ts';
import { cardActionToInbound } from '../../src/channels/feishu/card-action.ts';
import { toPlatformError } from '../../src/channels/feishu/api-error.ts';
import { postJson } from '../../src/channels/feishu/json-post.ts';
import { loadConfig, proxyConfigured } from '../../src/config.ts';
import { splitText } from '../../src/channels/split-text.ts';
import { encrypt, messageEvent, signedRequest } from './support/feishu-requests.ts';

const secrets = { verificationToken: 'vt', encryptKey: 'ek-123' };
const now = Date.now();
const event = () => messageEvent('vt', { openId: 'ou_a', chatId: 'oc_a', text: '你好' });

describe('verifyWebhook', () => {
  it('accepts a signed, encrypted v2 event and returns the decrypted envelope', () => {
    const e = event();
    const { body, headers } = signedRequest(e, secrets.encryptKey);
    expect(verifyWebhook(body, headers, secrets, now)).toEqual({
      ok: true,
      kind: 'event',
      envelope: e,
      raw: JSON.stringify(e),
    });
  });

  it.each([
    ['not JSON', '{', {}, 400, 'body is not a JSON object'],
    ['a JSON array', '[1]', {}, 400, 'body is not a JSON object'],
    ['a JSON string', '"x"', {}, 400, 'body is not a JSON object'],
  ])('rejects %s', (_l, body, headers, status, reason) => {
    expect(verifyWebhook(body, headers, secrets, now)).toEqual({ ok: false, status, reason });
  });

  it('rejects a signature made with another key, or over another body', () => {
    const forged = signedRequest(event(), 'other-key');
    expect(verifyWebhook(forged.body, forged.headers, secrets, now)).toMatchObject({
      ok: false,
      status: 401,
      reason: 'bad signature',
    });
    const genuine = signedRequest(event(), secrets.encryptKey);
    const tampered = genuine.body.replace(/"\}$/, ' "}');
    expect(verifyWebhook(tampered, genuine.headers, secrets, now)).toMatchObject({
      ok: false,
      status: 401,
      reason: 'bad signature',
    });
  });

  it('rejects a genuine signature on a request older or newer than the tolerance', () => {
    const old = signedRequest(event(), secrets.encryptKey, {
      timestamp: Math.floor((now - TIMESTAMP_TOLERANCE_MS - 5_000) / 1000),
    });
    expect(verifyWebhook(old.body, old.headers, secrets, now)).toMatchObject({
      status: 401,
      reason: 'stale timestamp',
    });
    const future = signedRequest(event(), secrets.encryptKey, {
      timestamp: Math.floor((now + TIMESTAMP_TOLERANCE_MS + 5_000) / 1000),
    });
    expect(verifyWebhook(future.body, future.headers, secrets, now)).toMatchObject({
      status: 401,
      reason: 'stale timestamp',
    });
    const fresh = signedRequest(event(), secrets.encryptKey, { timestamp: Math.floor((now - 60_000) / 1000) });
    expect(verifyWebhook(fresh.body, fresh.headers, secrets, now)).toMatchObject({ ok: true });
  });

  it('checks the verification token inside an encrypted v2 event (the SDK does not)', () => {
    const { body, headers } = signedRequest(
      messageEvent('not-vt', { openId: 'ou_a', chatId: 'oc_a', text: 'x' }),
      secrets.encryptKey,
    );
    expect(verifyWebhook(body, headers, secrets, now)).toMatchObject({
      status: 401,
      reason: 'wrong verification token',
    });
  });

  it('requires the signature on events when an encrypt key is set, but not on the challenge', () => {
    const unsigned = JSON.stringify({ encrypt: encrypt(event(), secrets.encryptKey) });
    expect(verifyWebhook(unsigned, {}, secrets, now)).toMatchObject({ status: 401, reason: 'missing signature' });
    const challenge = JSON.stringify({
      encrypt: encrypt({ type: 'url_verification', challenge: 'c1', token: 'vt' }, secrets.encryptKey),
    });
    expect(verifyWebhook(challenge, {}, secrets, now)).toEqual({ ok: true, kind: 'challenge', challenge: 'c1' });
  });

  it('without an encrypt key, checks the token of a plain event', () => {
    const plain = { verificationToken: 'vt', encryptKey: undefined };
    expect(verifyWebhook(JSON.stringify(event()), {}, plain, now)).toMatchObject({ ok: true, kind: 'event' });
    const wrong = messageEvent('other', { openId: 'ou_a', chatId: 'oc_a', text: 'x' });
    expect(verifyWebhook(JSON.stringify(wrong), {}, plain, now)).toMatchObject({ status: 401 });
    expect(
      verifyWebhook(JSON.stringify({ type: 'url_verification', challenge: 'c', token: 'vt' }), {}, plain, now),
    ).toMatchObject({ kind: 'challenge' });
  });

  it('rejects garbage in the encrypt field and an encrypted body it cannot read', () => {
    expect(verifyWebhook(JSON.stringify({ encrypt: 'bm90IGVuY3J5cHRlZA==' }), {}, secrets, now)).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(
      verifyWebhook(JSON.stringify({ encrypt: 'x' }), {}, { verificationToken: 'vt', encryptKey: undefined }, now),
    ).toMatchObject({ ok: false, status: 400 });
  });
});

describe('verifyWebhook before any parsing (issue 17, finding 3)', () => {
  afterEach(() => vi.restoreAllMocks());
  const deep = '['.repeat(1024 * 1024 - 2) + ']]';

  it('with an encrypt key, checks the signature on the raw body and parses nothing first', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const forged = signedRequest(event(), secrets.encryptKey, { signature: 'f'.repeat(64) });
    expect(verifyWebhook(forged.body, forged.headers, secrets, now)).toMatchObject({ reason: 'bad signature' });
    expect(parse).not.toHaveBeenCalled();
    const res = verifyWebhook(deep, forged.headers, secrets, now);
    expect(res).toMatchObject({ ok: false, status: 400, reason: 'body nested too deeply' });
    expect(parse).not.toHaveBeenCalled();
  });

  it('with an encrypt key, accepts only a flat {"encrypt": "…"}', () => {
    const genuine = signedRequest(event(), secrets.encryptKey);
    const extra = genuine.body.replace(/\}$/, ',"event":{"forged":true}}');
    expect(verifyWebhook(extra, genuine.headers, secrets, now)).toMatchObject({ ok: false, status: 400 });
    const nested = JSON.stringify({ encrypt: JSON.parse(genuine.body).encrypt, x: [[[1]]] });
    expect(verifyWebhook(nested, genuine.headers, secrets, now)).toMatchObject({ ok: false, status: 400 });
    expect(verifyWebhook(genuine.body, genuine.headers, secrets, now)).toMatchObject({ ok: true, kind: 'event' });
  });

  it('without an encrypt key, bounds nesting before parsing', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const plain = { verificationToken: 'vt', encryptKey: undefined };
    expect(verifyWebhook(deep, {}, plain, now)).toMatchObject({ status: 400, reason: 'body nested too deeply' });
    expect(parse).not.toHaveBeenCalled();
    const justDeepEnough = '{"a":' + '['.repeat(MAX_JSON_DEPTH - 1) + ']'.repeat(MAX_JSON_DEPTH - 1) + '}';
    expect(verifyWebhook(justDeepEnough, {}, plain, now)).toMatchObject({ status: 401 });
    // Brackets inside strings do not count.
    const inString = messageEvent('vt', { openId: 'ou_a', chatId: 'oc_a', text: '['.repeat(100) });
    expect(verifyWebhook(JSON.stringify(inString), {}, plain, now)).toMatchObject({ ok: true, kind: 'event' });
  });
});

describe('renderCard', () => {
  const card = {
    title: '审核',
    lines: ['**不是粗体** [链接](http://x)'],
    fields: [{ label: '单位', value: '某馆' }],
    buttons: [{ label: '通过', action: 'review.approve', value: { id: '7' }, style: 'primary' as const }],
    expiresAt: '2030-01-01T00:00:00.000Z',
  };

  it('is card JSON 2.0 with plain text only and callback buttons carrying action, addressee and expiry', () => {
    const json = renderCard(card, { addressee: 'ou_x' });
    expect(json).toMatchObject({ schema: '2.0', header: { title: { tag: 'plain_text', content: '审核' } } });
    const text = JSON.stringify(json);
    expect(text).not.toContain('"markdown"');
    expect(text).not.toContain('lark_md');
    expect(text).toContain('单位：某馆');
    const button = (
      json.body as { elements: { tag: string; columns?: { elements: Record<string, unknown>[] }[] }[] }
    ).elements.at(-1)!.columns![0]!.elements[0]!;
    expect(button).toMatchObject({
      tag: 'button',
      type: 'primary_filled',
      behaviors: [
        { type: 'callback', value: { action: 'review.approve', value: { id: '7' }, to: 'ou_x', exp: card.expiresAt } },
      ],
    });
  });

  it('leaves the addressee out of a card sent to a whole chat', () => {
    expect(JSON.stringify(renderCard(card))).not.toContain('"to"');
  });

  it('puts the two lines marked side by side in two columns (stacked on a phone); the rest one by one', () => {
    const lines = ['类别：章程修订', '现行条文：两年', '修订为：三年', '截止时间'];
    const elements = (renderCard({ title: '修订', lines, sideBySide: 1 }).body as { elements: unknown[] }).elements;
    const div = (content: string) => ({ tag: 'div', text: { tag: 'plain_text', content } });
    expect(elements).toEqual([
      div('类别：章程修订'),
      {
        tag: 'column_set',
        flex_mode: 'stretch',
        columns: [
          { tag: 'column', width: 'weighted', weight: 1, vertical_align: 'top', elements: [div('现行条文：两年')] },
          { tag: 'column', width: 'weighted', weight: 1, vertical_align: 'top', elements: [div('修订为：三年')] },
        ],
      },
      div('截止时间'),
    ]);
    // A mark on the last line (nothing beside it) or beyond the lines changes nothing.
    for (const at of [3, 9])
      expect((renderCard({ title: '修订', lines, sideBySide: at }).body as { elements: unknown[] }).elements).toEqual(
        lines.map(div),
      );
  });
});

describe('cardActionToInbound', () => {
  const click = (operator: string, value: unknown) => ({
    operator: { open_id: operator },
    action: { value },
    context: { open_message_id: 'om_1', open_chat_id: 'oc_1' },
  });
  const t = new Date('2026-01-01T00:00:00Z');

  it('takes the actor from the operator, never from the card value', () => {
    const result = cardActionToInbound(
      'ev1',
      click('ou_real', { action: 'vote.cast', value: { actor: 'ou_fake' } }),
      t,
    );
    expect(result).toMatchObject({
      inbound: {
        actor: 'ou_real',
        chat: { id: 'oc_1' },
        action: { name: 'vote.cast', value: { actor: 'ou_fake' }, cardRef: 'om_1' },
      },
    });
  });

  it('refuses a non-addressee, an expired card and a foreign value', () => {
    expect(cardActionToInbound('e', click('ou_b', { action: 'a', value: {}, to: 'ou_a' }), t)).toMatchObject({
      refused: 'not_addressee',
    });
    expect(
      cardActionToInbound('e', click('ou_a', { action: 'a', value: {}, to: 'ou_a', exp: '2025-12-31T00:00:00Z' }), t),
    ).toMatchObject({ refused: 'expired' });
    expect(cardActionToInbound('e', click('ou_a', { foo: 1 }), t)).toMatchObject({ refused: 'malformed' });
    expect(cardActionToInbound('e', { nothing: true }, t)).toMatchObject({ refused: 'malformed' });
  });
});

describe('toPlatformError', () => {
  const http = (status: number, code: number, headers: Record<string, string> = {}) => ({
    response: { status, data: { code, msg: 'm' }, headers },
  });

  it('classifies rate limits with the reset delay, transient and permanent failures', () => {
    expect(toPlatformError(http(429, 99991400, { 'x-ogw-ratelimit-reset': '3' }), 'send')).toMatchObject({
      code: 'PLATFORM_RATE_LIMITED',
      retryAfterMs: 3000,
    });
    expect(toPlatformError(http(400, 230020), 'send')).toMatchObject({
      code: 'PLATFORM_RATE_LIMITED',
      retryAfterMs: 1000,
    });
    expect(toPlatformError(http(503, 0), 'send')).toMatchObject({ code: 'PLATFORM_TRANSIENT', permanent: false });
    expect(toPlatformError({ code: 'ECONNRESET', message: 'socket hang up' }, 'send')).toMatchObject({
      code: 'PLATFORM_TRANSIENT',
    });
    expect(toPlatformError(http(400, 99991663), 'send')).toMatchObject({ code: 'PLATFORM_TRANSIENT' });
    expect(toPlatformError(http(400, 230002), 'send')).toMatchObject({ code: 'PLATFORM_PERMANENT', permanent: true });
  });
});

describe('postJson (the plain path of sends and replies)', () => {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));
  const serve = async (answer: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => answer(req, res, body));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server!.address() as { port: number }).port}`;
  };

  it('sends the JSON body with the headers given, and parses a JSON answer', async () => {
    const seen: { method?: string; auth?: string; type?: string; body?: string }[] = [];
    const url = await serve((req, res, body) => {
      seen.push({ method: req.method, auth: req.headers.authorization, type: req.headers['content-type'], body });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ code: 0, data: { message_id: 'om_1' } }));
    });
    const data = await postJson(new URL(`${url}/open-apis/x?a=1`), { authorization: 'Bearer t' }, { 中: '文' }, agents);
    expect(data).toEqual({ code: 0, data: { message_id: 'om_1' } });
    expect(seen).toEqual([{ method: 'POST', auth: 'Bearer t', type: 'application/json', body: '{"中":"文"}' }]);
  });

  it('throws a non-2xx answer the way api-error.ts reads it: status, parsed body, headers', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(429, { 'x-ogw-ratelimit-reset': '4', 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 99991400, msg: 'too many' }));
    });
    const error = await postJson(new URL(url), {}, {}, agents).catch((e: unknown) => e);
    expect(toPlatformError(error, 'send')).toMatchObject({ code: 'PLATFORM_RATE_LIMITED', retryAfterMs: 4000 });
  });

  it('keeps a body that is not JSON as text, and a cut connection is a transient failure', async () => {
    let calls = 0;
    const url = await serve((req, res) => {
      if (calls++ === 0) return res.writeHead(502).end('<html>bad gateway</html>');
      req.socket.destroy();
    });
    const bad = await postJson(new URL(url), {}, {}, agents).catch((e: unknown) => e);
    expect(bad).toMatchObject({ response: { status: 502, data: '<html>bad gateway</html>' } });
    expect(toPlatformError(bad, 'send')).toMatchObject({ code: 'PLATFORM_TRANSIENT' });
    const cut = await postJson(new URL(url), {}, {}, agents).catch((e: unknown) => e);
    expect(cut).toMatchObject({ code: 'ECONNRESET' });
    expect(toPlatformError(cut, 'send')).toMatchObject({ code: 'PLATFORM_TRANSIENT' });
  });

  it('gives up on an answer that never comes: ETIMEDOUT, a transient failure', async () => {
    const url = await serve(() => {
      // Reads the request and never answers.
    });
    const hung = await postJson(new URL(url), {}, {}, agents, 200).catch((e: unknown) => e);
    expect(hung).toMatchObject({ code: 'ETIMEDOUT' });
    expect(toPlatformError(hung, 'send')).toMatchObject({ code: 'PLATFORM_TRANSIENT' });
    server!.closeAllConnections();
  });

  it('leaves requests to the SDK (whose axios honours it) when a proxy is configured', () => {
    expect(proxyConfigured({})).toBe(false);
    expect(proxyConfigured({ HTTPS_PROXY: '' })).toBe(false);
    expect(proxyConfigured({ HTTPS_PROXY: 'http://proxy:3128' })).toBe(true);
    expect(proxyConfigured({ http_proxy: 'http://proxy:3128' })).toBe(true);
    expect(proxyConfigured({ ALL_PROXY: 'socks5://proxy' })).toBe(true);
    expect(proxyConfigured({ npm_config_https_proxy: 'http://proxy:3128' })).toBe(true);
    expect(proxyConfigured({ NO_PROXY: 'localhost' })).toBe(false);
    // Read once, in the one typed config, and handed to the channel from there.
    expect(loadConfig({ HTTPS_PROXY: 'http://proxy:3128' }).httpProxy).toBe(true);
    expect(loadConfig({}).httpProxy).toBe(false);
  });
});

describe('splitText', () => {
  it('keeps short text whole and cuts long text at paragraph boundaries without losing anything', () => {
    expect(splitText('短', 10)).toEqual(['短']);
    const paragraphs = Array.from({ length: 10 }, (_, i) => `第${i}段。${'字'.repeat(30)}`);
    const parts = splitText(paragraphs.join('\n\n'), 100);
    expect(parts.every((p) => p.length <= 100)).toBe(true);
    expect(parts.join('\n\n')).toBe(paragraphs.join('\n\n'));
  });

  it('cuts a text without breaks at the limit', () => {
    const parts = splitText('字'.repeat(250), 100);
    expect(parts.map((p) => p.length)).toEqual([100, 100, 50]);
  });

  it('never cuts an emoji in half', () => {
    const text = `字${'🎉'.repeat(150)}`;
    const parts = splitText(text, 100);
    expect(parts.join('')).toBe(text);
    // A lone surrogate at either end of a part would show as a broken character.
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    expect(parts.every((p) => p.length <= 100 && !lone.test(p))).toBe(true);
  });
});
