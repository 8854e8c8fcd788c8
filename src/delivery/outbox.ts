// The transactional outbox: a message is a row written in the same transaction as the state change
// that causes it, so a crash can neither lose it nor send it for a change that was rolled back.
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { Address } from '../channels/channel.ts';
import type { Outbound } from '../bot/outbound.ts';

export type Tx = Prisma.TransactionClient | PrismaClient;

export type OutboxEntry = {
  channel: string;
  address: Address;
  /** Several messages in one row are sent in order, one after the other (a reply batch, a card and its files). */
  outbound: Outbound | Outbound[];
  /** Makes a fan-out safe to repeat: the second row with the same key is not written. */
  dedupeKey?: string;
  broadcastId?: string;
};

/** A direct message to one platform user (`feishu:ou_x` → chat with ou_x). */
export function userAddress(userKey: string): { channel: string; address: Address } {
  const cut = userKey.indexOf(':');
  if (cut <= 0) throw new Error(`not a user key: ${userKey}`);
  const userId = userKey.slice(cut + 1);
  return { channel: userKey.slice(0, cut), address: { chatId: userId, userId } };
}

/** The platform idempotency key of one message of an outbox row (Feishu `uuid`, ≤ 50 chars). */
export const idempotencyKey = (rowId: string, part = 0): string => (part === 0 ? `ob-${rowId}` : `ob-${rowId}-${part}`);

/** The messages of a row, in sending order. */
export const partsOf = (payload: unknown): Outbound[] =>
  Array.isArray(payload) ? (payload as Outbound[]) : [payload as Outbound];

export async function addToOutbox(tx: Tx, entries: OutboxEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const result = await tx.outboxMessage.createMany({
    data: entries.map((e) => ({
      channel: e.channel,
      address: toJson(e.address),
      payload: toJson(e.outbound),
      dedupeKey: e.dedupeKey,
      broadcastId: e.broadcastId,
    })),
    skipDuplicates: true,
  });
  return result.count;
}

/** Messages for one user key, e.g. a status change for an applicant. */
export function toUser(userKey: string, outbound: Outbound | Outbound[], dedupeKey?: string): OutboxEntry {
  const { channel, address } = userAddress(userKey);
  return { channel, address, outbound, dedupeKey };
}

const toJson = (value: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
