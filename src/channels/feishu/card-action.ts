// Feishu `card.action.trigger` → Inbound{action}. The actor is the operator Feishu reports, never a
// value inside the card; a click by someone the card was not addressed to, or after the card
// expired, is refused here before it reaches the bot.
import { z } from 'zod';
import type { Inbound } from '../../bot/inbound.ts';
import type { ButtonPayload } from './card-render.ts';

const CardActionEvent = z.object({
  operator: z.object({ open_id: z.string().min(1) }),
  action: z.object({ value: z.unknown() }),
  context: z.object({ open_message_id: z.string().optional(), open_chat_id: z.string().optional() }).optional(),
});

const Payload = z.object({
  action: z.string().min(1),
  value: z.record(z.string(), z.string()).default({}),
  to: z.string().optional(),
  exp: z.string().optional(),
});

export type CardActionResult =
  { inbound: Inbound } | { refused: 'not_addressee' | 'expired' | 'malformed'; detail: string };

export function cardActionToInbound(eventId: string, raw: unknown, now: Date): CardActionResult {
  const event = CardActionEvent.safeParse(raw);
  if (!event.success) return { refused: 'malformed', detail: event.error.issues[0]?.message ?? 'bad event' };
  const payload = Payload.safeParse(event.data.action.value);
  if (!payload.success) return { refused: 'malformed', detail: 'button value is not ours' };
  const value: ButtonPayload = payload.data;
  const actor = event.data.operator.open_id;
  if (value.to !== undefined && value.to !== actor)
    return { refused: 'not_addressee', detail: `card for ${value.to}, clicked by ${actor}` };
  if (value.exp !== undefined && Date.parse(value.exp) <= now.getTime())
    return { refused: 'expired', detail: `expired at ${value.exp}` };

  const chatId = event.data.context?.open_chat_id ?? actor;
  const messageId = event.data.context?.open_message_id;
  return {
    inbound: {
      id: eventId,
      channel: 'feishu',
      actor,
      // Feishu does not say which kind of chat the card sits in; a card addressed to one person is
      // treated as a conversation with them.
      chat: { id: chatId, kind: value.to !== undefined ? 'p2p' : 'group' },
      action: { name: value.action, value: value.value, ...(messageId ? { cardRef: messageId } : {}) },
      receivedAt: now,
    },
  };
}
