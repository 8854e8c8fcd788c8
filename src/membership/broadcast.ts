// 群发通知: one notice card per active member representative, written to the outbox in the same
// transaction as the broadcast record, so a broadcast is either wholly queued or not at all.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Outbound } from '../bot/outbound.ts';
import { addToOutbox, toUser } from '../delivery/outbox.ts';
import { audit } from './audit.ts';

export type BroadcastInput = { actor: string; text: string; fileId?: string; card: Outbound; fileOutbound?: Outbound };
export type BroadcastStatus = { id: string; total: number; delivered: number; pending: number; failed: number };

export async function createBroadcast(
  prisma: PrismaClient,
  input: BroadcastInput,
): Promise<{ id: string; total: number }> {
  return prisma.$transaction(
    async (tx) => {
      const members = await tx.member.findMany({
        where: { status: 'active' },
        select: { id: true, channel: true, userId: true },
      });
      const broadcast = await tx.broadcast.create({
        data: {
          actor: input.actor,
          audience: 'members',
          text: input.text,
          fileId: input.fileId,
          total: members.length,
        },
      });
      // One row per member: the card and its file arrive together, in order.
      const messages = input.fileOutbound ? [input.card, input.fileOutbound] : input.card;
      const entries = members.map((m) => ({
        ...toUser(`${m.channel}:${m.userId}`, messages, `broadcast:${broadcast.id}:${m.id}`),
        broadcastId: broadcast.id,
      }));
      for (let i = 0; i < entries.length; i += 2_000) await addToOutbox(tx, entries.slice(i, i + 2_000));
      await audit(tx, {
        actor: input.actor,
        action: 'broadcast.create',
        entity: 'broadcast',
        entityId: broadcast.id,
        after: { text: input.text, total: members.length },
      });
      return { id: broadcast.id, total: members.length };
    },
    { timeout: 60_000 },
  );
}

export async function broadcastStatus(prisma: PrismaClient, id: string): Promise<BroadcastStatus | undefined> {
  const broadcast = await prisma.broadcast.findUnique({ where: { id } });
  if (!broadcast) return undefined;
  const groups = await prisma.outboxMessage.groupBy({ by: ['status'], where: { broadcastId: id }, _count: true });
  const count = (s: string) => groups.find((g) => g.status === s)?._count ?? 0;
  const delivered = count('delivered');
  const failed = count('failed');
  return { id, total: broadcast.total, delivered, failed, pending: broadcast.total - delivered - failed };
}
