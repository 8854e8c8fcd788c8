// WeCom's callback security (企业微信“回调和回复的加解密方案”), on the official @wecom/crypto: the
// signature is the hex SHA-1 of the sorted [token, timestamp, nonce, encrypt]; the message is
// AES-256-CBC with key = Base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 padded
// to 32 bytes, and reads 16 random bytes, a 4-byte big-endian length, the message, the ReceiveId.
// The library trusts its input: what it could trip over (not Base64, odd lengths, a plaintext too
// short) is checked or caught here, and whatever it yields is accepted only when the ReceiveId is
// this corp's, so a garbled callback is refused with a reason instead of throwing or yielding garbage.
import { timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

export type CallbackSecrets = { token: string; encodingAesKey: string; receiveId: string };

export type Decrypted = { ok: true; message: string } | { ok: false; reason: string };

/** The query WeCom signs a callback with, URL-decoded (Fastify's query parser does that). */
export type SignedQuery = { msg_signature?: unknown; timestamp?: unknown; nonce?: unknown; echostr?: unknown };

export function signatureOf(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return getSignature(token, timestamp, nonce, encrypted);
}

/** Whether `signature` is the one for these parts (constant time). */
export function signatureMatches(
  secrets: CallbackSecrets,
  signature: string,
  timestamp: string,
  nonce: string,
  encrypted: string,
): boolean {
  const expected = Buffer.from(signatureOf(secrets.token, timestamp, nonce, encrypted));
  const given = Buffer.from(signature.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Decrypts `encrypted` and checks it was meant for `receiveId` (the CorpID). */
export function decryptMessage(secrets: CallbackSecrets, encrypted: string): Decrypted {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) return { ok: false, reason: 'ciphertext is not Base64' };
  const bytes = Buffer.byteLength(encrypted, 'base64');
  if (bytes === 0 || bytes % 32 !== 0) return { ok: false, reason: `ciphertext of ${bytes} bytes` };
  let plain: ReturnType<typeof decrypt>;
  try {
    plain = decrypt(secrets.encodingAesKey, encrypted);
  } catch (error) {
    return { ok: false, reason: `not decryptable: ${(error as Error).message}` };
  }
  // A wrong key, bad padding or a length field past the end all leave something other than the
  // CorpID where the ReceiveId should be.
  if (plain.id !== secrets.receiveId) return { ok: false, reason: 'ReceiveId is not this corp' };
  return { ok: true, message: plain.message };
}

/** Encrypts a message as WeCom does (the fake WeCom and the tests build callbacks with it). */
export function encryptMessage(secrets: CallbackSecrets, message: string, random?: Buffer): string {
  return encrypt(secrets.encodingAesKey, message, secrets.receiveId, random);
}
