// Feishu webhook requests built the way Feishu builds them (published algorithm): the JSON event is
// AES-256-CBC encrypted with sha256(encryptKey) and a random IV prepended, base64 encoded; the
// signature is sha256_hex(timestamp + nonce + encryptKey + rawBody).
import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';

export type Secrets = { verificationToken: string; encryptKey: string };

export function encrypt(payload: unknown, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]).toString('base64');
}

export function signedRequest(
  payload: unknown,
  encryptKey: string,
  options: { timestamp?: number; nonce?: string; signature?: string } = {},
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ encrypt: encrypt(payload, encryptKey) });
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(8).toString('hex');
  const signature =
    options.signature ??
    createHash('sha256')
      .update(timestamp + nonce + encryptKey + body)
      .digest('hex');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signature,
    },
  };
}

export type Mention = { key: string; openId: string; name: string };

/** The v2 event header Feishu puts on every event. */
function eventHeader(eventType: string, token: string, eventId: string = randomUUID()) {
  return {
    event_id: eventId,
    event_type: eventType,
    create_time: String(Date.now()),
    token,
    app_id: 'cli_test',
    tenant_key: 'tenant',
  };
}

export function messageEvent(
  token: string,
  m: {
    openId: string;
    chatId: string;
    chatType?: 'p2p' | 'group';
    text?: string;
    mentions?: Mention[];
    eventId?: string;
    messageId?: string;
    type?: string;
    content?: unknown;
  },
) {
  return {
    schema: '2.0',
    header: eventHeader('im.message.receive_v1', token, m.eventId),
    event: {
      sender: {
        sender_id: { open_id: m.openId, union_id: `on_${m.openId}`, user_id: m.openId },
        sender_type: 'user',
        tenant_key: 'tenant',
      },
      message: {
        message_id: m.messageId ?? `om_in_${randomBytes(6).toString('hex')}`,
        create_time: String(Date.now()),
        chat_id: m.chatId,
        chat_type: m.chatType ?? 'p2p',
        message_type: m.type ?? 'text',
        content: JSON.stringify(m.content ?? { text: m.text ?? '' }),
        mentions: (m.mentions ?? []).map((x) => ({
          key: x.key,
          id: { open_id: x.openId, union_id: 'on_x', user_id: 'u_x' },
          name: x.name,
          tenant_key: 'tenant',
        })),
      },
    },
  };
}

export function cardActionEvent(
  token: string,
  c: { operatorId: string; value: unknown; messageId: string; chatId: string; eventId?: string },
) {
  return {
    schema: '2.0',
    header: eventHeader('card.action.trigger', token, c.eventId),
    event: {
      operator: { tenant_key: 'tenant', open_id: c.operatorId, union_id: 'on_x', user_id: 'u_x' },
      token: 'c-token',
      action: { tag: 'button', value: c.value },
      host: 'im_message',
      context: { open_message_id: c.messageId, open_chat_id: c.chatId },
    },
  };
}
