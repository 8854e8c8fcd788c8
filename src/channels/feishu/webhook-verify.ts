// Checks a Feishu webhook request before anything else sees it. The SDK's EventDispatcher cannot be
// trusted with this (it re-serialises the body before checking the signature, never checks the
// verification token on encrypted v2 events nor the timestamp, and answers rejections with 200), so
// the published algorithm is applied here to the raw body:
//   signature = sha256_hex(timestamp + nonce + encryptKey + rawBody)
//   body = {"encrypt": base64(iv[16] + AES-256-CBC(sha256(encryptKey), iv, json))}
// With an encrypt key nothing is parsed before the signature is checked: the body must be exactly a
// flat {"encrypt": "…"} (one linear pattern), so no unauthenticated JSON is ever parsed. Without one,
// and for the decrypted content, nesting is bounded before JSON.parse sees the text.
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
  | { ok: true; kind: 'event'; envelope: FeishuEnvelope; raw: string }
  | { ok: true; kind: 'ignored'; reason: string }
  | { ok: false; status: 400 | 401; reason: string };

type Headers = Record<string, string | string[] | undefined>;

/** How far a signed request's timestamp may be from our clock: replays older than this are refused. */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

/** Deeper than any Feishu event or card callback; a body nested deeper is refused unparsed. */
export const MAX_JSON_DEPTH = 32;

/** Exactly `{"encrypt": "…"}`: base64 has neither quotes nor backslashes, so no escapes to handle. */
const FLAT_ENCRYPTED = /^\s*\{\s*"encrypt"\s*:\s*"([^"\\]*)"\s*\}\s*$/;

export function verifyWebhook(raw: string, headers: Headers, secrets: WebhookSecrets, nowMs: number): WebhookVerdict {
  let body: Record<string, unknown>;
  /** The JSON text `body` was parsed from (decrypted, or the plain body). */
  let text = raw;
  let signed = false;
  const flat = secrets.encryptKey ? FLAT_ENCRYPTED.exec(raw) : undefined;
  if (secrets.encryptKey && flat) {
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
    const inner = decrypt(flat[1]!, secrets.encryptKey);
    if (!inner) return reject(400, 'cannot decrypt body');
    ({ body, text } = inner);
  } else {
    const outer = parseObject(raw);
    if (outer === 'too deep') return reject(400, 'body nested too deeply');
    if (!outer) return reject(400, 'body is not a JSON object');
    if (typeof outer.encrypt === 'string') {
      if (!secrets.encryptKey) return reject(400, 'encrypted body but FEISHU_ENCRYPT_KEY is not set');
      return reject(400, 'encrypted body must be exactly {"encrypt": "…"}');
    }
    // With an encrypt key configured Feishu encrypts every request: a plain one did not come from it.
    if (secrets.encryptKey) return reject(401, 'plain body while encryption is configured');
    body = outer;
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
  return { ok: true, kind: 'event', envelope: body as FeishuEnvelope, raw: text };
}

export function signatureOf(timestamp: string, nonce: string, encryptKey: string, raw: string): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey + raw)
    .digest('hex');
}

function reject(status: 400 | 401, reason: string): WebhookVerdict {
  return { ok: false, status, reason };
}

function parseObject(text: string): Record<string, unknown> | 'too deep' | undefined {
  if (!nestingWithin(text, MAX_JSON_DEPTH)) return 'too deep';
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** One pass over the text: does no array or object nest deeper than `max`? (Strings are skipped.) */
export function nestingWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}

function decrypt(encrypted: string, key: string): { body: Record<string, unknown>; text: string } | undefined {
  try {
    const text = new AESCipher(key).decrypt(encrypted);
    const body = parseObject(text);
    return body === 'too deep' || !body ? undefined : { body, text };
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
