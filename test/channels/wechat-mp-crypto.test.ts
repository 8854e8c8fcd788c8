// The Official Account's signatures and 安全模式 encryption against the published vectors (the
// sample code of 公众平台消息加解密: Java WXBizMsgCryptTest, the Python and C++ samples, and the
// third-party platform's documented example), plus round trips, padding edges and bad input.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptMessage,
  encryptMessage,
  messageSignature,
  plainSignature,
  validAesKey,
} from '../../src/channels/wechat-mp/callback-crypto.ts';
import { verifyCallback, verifyServerCheck } from '../../src/channels/wechat-mp/callback-verify.ts';
import { cdata, parseCallbackXml } from '../../src/channels/wechat-mp/callback-xml.ts';

// Java sample (testAesEncrypt): fixed random prefix, known ciphertext.
const A = {
  key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wxb11529c136998cb6',
  random: Buffer.from('aaaabbbbccccdddd'),
  message: '我是中文abcd123',
  cipher: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
};
// Java sample (testVerifyUrl): msg_signature over an encrypted echostr.
const B = {
  token: 'QDG6eK',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  appId: 'wx5823bf96d3bd56c7',
  signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  timestamp: '1409659589',
  nonce: '263014780',
  echo: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  plain: '1616140317555161061',
};
// Python sample: a text message in 兼容模式 (plain fields beside Encrypt).
const C = {
  token: 'spamtest',
  key: A.key,
  appId: 'wx2c2769f8efd9abc2',
  timestamp: '1409735669',
  nonce: '1320562132',
  signature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  cipher:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
  plain:
    '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>',
};
// The third-party platform's documented example: the all-zero key (43 × "A") and a reply.
const E = {
  token: 'AAAAA',
  key: 'A'.repeat(43),
  appId: 'wx134c8103faa5a59e',
  timestamp: '1715943329',
  nonce: '1590219412',
  signature: '6c12a4205838198b8fa631b3220723bb07f1015c',
  cipher:
    'D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg==',
  replyMessage: '<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>',
  replyRandom: Buffer.from('999951349e8ee746'),
  replyCipher:
    'hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7',
  replyTimestamp: '1713424427',
  replyNonce: '415670741',
  replySignature: '03e0812039325c2712ef5f0f980fd14c70d6e307',
};

describe('known answers', () => {
  it('signature: sha1 of the sorted token, timestamp and nonce (接入指南)', () => {
    // A worked example published with the C# version of the check (token Topevery).
    expect(plainSignature('Topevery', '1405665299', '42752994')).toBe('a948c4f99d23c1b6ef78204c1eb867166e2276e8');
    // Order of the arguments does not matter: they are sorted.
    expect(plainSignature('1405665299', 'Topevery', '42752994')).toBe('a948c4f99d23c1b6ef78204c1eb867166e2276e8');
  });

  it('msg_signature over the Encrypt text (samples B, C and E)', () => {
    expect(messageSignature(B.token, B.timestamp, B.nonce, B.echo)).toBe(B.signature);
    expect(messageSignature(C.token, C.timestamp, C.nonce, C.cipher)).toBe(C.signature);
    expect(messageSignature(E.token, E.timestamp, E.nonce, E.cipher)).toBe(E.signature);
    expect(messageSignature(E.token, E.replyTimestamp, E.replyNonce, E.replyCipher)).toBe(E.replySignature);
  });

  it('encrypts to the published ciphertexts with the published random prefix', () => {
    expect(encryptMessage(A.key, A.message, A.appId, A.random)).toBe(A.cipher);
    expect(encryptMessage(E.key, E.replyMessage, E.appId, E.replyRandom)).toBe(E.replyCipher);
  });

  it('decrypts the published ciphertexts byte for byte (newlines kept)', () => {
    expect(decryptMessage(A.key, A.cipher, A.appId)).toBe(A.message);
    expect(decryptMessage(B.key, B.echo, B.appId)).toBe(B.plain);
    expect(decryptMessage(C.key, C.cipher, C.appId)).toBe(C.plain);
    const e = decryptMessage(E.key, E.cipher, E.appId);
    expect(Buffer.byteLength(e)).toBe(292);
    expect(e).toContain('<Event><![CDATA[debug_demo]]></Event>');
  });
});

describe('round trips and padding', () => {
  const key = randomBytes(32).toString('base64').slice(0, 43);
  const appId = 'wx0123456789abcdef';

  it('every padding length from 1 to 32 bytes', () => {
    // random 16 + length 4 + message + AppID 18, padded to a multiple of 32.
    for (let n = 0; n < 64; n++) {
      const message = 'x'.repeat(n);
      const cipher = encryptMessage(key, message, appId);
      expect(Buffer.from(cipher, 'base64').length % 32).toBe(0);
      expect(decryptMessage(key, cipher, appId)).toBe(message);
    }
    // 16 + 4 + 26 + 18 = 64: a whole block of padding (32 bytes of 0x20) is added.
    expect(Buffer.from(encryptMessage(key, 'y'.repeat(26), appId), 'base64').length).toBe(96);
  });

  it('Chinese, emoji, CDATA ends and a 60 KB message', () => {
    for (const message of ['联盟章程第二十条', '👍🏽 ]]> <xml>&amp;', '章'.repeat(20_000)])
      expect(decryptMessage(key, encryptMessage(key, message, appId), appId)).toBe(message);
  });
});

describe('refusals', () => {
  it('another AppID as ReceiveId', () => {
    expect(() => decryptMessage(C.key, C.cipher, 'wx0000000000000000')).toThrow(/another AppID/);
    expect(() => decryptMessage(A.key, A.cipher, `${A.appId}x`)).toThrow(/another AppID/);
  });

  it('another key, a malformed key, a tampered or truncated ciphertext', () => {
    expect(() => decryptMessage(B.key, C.cipher, C.appId)).toThrow();
    expect(validAesKey('abc')).toBe(false);
    expect(validAesKey(`${A.key}=`)).toBe(false);
    expect(validAesKey('!'.repeat(43))).toBe(false);
    expect(() => decryptMessage('short', C.cipher, C.appId)).toThrow(/EncodingAESKey/);
    const bytes = Buffer.from(C.cipher, 'base64');
    // The length field (block 1, through block 0) and the AppID and padding (the last block): caught
    // here. A change in the middle only garbles the message: CBC has no integrity of its own, which
    // is what msg_signature is for (see the 安全模式 forgeries below).
    for (const at of [0, bytes.length - 1, bytes.length - 20]) {
      const tampered = Buffer.from(bytes);
      tampered[at] = tampered[at]! ^ 0x01;
      expect(() => decryptMessage(C.key, tampered.toString('base64'), C.appId)).toThrow();
    }
    expect(() => decryptMessage(C.key, bytes.subarray(0, 32).toString('base64'), C.appId)).toThrow();
    expect(() => decryptMessage(C.key, bytes.subarray(0, 16).toString('base64'), C.appId)).toThrow(/blocks/);
    expect(() => decryptMessage(C.key, '!!!not-base64!!!', C.appId)).toThrow(/base64/);
    expect(() => decryptMessage(C.key, 'YWJj', C.appId)).toThrow(/blocks/);
    expect(() => decryptMessage(C.key, '', C.appId)).toThrow();
  });
});

describe('callback checks', () => {
  const secrets = { token: C.token, appId: C.appId, encodingAesKey: undefined };
  const at = (timestamp: string) => Number(timestamp) * 1000 + 1_000;
  const plainQuery = (timestamp: string, nonce: string) => ({
    signature: plainSignature(C.token, timestamp, nonce),
    timestamp,
    nonce,
  });

  it('the server check echoes echostr exactly (with + and /), refuses forged or stale ones', () => {
    const q = { ...plainQuery('1700000000', '42'), echostr: 'a+b/c=d' };
    expect(verifyServerCheck(q, secrets, at('1700000000'))).toEqual({ ok: true, echo: 'a+b/c=d' });
    expect(verifyServerCheck({ ...q, signature: '0'.repeat(40) }, secrets, at('1700000000'))).toMatchObject({
      status: 401,
    });
    expect(verifyServerCheck(q, secrets, at('1700000000') + 10 * 60_000)).toMatchObject({
      status: 401,
      reason: 'stale timestamp',
    });
    expect(verifyServerCheck({ signature: q.signature }, secrets, 0)).toMatchObject({ status: 400 });
  });

  it('a plain message: fields, malformed XML, DOCTYPE, missing fields', () => {
    const q = plainQuery('1700000000', '7');
    const body =
      '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o_user]]></FromUserName>' +
      '<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 ]]]]><![CDATA[>]]></Content>' +
      '<MsgId>6054768590064713728</MsgId></xml>';
    const ok = verifyCallback(body, q, secrets, at('1700000000'));
    expect(ok).toMatchObject({ ok: true, encrypted: false });
    // A 64-bit MsgId is kept exactly, and a CDATA end inside text survives.
    expect(ok.ok && ok.fields).toMatchObject({ MsgId: '6054768590064713728', Content: '你好 ]]>' });
    for (const bad of ['', '<xml><ToUserName>gh', 'not xml', '<other/>', '<xml><a>1</a><xml>'])
      expect(verifyCallback(bad, q, secrets, at('1700000000'))).toMatchObject({ ok: false, status: 400 });
    const xxe = `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${body.replace('你好', '&e;')}`;
    expect(verifyCallback(xxe, q, secrets, at('1700000000'))).toMatchObject({ status: 400 });
    expect(verifyCallback(body.replace(/<MsgType>.*<\/MsgType>/, ''), q, secrets, at('1700000000'))).toMatchObject({
      status: 400,
      reason: 'MsgType missing',
    });
    expect(verifyCallback(body, { ...q, signature: 'f'.repeat(40) }, secrets, at('1700000000'))).toMatchObject({
      status: 401,
    });
    expect(verifyCallback(body, { ...q, signature: undefined }, secrets, at('1700000000'))).toMatchObject({
      status: 401,
    });
    expect(verifyCallback(body, q, secrets, at('1700000000') - 6 * 60_000)).toMatchObject({ status: 401 });
  });

  it('安全模式: the published Python sample, then forgeries', () => {
    const safe = { ...secrets, encodingAesKey: C.key };
    const body = `<xml><ToUserName>${cdata('gh_10f6c3c3ac5a')}</ToUserName><Encrypt>${cdata(C.cipher)}</Encrypt></xml>`;
    const q = {
      signature: plainSignature(C.token, C.timestamp, C.nonce),
      timestamp: C.timestamp,
      nonce: C.nonce,
      encrypt_type: 'aes',
      msg_signature: C.signature,
    };
    const ok = verifyCallback(body, q, safe, at(C.timestamp));
    expect(ok).toMatchObject({ ok: true, encrypted: true });
    expect(ok.ok && ok.fields).toMatchObject({ Content: 'abcdteT', MsgId: '6054768590064713728' });
    expect(
      verifyCallback(body, { ...q, msg_signature: C.signature.replace('5', '6') }, safe, at(C.timestamp)),
    ).toMatchObject({ status: 401, reason: 'bad msg_signature' });
    expect(verifyCallback(body, q, safe, at(C.timestamp) + 3_600_000)).toMatchObject({ status: 401 });
    const bytes = Buffer.from(C.cipher, 'base64');
    bytes[40] = bytes[40]! ^ 0x01;
    const tampered = body.replace(C.cipher, bytes.toString('base64'));
    expect(verifyCallback(tampered, q, safe, at(C.timestamp))).toMatchObject({
      status: 401,
      reason: 'bad msg_signature',
    });
    expect(verifyCallback(body, q, { ...safe, appId: 'wx0000000000000000' }, at(C.timestamp))).toMatchObject({
      status: 401,
    });
    // Plain while 安全模式 is configured; encrypted while it is not.
    const { encrypt_type: _e, msg_signature: _m, ...plainQ } = q;
    expect(verifyCallback(C.plain, plainQ, safe, at(C.timestamp))).toMatchObject({ status: 401 });
    expect(verifyCallback(body, q, secrets, at(C.timestamp))).toMatchObject({ status: 400 });
    expect(verifyCallback('<xml><Encrypt></Encrypt></xml>', q, safe, at(C.timestamp))).toMatchObject({ status: 400 });
  });

  it('parses only a flat <xml>, never expanding entities', () => {
    expect(parseCallbackXml('<xml><A>1 &lt; 2</A></xml>')).toEqual({ fields: { A: '1 < 2' } });
    expect(parseCallbackXml('<xml>' + '<a>'.repeat(50) + '</a>'.repeat(50) + '</xml>')).toHaveProperty('error');
  });
});
