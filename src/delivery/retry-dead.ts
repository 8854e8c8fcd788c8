// Retrying a dead delivery (an outbox row `failed` after its attempts or a permanent refusal): the
// row goes back to `pending` with its attempts reset, its old BullMQ job is removed (the relay adds
// the job under the row id again, and BullMQ ignores an add whose id still exists), and the retry is
// audited. A row that is not failed is left alone.
import type { Delivery } from './delivery.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { audit } from '../membership/audit.ts';

export async function retryDeadDelivery(
  prisma: PrismaClient,
  delivery: Delivery | undefined,
  actor: string,
  id: string,
): Promise<'retried' | 'not_failed' | 'not_found'> {
  const row = await prisma.outboxMessage.findUnique({ where: { id }, select: { channel: true, status: true } });
  if (!row) return 'not_found';
  if (row.status !== 'failed') return 'not_failed';
  if (delivery?.enabled) await (await delivery.queueFor(row.channel).getJob(id))?.remove();
  const changed = await prisma.$transaction(async (tx) => {
    const updated = await tx.outboxMessage.updateMany({
      where: { id, status: 'failed' },
      data: { status: 'pending', attempts: 0, failedAt: null },
    });
    if (updated.count === 1)
      await audit(tx, {
        actor,
        action: 'delivery.retry',
        entity: 'outbox',
        entityId: id,
        before: { status: 'failed' },
      });
    return updated.count === 1;
  });
  delivery?.wake();
  return changed ? 'retried' : 'not_failed';
}
