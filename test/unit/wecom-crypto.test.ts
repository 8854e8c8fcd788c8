// WeCom callback crypto: the known-answer vectors of WeCom's published sample (the WXBizMsgCrypt
// samples in its 加解密 documentation: Token QDG6eK, CorpID wx5823bf96d3bd56c7), round trips at the
// padding edges, and everything that must be refused: another corp's ReceiveId, a wrong key,
// garbled or truncated ciphertext.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encrypt } from '@wecom/crypto';
import {
  decryptMessage,
  encryptMessage,
  signatureMatches,
  signatureOf,
} from '../../src/channels/wecom/callback-crypto.ts';

const SAMPLE = {
  token: 'QDG6eK',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  receiveId: 'wx5823bf96d3bd56c7',
};
const ECHO = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';
const MESSAGE =
  'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';

describe('WeCom callback crypto: the published sample', () => {
  it('signs the URL check as documented and decrypts its echostr', () => {
    expect(signatureOf(SAMPLE.token, '1409659589', '263014780', ECHO)).toBe('5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3');
    expect(signatureMatches(SAMPLE, '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', '1409659589', '263014780', ECHO)).toBe(
      true,
    );
    // Upper-case hex is the same signature.
    expect(signatureMatches(SAMPLE, '5C45FF5E21C57E6AD56BAC8758B79B1D9AC89FD3', '1409659589', '263014780', ECHO)).toBe(
      true,
    );
    expect(decryptMessage(SAMPLE, ECHO)).toEqual({ ok: true, message: '1616140317555161061' });
  });

  it('signs and decrypts the sample message callback', () => {
    expect(signatureOf(SAMPLE.token, '1409659813', '1372623149', MESSAGE)).toBe(
      '477715d11cdb4164915debcba66cb864d751f3e6',
    );
    const opened = decryptMessage(SAMPLE, MESSAGE);
    expect(opened.ok && opened.message).toContain('<Content><![CDATA[hello]]></Content>');
    expect(opened.ok && opened.message).toContain('<MsgId>4561255354251345929</MsgId>');
  });

  it('refuses a signature off by one character, over other parts, or empty', () => {
    const good = '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3';
    expect(signatureMatches(SAMPLE, `${good.slice(0, -1)}4`, '1409659589', '263014780', ECHO)).toBe(false);
    expect(signatureMatches(SAMPLE, good, '1409659590', '263014780', ECHO)).toBe(false);
    expect(signatureMatches(SAMPLE, good, '1409659589', '263014781', ECHO)).toBe(false);
    expect(signatureMatches({ ...SAMPLE, token: 'QDG6eL' }, good, '1409659589', '263014780', ECHO)).toBe(false);
    expect(signatureMatches(SAMPLE, '', '1409659589', '263014780', ECHO)).toBe(false);
    expect(signatureMatches(SAMPLE, `${good}00`, '1409659589', '263014780', ECHO)).toBe(false);
  });
});

describe('WeCom callback crypto: round trips and refusals', () => {
  it('round-trips messages at every padding edge (a full block of padding included) and in Chinese', () => {
    // 16 random + 4 length + message + 18-byte CorpID: lengths around multiples of 32.
    for (let length = 0; length <= 70; length += 1) {
      const message = 'x'.repeat(length);
      const encrypted = encryptMessage(SAMPLE, message);
      expect(Buffer.from(encrypted, 'base64').length % 32).toBe(0);
      expect(decryptMessage(SAMPLE, encrypted)).toEqual({ ok: true, message });
    }
    const chinese = '<xml><Content><![CDATA[入盟申请：贵州省贵阳市 🙂]]></Content></xml>';
    expect(decryptMessage(SAMPLE, encryptMessage(SAMPLE, chinese))).toEqual({ ok: true, message: chinese });
  });

  it('refuses a message encrypted for another corp (ReceiveId)', () => {
    const other = encrypt(SAMPLE.encodingAesKey, 'hello', 'wwSomeOtherCorp');
    expect(decryptMessage(SAMPLE, other)).toEqual({ ok: false, reason: 'ReceiveId is not this corp' });
    const empty = encrypt(SAMPLE.encodingAesKey, 'hello', '');
    expect(decryptMessage(SAMPLE, empty).ok).toBe(false);
  });

  it('refuses a message under a different key, and a key that is not 32 bytes, without throwing', () => {
    const otherKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    for (let i = 0; i < 50; i += 1) {
      const encrypted = encrypt(otherKey, `message ${i} ${randomBytes(8).toString('hex')}`, SAMPLE.receiveId);
      expect(decryptMessage(SAMPLE, encrypted).ok).toBe(false);
    }
    expect(decryptMessage({ ...SAMPLE, encodingAesKey: 'short' }, ECHO)).toMatchObject({ ok: false });
  });

  it('refuses garbled, truncated, non-Base64 and empty ciphertext without throwing', () => {
    const bad = [
      '',
      'not base64!',
      ECHO.slice(0, -4),
      ECHO.slice(0, 44),
      Buffer.alloc(32).toString('base64'),
      randomBytes(64).toString('base64'),
      `${ECHO}${ECHO}`,
      ECHO.replace('P9n', 'Q9n'),
    ];
    for (const encrypted of bad) expect(decryptMessage(SAMPLE, encrypted).ok, encrypted).toBe(false);
  });
});
