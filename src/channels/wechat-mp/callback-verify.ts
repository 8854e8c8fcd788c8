// Checks an Official Account callback before anything else sees it: the server check (GET, echo
// `echostr`) and messages (POST, plain or 安全模式). Forged or stale → 401, malformed → 400; the
// route logs every refusal. In plain mode the signature covers only token, timestamp and nonce, not
// the body — 安全模式's msg_signature covers the ciphertext, which is why it is the recommended mode.
import { decryptMessage, DecryptError, messageSignature, plainSignature, sameSignature } from './callback-crypto.ts';
import { parseCallbackXml, type XmlFields } from './callback-xml.ts';

export type CallbackSecrets = { token: string; appId: string; encodingAesKey: string | undefined };

export type Query = Record<string, string | string[] | undefined>;

export type Refusal = { ok: false; status: 400 | 401; reason: string };

export type CallbackVerdict =
  { ok: true; fields: XmlFields; encrypted: boolean; timestamp: string; nonce: string } | Refusal;

/** How far a request's timestamp may be from our clock; WeChat's own retries come within seconds. */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

/** GET: WeChat checking the URL of 服务器配置; answer `echostr` exactly as given. */
export function verifyServerCheck(
  query: Query,
  secrets: CallbackSecrets,
  nowMs: number,
): { ok: true; echo: string } | Refusal {
  const { signature, timestamp, nonce, echostr } = params(query, ['signature', 'timestamp', 'nonce', 'echostr']);
  if (signature === undefined || timestamp === undefined || nonce === undefined || echostr === undefined)
    return refuse(400, 'signature, timestamp, nonce and echostr required');
  if (!sameSignature(plainSignature(secrets.token, timestamp, nonce), signature)) return refuse(401, 'bad signature');
  const stale = staleness(timestamp, nowMs);
  if (stale) return refuse(401, stale);
  return { ok: true, echo: echostr };
}

/** POST: a message or event, checked and (安全模式) decrypted into its XML fields. */
export function verifyCallback(raw: string, query: Query, secrets: CallbackSecrets, nowMs: number): CallbackVerdict {
  const q = params(query, ['signature', 'timestamp', 'nonce', 'encrypt_type', 'msg_signature']);
  const { timestamp, nonce } = q;
  if (timestamp === undefined || nonce === undefined) return refuse(400, 'timestamp and nonce required');
  const encrypted = q.encrypt_type === 'aes';
  if (q.encrypt_type !== undefined && q.encrypt_type !== 'aes' && q.encrypt_type !== 'raw')
    return refuse(400, `unknown encrypt_type ${q.encrypt_type.slice(0, 20)}`);
  // Sent on every callback; in 安全模式 the message signature below is what covers the body.
  if (q.signature !== undefined || !encrypted) {
    if (!sameSignature(plainSignature(secrets.token, timestamp, nonce), q.signature))
      return refuse(401, 'bad signature');
  }
  if (!encrypted) {
    // With a key configured WeChat encrypts every callback: a plain one did not come from it.
    if (secrets.encodingAesKey) return refuse(401, 'plain callback while 安全模式 (EncodingAESKey) is configured');
    const stale = staleness(timestamp, nowMs);
    if (stale) return refuse(401, stale);
    return withFields(parseCallbackXml(raw), false, timestamp, nonce);
  }
  if (!secrets.encodingAesKey) return refuse(400, 'encrypted callback but WECHAT_MP_ENCODING_AES_KEY is not set');
  const outer = parseCallbackXml(raw);
  if ('error' in outer) return refuse(400, outer.error);
  const cipher = outer.fields.Encrypt;
  if (!cipher) return refuse(400, 'Encrypt missing');
  if (!sameSignature(messageSignature(secrets.token, timestamp, nonce, cipher), q.msg_signature))
    return refuse(401, 'bad msg_signature');
  const stale = staleness(timestamp, nowMs);
  if (stale) return refuse(401, stale);
  let inner: string;
  try {
    inner = decryptMessage(secrets.encodingAesKey, cipher, secrets.appId);
  } catch (error) {
    if (error instanceof DecryptError && error.message.startsWith('encrypted for another AppID'))
      return refuse(401, error.message);
    return refuse(400, (error as Error).message);
  }
  return withFields(parseCallbackXml(inner), true, timestamp, nonce);
}

function withFields(
  parsed: { fields: XmlFields } | { error: string },
  encrypted: boolean,
  timestamp: string,
  nonce: string,
): CallbackVerdict {
  if ('error' in parsed) return refuse(400, parsed.error);
  const { fields } = parsed;
  for (const name of ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType'])
    if (!fields[name]) return refuse(400, `${name} missing`);
  return { ok: true, fields, encrypted, timestamp, nonce };
}

function params<K extends string>(query: Query, names: K[]): Record<K, string | undefined> {
  const out = {} as Record<K, string | undefined>;
  for (const name of names) {
    const value = query[name];
    out[name] = Array.isArray(value) ? value[0] : value;
  }
  return out;
}

function staleness(timestamp: string, nowMs: number): string | undefined {
  if (!/^\d{1,12}$/.test(timestamp)) return 'timestamp not a number';
  return Math.abs(nowMs - Number(timestamp) * 1000) > TIMESTAMP_TOLERANCE_MS ? 'stale timestamp' : undefined;
}

function refuse(status: 400 | 401, reason: string): Refusal {
  return { ok: false, status, reason };
}
