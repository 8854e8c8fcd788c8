// Checks a Feishu webhook request before anything else sees it. The SDK's EventDispatcher cannot be
// trusted with this (it re-serialises the body before checking the signature, never checks the
// verification token on encrypted v2 events nor the timestamp, and answers rejections with 200), so
// the published algorithm is applied here to the raw body:
//   signature = sha256_hex(timestamp + nonce + encryptKey + rawBody)
//   body = {"encrypt": base64(iv[16] + AES-256-CBC(sha256(encryptKey), iv, json))}
import { createHash, timingSafeEqual } from 'node:crypto';
import { AESCipher } from '@larksuiteoapi/node-sdk';

export type WebhookSecrets = { verificationToken: string | undefined; encryptKey: string | undefined };

/** A v2 event (messages, card actions): `{schema: "2.0", header, event}`. */
export type FeishuEnvelope = {
  schema: '2.0';
  header: { event_id: string; event_type: string; token?: string; create_time?: string; app_id?: string };
  event: unknown;
};

export type WebhookVerdict =
  | { ok: true; kind: 'challenge'; challenge: string }
  | { ok: true; kind: 'event'; envelope: FeishuEnvelope }
  | { ok: true; kind: 'ignored'; reason: string }
  | { ok: false; status: 400 | 401; reason: string };

type Headers = Record<string, string | string[] | undefined>;

/** How far a signed request's timestamp may be from our clock: replays older than this are refused. */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

export function verifyWebhook(raw: string, headers: Headers, secrets: WebhookSecrets, nowMs: number): WebhookVerdict {
  const outer = parseObject(raw);
  if (!outer) return reject(400, 'body is not a JSON object');

  let body = outer;
  let signed = false;
  if (typeof outer.encrypt === 'string') {
    if (!secrets.encryptKey) return reject(400, 'encrypted body but FEISHU_ENCRYPT_KEY is not set');
    const signature = header(headers, 'x-lark-signature');
    if (signature !== undefined) {
      const timestamp = header(headers, 'x-lark-request-timestamp') ?? '';
      const nonce = header(headers, 'x-lark-request-nonce') ?? '';
      if (!sameHex(signatureOf(timestamp, nonce, secrets.encryptKey, raw), signature))
        return reject(401, 'bad signature');
      const stale = staleness(timestamp, nowMs);
      if (stale) return reject(401, stale);
      signed = true;
    }
    const inner = decrypt(outer.encrypt, secrets.encryptKey);
    if (!inner) return reject(400, 'cannot decrypt body');
    body = inner;
  } else if (secrets.encryptKey) {
    // With an encrypt key configured Feishu encrypts every request: a plain one did not come from it.
    return reject(401, 'plain body while encryption is configured');
  }

  if (body.type === 'url_verification') {
    if (!tokenMatches(body.token, secrets)) return reject(401, 'wrong verification token');
    if (typeof body.challenge !== 'string') return reject(400, 'challenge missing');
    return { ok: true, kind: 'challenge', challenge: body.challenge };
  }
  // Only the challenge may come unsigned when an encrypt key is set.
  if (secrets.encryptKey && !signed) return reject(401, 'missing signature');

  if (body.schema !== '2.0') {
    if (!tokenMatches(body.token, secrets)) return reject(401, 'wrong verification token');
    return { ok: true, kind: 'ignored', reason: 'v1 event format is not subscribed by this bot' };
  }
  const head = body.header as Record<string, unknown> | undefined;
  if (typeof head !== 'object' || head === null) return reject(400, 'v2 event without header');
  if (!tokenMatches(head.token, secrets)) return reject(401, 'wrong verification token');
  if (typeof head.event_id !== 'string' || typeof head.event_type !== 'string')
    return reject(400, 'event_id or event_type missing');
  return { ok: true, kind: 'event', envelope: body as FeishuEnvelope };
}

export function signatureOf(timestamp: string, nonce: string, encryptKey: string, raw: string): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey + raw)
    .digest('hex');
}

function reject(status: 400 | 401, reason: string): WebhookVerdict {
  return { ok: false, status, reason };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function decrypt(encrypted: string, key: string): Record<string, unknown> | undefined {
  try {
    return parseObject(new AESCipher(key).decrypt(encrypted));
  } catch {
    return undefined;
  }
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function staleness(timestamp: string, nowMs: number): string | undefined {
  const seconds = Number(timestamp);
  if (!Number.isFinite(seconds) || timestamp.trim() === '') return 'timestamp missing or not a number';
  return Math.abs(nowMs - seconds * 1000) > TIMESTAMP_TOLERANCE_MS ? 'stale timestamp' : undefined;
}

function tokenMatches(token: unknown, secrets: WebhookSecrets): boolean {
  if (!secrets.verificationToken) return true;
  if (typeof token !== 'string') return false;
  const a = Buffer.from(token);
  const b = Buffer.from(secrets.verificationToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
