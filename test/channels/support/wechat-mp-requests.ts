// Callbacks as WeChat sends them to 服务器配置's URL: the XML of a message or event, in plain mode
// (signature over token, timestamp, nonce) or 安全模式 (the XML encrypted for the AppID, with
// msg_signature over the ciphertext), built by the published algorithm.
import { randomInt } from 'node:crypto';
import {
  decryptMessage,
  encryptMessage,
  messageSignature,
  plainSignature,
} from '../../../src/channels/wechat-mp/callback-crypto.ts';
import { cdata, parseCallbackXml } from '../../../src/channels/wechat-mp/callback-xml.ts';

export const OA_ID = 'gh_alliance0001';

export type MpSecrets = { token: string; appId: string; encodingAesKey?: string };

let msgSeq = 6054768590064713728n;

/** A follower's text message (a fresh 64-bit MsgId unless given). */
export function textXml(openId: string, content: string, msgId = String(msgSeq++), createTime = now()): string {
  return (
    `<xml><ToUserName>${cdata(OA_ID)}</ToUserName><FromUserName>${cdata(openId)}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content>` +
    `<MsgId>${msgId}</MsgId></xml>`
  );
}

export function eventXml(openId: string, event: string, createTime = now(), key?: string): string {
  return (
    `<xml><ToUserName>${cdata(OA_ID)}</ToUserName><FromUserName>${cdata(openId)}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata(event)}</Event>` +
    (key ? `<EventKey>${cdata(key)}</EventKey>` : '') +
    `</xml>`
  );
}

/** The query string and body of a callback POST. */
export function callback(
  xml: string,
  secrets: MpSecrets,
  options: { timestamp?: string; nonce?: string } = {},
): { query: string; body: string } {
  const timestamp = options.timestamp ?? String(now());
  const nonce = options.nonce ?? String(randomInt(1e9));
  const q = new URLSearchParams({ signature: plainSignature(secrets.token, timestamp, nonce), timestamp, nonce });
  const openId = /<FromUserName><!\[CDATA\[([^\]]*)\]\]>/.exec(xml)?.[1];
  if (openId) q.set('openid', openId);
  if (!secrets.encodingAesKey) return { query: q.toString(), body: xml };
  const encrypted = encryptMessage(secrets.encodingAesKey, xml, secrets.appId);
  q.set('encrypt_type', 'aes');
  q.set('msg_signature', messageSignature(secrets.token, timestamp, nonce, encrypted));
  return {
    query: q.toString(),
    body: `<xml><ToUserName>${cdata(OA_ID)}</ToUserName><Encrypt>${cdata(encrypted)}</Encrypt></xml>`,
  };
}

/** The fields of a passive reply, decrypted and its signature checked in 安全模式. */
export function readReply(body: string, secrets: MpSecrets): Record<string, string> {
  const outer = parseCallbackXml(body);
  if ('error' in outer) throw new Error(`reply is not XML: ${body.slice(0, 200)}`);
  if (!secrets.encodingAesKey) return outer.fields;
  const { Encrypt, MsgSignature, TimeStamp, Nonce } = outer.fields;
  if (!Encrypt || messageSignature(secrets.token, TimeStamp!, Nonce!, Encrypt) !== MsgSignature)
    throw new Error('reply signature does not match');
  const inner = parseCallbackXml(decryptMessage(secrets.encodingAesKey, Encrypt, secrets.appId));
  if ('error' in inner) throw new Error('decrypted reply is not XML');
  return inner.fields;
}

const now = () => Math.floor(Date.now() / 1000);

/** A follower's photo (WeChat keeps it as media, downloaded through media/get). */
export function imageXml(openId: string, mediaId: string, msgId = String(msgSeq++)): string {
  return (
    `<xml><ToUserName>${cdata(OA_ID)}</ToUserName><FromUserName>${cdata(openId)}</FromUserName>` +
    `<CreateTime>${now()}</CreateTime><MsgType>${cdata('image')}</MsgType>` +
    `<PicUrl>${cdata('http://mmbiz.qpic.cn/x')}</PicUrl><MediaId>${cdata(mediaId)}</MediaId><MsgId>${msgId}</MsgId></xml>`
  );
}
