// Replies leave through the outbox and the deliver workers; a test step is over when they are out.
import type { App } from '../../../src/app.ts';

/** Waits until every outbox row has been delivered or has failed for good. */
export async function outboxSettled(app: App): Promise<void> {
  const { prisma } = app.services.db;
  for (;;) {
    const open = await prisma.outboxMessage.count({ where: { status: { in: ['pending', 'queued'] } } });
    if (open === 0) return;
    await app.services.delivery?.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
