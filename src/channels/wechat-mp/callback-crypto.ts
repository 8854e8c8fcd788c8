// The Official Account's callback signatures and 安全模式 encryption, as published (公众平台消息加解密):
//   signature     = sha1(sort(Token, timestamp, nonce))                 (every request)
//   msg_signature = sha1(sort(Token, timestamp, nonce, Encrypt))        (安全模式)
//   Encrypt = Base64(AES-256-CBC(key, iv, PKCS#7-to-32(random16 + len32be + message + AppID)))
//   key = Base64Decode(EncodingAESKey + "="), iv = key[0..16)
// The arithmetic is @wecom/crypto's (the same scheme, with the AppID as ReceiveId); it trusts its
// input, so everything it would read past, mis-pad or mis-attribute is checked here first.
import { createHash, timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

/** sha1 of the sorted, joined parts, lower-case hex. */
export function plainSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

/** The message signature of 安全模式, over the Encrypt text as sent. */
export function messageSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return getSignature(token, timestamp, nonce, encrypted);
}

/** Compares a signature from the request with the expected one in constant time (case-insensitive hex). */
export function sameSignature(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why a ciphertext was refused. */
export class DecryptError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DecryptError';
  }
}

const KEY = /^[A-Za-z0-9+/]{43}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** An EncodingAESKey that decodes to the 32 bytes of an AES-256 key. */
export function validAesKey(encodingAesKey: string): boolean {
  return KEY.test(encodingAesKey) && Buffer.from(`${encodingAesKey}=`, 'base64').length === 32;
}

/**
 * Decrypts one Encrypt value and checks it was made for `appId`. Throws DecryptError when the text
 * is not base64, not whole AES blocks, badly padded, its length field points outside it, or it was
 * encrypted for another AppID (or with another key: the AppID then comes out as noise).
 */
export function decryptMessage(encodingAesKey: string, encrypted: string, appId: string): string {
  if (!validAesKey(encodingAesKey)) throw new DecryptError('bad EncodingAESKey');
  if (!BASE64.test(encrypted) || encrypted.length % 4 !== 0) throw new DecryptError('not base64');
  const size = Buffer.from(encrypted, 'base64').length;
  // At least the random prefix, the length and one block's worth; whole 32-byte padded blocks.
  if (size < 32 || size % 32 !== 0) throw new DecryptError('not whole blocks');
  let plain: { message: string; id: string; random: Buffer };
  try {
    plain = decrypt(encodingAesKey, encrypted);
  } catch (error) {
    throw new DecryptError(`cannot decrypt: ${(error as Error).message}`);
  }
  // The library hands back unchecked padding and length: a wrong key or forged text shows up as an
  // AppID that does not match (the padding and length then land in the wrong places).
  if (!safeEqual(plain.id, appId)) throw new DecryptError('encrypted for another AppID (or with another key)');
  return plain.message;
}

/** Encrypts a reply for `appId` (random prefix unless given: known-answer tests fix it). */
export function encryptMessage(encodingAesKey: string, message: string, appId: string, random?: Buffer): string {
  if (!validAesKey(encodingAesKey)) throw new DecryptError('bad EncodingAESKey');
  return encrypt(encodingAesKey, message, appId, random);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
