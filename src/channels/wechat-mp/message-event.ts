// A verified callback's fields → an Inbound for the bot, or the reason it is not one. Messages are
// identified by MsgId; events, which have none, by who sent them, when, and which event (as WeChat
// documents for deduplicating its retries).
import type { Inbound } from '../../bot/inbound.ts';
import type { XmlFields } from './callback-xml.ts';

export const CHANNEL = 'wechat-mp';

export type Download = (mediaId: string) => Promise<Buffer>;

export type Translated = { id: string; openId: string; inbound: Inbound } | { id: string; ignored: string };

/** The dedup id of a callback: its MsgId, or FromUserName + CreateTime + Event for an event. */
export function callbackId(fields: XmlFields): string {
  if (fields.MsgId) return fields.MsgId;
  return `${fields.FromUserName}:${fields.CreateTime}:${fields.Event ?? fields.MsgType}`;
}

export function toInbound(fields: XmlFields, download: Download, receivedAt: Date): Translated {
  const id = callbackId(fields);
  const openId = fields.FromUserName!;
  const inbound: Inbound = { id, channel: CHANNEL, actor: openId, chat: { id: openId, kind: 'p2p' }, receivedAt };
  switch (fields.MsgType) {
    case 'text':
      return { id, openId, inbound: { ...inbound, text: (fields.Content ?? '').trim() } };
    case 'image': {
      const mediaId = fields.MediaId;
      if (!mediaId) return { id, ignored: 'image without MediaId' };
      return {
        id,
        openId,
        inbound: { ...inbound, file: { name: `图片-${id}.jpg`, mime: 'image/jpeg', fetch: () => download(mediaId) } },
      };
    }
    case 'voice':
      // With 语音识别 turned on WeChat sends the recognised words; without it the bot has no text.
      return { id, openId, inbound: { ...inbound, text: (fields.Recognition ?? '').trim() } };
    case 'event':
      return eventInbound(fields, id, openId, inbound);
    default:
      // Video, location, links…: the bot answers "no text received", which is the truth.
      return { id, openId, inbound: { ...inbound, text: '' } };
  }
}

function eventInbound(fields: XmlFields, id: string, openId: string, inbound: Inbound): Translated {
  switch (fields.Event) {
    case 'subscribe':
      // A new follower sees what the bot can do, as if they had asked.
      return { id, openId, inbound: { ...inbound, text: '帮助' } };
    case 'CLICK':
      // A menu item set up in the Official Account's menu: its key is what it says (e.g. 我的申请).
      return fields.EventKey
        ? { id, openId, inbound: { ...inbound, text: fields.EventKey.trim() } }
        : { id, ignored: 'menu click without EventKey' };
    default:
      return { id, ignored: `event ${String(fields.Event).slice(0, 40)} not handled` };
  }
}
