// Who hears about what: the secretariat (each account, plus the secretariat's group chats when a
// channel has one configured), all active member representatives, one user.
import type { Config } from '../config.ts';
import type { Outbound } from '../bot/outbound.ts';
import { toUser, type OutboxEntry, type Tx } from '../delivery/outbox.ts';
import { secretariatKeys } from './roles.ts';

/** One outbox row per secretariat account (the messages in order); `dedupe` makes the fan-out repeatable. */
export async function toSecretariat(
  tx: Tx,
  config: Config,
  messages: Outbound[],
  dedupe: string,
): Promise<OutboxEntry[]> {
  const keys = await secretariatKeys(tx);
  const entries = keys.map((key) => toUser(key, messages, `${dedupe}:${key}`));
  for (const [i, chat] of config.secretariatChats.entries()) {
    entries.push({
      channel: chat.channel,
      address: { chatId: chat.chatId },
      outbound: messages,
      // The first group keeps the key it always had, so fan-outs made before stay repeatable.
      dedupeKey: i === 0 ? `${dedupe}:group` : `${dedupe}:group:${chat.channel}:${chat.chatId}`,
    });
  }
  return entries;
}

export async function toMembers(tx: Tx, message: Outbound, dedupe: string): Promise<OutboxEntry[]> {
  const members = await tx.member.findMany({
    where: { status: 'active' },
    select: { id: true, channel: true, userId: true },
  });
  return members.map((m) => toUser(`${m.channel}:${m.userId}`, message, `${dedupe}:${m.id}`));
}
