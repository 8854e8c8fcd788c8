// WeCom callbacks built the way WeCom builds them (its published 加解密方案): the event XML is
// encrypted with the app's EncodingAESKey and the CorpID as ReceiveId, wrapped in <xml><Encrypt>,
// and signed with sha1(sort([token, timestamp, nonce, encrypt])) in the query string.
import { randomBytes } from 'node:crypto';
import { encrypt, getSignature } from '@wecom/crypto';
import { buildXml } from '../../../src/channels/wecom/xml.ts';
import { AGENT_ID, CORP_ID } from './fake-wecom.ts';

export const WECOM_SECRETS = {
  token: 'wecomToken123',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  receiveId: CORP_ID,
};

export type SignedCallback = { query: string; body: string };

let sequence = 0;
/** A MsgId as WeCom sends them: a 64-bit number, unique per message. */
export const newMsgId = (): string =>
  `${7_000_000_000_000_000_000n + BigInt(Date.now()) * 1000n + BigInt(++sequence % 1000)}`;

export function signedCallback(
  inner: string,
  options: { timestamp?: number; nonce?: string; signature?: string; receiveId?: string; token?: string } = {},
): SignedCallback {
  const encrypted = encrypt(WECOM_SECRETS.encodingAesKey, inner, options.receiveId ?? WECOM_SECRETS.receiveId);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? String(Math.floor(Math.random() * 1e9));
  const signature =
    options.signature ?? getSignature(options.token ?? WECOM_SECRETS.token, timestamp, nonce, encrypted);
  const query = new URLSearchParams({ msg_signature: signature, timestamp, nonce }).toString();
  return { query, body: buildXml({ ToUserName: CORP_ID, Encrypt: encrypted, AgentID: AGENT_ID }) };
}

export function textMessage(from: string, text: string, msgId = newMsgId()): string {
  return buildXml({
    ToUserName: CORP_ID,
    FromUserName: from,
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'text',
    Content: text,
    MsgId: msgId,
    AgentID: Number(AGENT_ID),
  });
}

export function fileMessage(from: string, mediaId: string, type: 'file' | 'image', fileName?: string): string {
  return buildXml({
    ToUserName: CORP_ID,
    FromUserName: from,
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: type,
    ...(type === 'image' ? { PicUrl: `https://example.invalid/${mediaId}` } : {}),
    MediaId: mediaId,
    ...(fileName ? { FileName: fileName } : {}),
    MsgId: newMsgId(),
    AgentID: Number(AGENT_ID),
  });
}

export function cardClick(
  from: string,
  click: { taskId: string; eventKey: string; responseCode: string; createTime?: number },
): string {
  return buildXml({
    ToUserName: CORP_ID,
    FromUserName: from,
    CreateTime: click.createTime ?? Math.floor(Date.now() / 1000),
    MsgType: 'event',
    Event: 'template_card_event',
    EventKey: click.eventKey,
    TaskId: click.taskId,
    CardType: 'button_interaction',
    ResponseCode: click.responseCode,
    AgentID: Number(AGENT_ID),
  });
}

export const randomNonce = (): string => randomBytes(6).toString('hex');
