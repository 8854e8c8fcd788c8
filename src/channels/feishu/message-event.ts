// Feishu `im.message.receive_v1` → Inbound. Group messages count only when the bot is @-mentioned;
// the mention itself is removed from the text. Files and images are fetched on demand.
import { z } from 'zod';
import type { Inbound, InboundFile } from '../../bot/inbound.ts';
import { mimeOfName } from '../mime.ts';

const MessageEvent = z.object({
  sender: z.object({
    sender_id: z.object({ open_id: z.string().min(1) }),
    sender_type: z.string(),
  }),
  message: z.object({
    message_id: z.string().min(1),
    chat_id: z.string().min(1),
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
    mentions: z
      .array(
        z.object({
          key: z.string(),
          id: z.object({ open_id: z.string().optional() }).partial(),
          name: z.string().optional(),
        }),
      )
      .optional(),
  }),
});

export type Download = (messageId: string, fileKey: string, type: 'file' | 'image') => Promise<Buffer>;

export type MessageContext = { botOpenId: () => Promise<string | undefined>; download: Download; receivedAt: Date };

export type Translated = { inbound: Inbound } | { ignored: string };

export async function messageToInbound(raw: unknown, ctx: MessageContext): Promise<Translated> {
  const parsed = MessageEvent.safeParse(raw);
  if (!parsed.success) return { ignored: `malformed message event: ${parsed.error.issues[0]?.message}` };
  const { sender, message } = parsed.data;
  if (sender.sender_type !== 'user') return { ignored: `message from ${sender.sender_type}` };

  const group = message.chat_type !== 'p2p';
  const mentions = message.mentions ?? [];
  let botId = group || mentions.length > 0 ? await ctx.botOpenId() : undefined;
  // Who the bot is could not be asked (the Open API is failing). With the group_at_msg scope Feishu
  // only sends group messages that @ the bot, so one of the mentions is it: better the first than
  // dropping the message.
  if (group && botId === undefined) botId = mentions[0]?.id.open_id;
  if (group && !mentions.some((m) => m.id.open_id !== undefined && m.id.open_id === botId)) {
    return { ignored: 'group message without a mention of the bot' };
  }

  const content = parseContent(message.content);
  const inbound: Inbound = {
    id: message.message_id,
    channel: 'feishu',
    actor: sender.sender_id.open_id,
    chat: { id: message.chat_id, kind: group ? 'group' : 'p2p' },
    receivedAt: ctx.receivedAt,
  };
  const mentionText = (key: string) => {
    const m = mentions.find((x) => x.key === key);
    return !m || m.id.open_id === botId ? '' : `@${m.name ?? ''}`;
  };

  switch (message.message_type) {
    case 'text':
      inbound.text = replaceMentions(String(content.text ?? ''), mentionText);
      break;
    case 'post':
      inbound.text = replaceMentions(postText(content), mentionText);
      break;
    case 'file': {
      const fileKey = String(content.file_key ?? '');
      const name = String(content.file_name ?? 'file');
      inbound.file = remoteFile(name, mimeOfName(name), () => ctx.download(message.message_id, fileKey, 'file'));
      break;
    }
    case 'image': {
      const imageKey = String(content.image_key ?? '');
      inbound.file = remoteFile('image.jpg', 'image/jpeg', () => ctx.download(message.message_id, imageKey, 'image'));
      break;
    }
    default:
      // Stickers, audio, shared cards…: the bot answers "no text received", which is the truth.
      inbound.text = '';
  }
  if (inbound.text !== undefined) inbound.text = inbound.text.trim();
  return { inbound };
}

function remoteFile(name: string, mime: string, fetch: () => Promise<Buffer>): InboundFile {
  return { name, mime, fetch };
}

function parseContent(content: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(content);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Mention placeholders look like `@_user_1`. */
function replaceMentions(text: string, replace: (key: string) => string): string {
  return text.replace(/@_user_\d+/g, (key) => replace(key)).replace(/[ \t]{2,}/g, ' ');
}

/** Rich text (`post`) flattened: title, then each paragraph's text and mention runs. */
function postText(content: Record<string, unknown>): string {
  // A post arrives either as {title, content} or wrapped in a locale ({zh_cn: {title, content}}).
  const body = (Array.isArray(content.content) ? content : Object.values(content)[0]) as
    { title?: string; content?: { tag?: string; text?: string; user_id?: string }[][] } | undefined;
  if (!body || !Array.isArray(body.content)) return '';
  const paragraphs = body.content.map((runs) =>
    (Array.isArray(runs) ? runs : [])
      .map((run) =>
        run.tag === 'text' || run.tag === 'a' ? (run.text ?? '') : run.tag === 'at' ? (run.user_id ?? '') : '',
      )
      .join(''),
  );
  return [body.title ?? '', ...paragraphs].filter((p) => p.trim() !== '').join('\n');
}
