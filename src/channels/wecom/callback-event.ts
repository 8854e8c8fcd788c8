// A decrypted WeCom callback (XML) → what the bot hears: a member's message or a card click as an
// Inbound, or a reason to ignore it. The id that makes redeliveries recognisable is the MsgId for
// messages; events have none, so theirs is built from who, when and what (plus, for a card click,
// which card and button, and the click's fresh single-use ResponseCode, so two clicks on the same
// button in one second — a double click — stay two, while WeCom's redelivery of one click, which
// carries the same code, is recognised).
import type { Inbound } from '../../bot/inbound.ts';
import { mimeOfName } from '../mime.ts';
import { parseButtonKey } from './card-render.ts';
import { textOf, type XmlFields } from './xml.ts';

export type Download = (mediaId: string) => Promise<{ name: string; mime: string; data: Buffer }>;

export type Translated =
  | { inbound: Inbound; responseCode?: string; taskId?: string }
  | { ignored: string }
  | { refused: 'not_addressee' | 'expired' | 'malformed'; detail: string; actor: string };

/** The dedup id of a callback, or undefined when it lacks what one is built from. */
export function eventIdOf(fields: XmlFields): string | undefined {
  const msgId = textOf(fields, 'MsgId');
  if (msgId) return `msg:${msgId}`;
  const from = textOf(fields, 'FromUserName');
  const at = textOf(fields, 'CreateTime');
  const event = textOf(fields, 'Event');
  if (!from || !at || !event) return undefined;
  const parts = [from, at, event];
  if (event === 'template_card_event') {
    parts.push(textOf(fields, 'TaskId') ?? '', textOf(fields, 'EventKey') ?? '');
    const code = textOf(fields, 'ResponseCode');
    if (code) parts.push(code);
  }
  return `event:${parts.join(':')}`;
}

export function callbackToInbound(
  id: string,
  fields: XmlFields,
  context: { download: Download; receivedAt: Date; agentId: number },
): Translated {
  const actor = textOf(fields, 'FromUserName');
  if (!actor) return { ignored: 'no FromUserName' };
  const agent = textOf(fields, 'AgentID');
  if (agent !== undefined && agent !== String(context.agentId)) return { ignored: `for agent ${agent}` };
  const base: Inbound = {
    id,
    channel: 'wecom',
    actor,
    // A self-built app talks with each member alone.
    chat: { id: actor, kind: 'p2p' },
    receivedAt: context.receivedAt,
  };
  const type = textOf(fields, 'MsgType');
  switch (type) {
    case 'text':
      return { inbound: { ...base, text: (textOf(fields, 'Content') ?? '').trim() } };
    case 'image':
    case 'file': {
      const mediaId = textOf(fields, 'MediaId');
      if (!mediaId) return { ignored: `${type} without MediaId` };
      const given = textOf(fields, 'FileName');
      return {
        inbound: {
          ...base,
          file: {
            name: given ?? (type === 'image' ? 'image.jpg' : 'file'),
            mime: given ? mimeOfName(given) : type === 'image' ? 'image/jpeg' : 'application/octet-stream',
            fetch: async () => (await context.download(mediaId)).data,
          },
        },
      };
    }
    case 'event':
      return eventToInbound(base, fields, context.receivedAt);
    case undefined:
      return { ignored: 'no MsgType' };
    default:
      // Voice, video, location, links: the bot answers what it can (it asks for text).
      return { inbound: { ...base, text: '' } };
  }
}

function eventToInbound(base: Inbound, fields: XmlFields, now: Date): Translated {
  const event = textOf(fields, 'Event');
  if (event !== 'template_card_event') return { ignored: `event ${event ?? '(none)'}` };
  const key = parseButtonKey(textOf(fields, 'EventKey'));
  const taskId = textOf(fields, 'TaskId');
  if (!key || !taskId) return { refused: 'malformed', detail: 'button key is not ours', actor: base.actor };
  if (key.to !== undefined && key.to !== base.actor)
    return { refused: 'not_addressee', detail: `card for ${key.to}, clicked by ${base.actor}`, actor: base.actor };
  if (key.exp !== undefined && Date.parse(key.exp) <= now.getTime())
    return { refused: 'expired', detail: `expired at ${key.exp}`, actor: base.actor };
  const responseCode = textOf(fields, 'ResponseCode');
  return {
    inbound: { ...base, action: { name: key.a, value: key.v, cardRef: taskId } },
    taskId,
    ...(responseCode ? { responseCode } : {}),
  };
}
