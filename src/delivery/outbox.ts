// The transactional outbox: a message is a row written in the same transaction as the state change
// that causes it, so a crash can neither lose it nor send it for a change that was rolled back.
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { Address } from '../channels/channel.ts';
import type { Card, Outbound } from '../bot/outbound.ts';

export type Tx = Prisma.TransactionClient | PrismaClient;

/**
 * A new content for a card sent earlier, named by its platform reference (the card a user just
 * clicked) or by the outbox row that sent it (the worker looks its reference up when it runs, and
 * waits while that row is not sent yet). `address` is where the card was sent, when not the row's.
 */
export type CardUpdate = { kind: 'update'; card: Card; ref?: string; outbox?: string; address?: Address };

/** One message of an outbox row: something to send, or a change to a card already sent. */
export type OutboxPart = Outbound | CardUpdate;

export type OutboxEntry = {
  channel: string;
  address: Address;
  /** Several messages in one row are sent in order, one after the other (a reply batch, a card and its files). */
  outbound: OutboxPart | OutboxPart[];
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
export const partsOf = (payload: unknown): OutboxPart[] =>
  Array.isArray(payload) ? (payload as OutboxPart[]) : [payload as OutboxPart];

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

/**
 * Changes a card sent earlier through the outbox, in the caller's transaction: one `update` row to
 * the same chat, delivered like any message (a channel that cannot edit sends the new content as a
 * new message). `dedupeKey` makes the change safe to repeat. False when there is no such card.
 */
export async function updateCard(tx: Tx, outboxId: string, card: Card, dedupeKey?: string): Promise<boolean> {
  const target = await tx.outboxMessage.findUnique({
    where: { id: outboxId },
    select: { channel: true, address: true, payload: true },
  });
  if (!target || !partsOf(target.payload).some((p) => p.kind === 'card')) return false;
  const update: CardUpdate = { kind: 'update', card, outbox: outboxId };
  await addToOutbox(tx, [{ channel: target.channel, address: target.address as Address, outbound: update, dedupeKey }]);
  return true;
}

/**
 * Changes every card sent by the fan-outs whose dedupe keys start with one of `prefixes` (e.g. a
 * review card to each secretariat account and to their group), except the card whose platform
 * reference is `except` (the one the clicker sees replaced already). One row per card; `dedupe`
 * names this change, so writing it twice writes nothing.
 */
export async function updateSentCards(
  tx: Tx,
  prefixes: string[],
  card: Card,
  options: { dedupe: string; except?: string },
): Promise<number> {
  const rows = await tx.outboxMessage.findMany({
    where: { OR: prefixes.map((prefix) => ({ dedupeKey: { startsWith: prefix } })) },
    select: { id: true, channel: true, address: true, payload: true, platformRef: true },
  });
  const entries: OutboxEntry[] = rows
    .filter((row) => partsOf(row.payload).some((p) => p.kind === 'card'))
    .filter((row) => !options.except || row.platformRef !== options.except)
    .map((row) => ({
      channel: row.channel,
      address: row.address as Address,
      outbound: { kind: 'update', card, outbox: row.id } satisfies CardUpdate,
      dedupeKey: `${options.dedupe}:${row.id}`,
    }));
  return addToOutbox(tx, entries);
}

const toJson = (value: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
