// Delivery without Redis (a local trial): outbox rows of the channels this process holds are sent
// from here in the order they were written — rows left from before a restart too — a change to a
// card reaches the card its row names, and a failing send is retried up to DELIVERY_ATTEMPTS, then
// recorded as failed. Rows of other channels are left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createApp, type App } from '../../src/app.ts';
import { createLogger } from '../../src/log.ts';
import { addToOutbox, updateCard } from '../../src/delivery/outbox.ts';
import type { Address, Channel } from '../../src/channels/channel.ts';
import type { Outbound } from '../../src/bot/outbound.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await createApp(loadConfig({ DATABASE_URL: database.url, DELIVERY_ATTEMPTS: '3' }), {
    log: createLogger('silent'),
  });
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
});

type Sent = { op: 'send' | 'update'; to: string; what: string; ref?: string };

function recordingChannel(name: string, failFor?: string): Channel & { sent: Sent[] } {
  const sent: Sent[] = [];
  let n = 0;
  const what = (o: Outbound) => (o.kind === 'text' ? o.text : o.kind === 'card' ? o.card.title : o.name);
  return {
    name,
    sent,
    async start() {},
    async stop() {},
    async send(address: Address, outbound: Outbound) {
      if (address.chatId === failFor) throw new Error('platform down');
      n += 1;
      sent.push({ op: 'send', to: address.chatId, what: what(outbound), ref: `r${n}` });
      return `r${n}`;
    },
    async update(ref: string, outbound: Outbound, address: Address) {
      sent.push({ op: 'update', to: address.chatId, what: what(outbound), ref });
      return ref;
    },
  };
}

describe('in-process delivery without Redis', () => {
  it('sends the rows written before it started, in order, with card changes, and gives up after the attempts', async () => {
    const prisma = app.services.db.prisma;
    const card = { kind: 'card' as const, card: { title: '待审查', buttons: [] } };
    await addToOutbox(prisma, [
      { channel: 'trial', address: { chatId: 'a', userId: 'a' }, outbound: { kind: 'text', text: '第一条' } },
    ]);
    await addToOutbox(prisma, [{ channel: 'trial', address: { chatId: 'b', userId: 'b' }, outbound: card }]);
    const cardRow = await prisma.outboxMessage.findFirstOrThrow({
      where: { address: { equals: { chatId: 'b', userId: 'b' } } },
    });
    await updateCard(prisma, cardRow.id, { title: '已处理' });
    await addToOutbox(prisma, [
      { channel: 'trial', address: { chatId: 'down', userId: 'down' }, outbound: { kind: 'text', text: '发不出去' } },
      { channel: 'elsewhere', address: { chatId: 'c', userId: 'c' }, outbound: { kind: 'text', text: '别的渠道' } },
    ]);
    const channel = recordingChannel('trial', 'down');
    const delivery = app.services.delivery!;
    expect(delivery.enabled).toBe(false);
    await delivery.startWorkers({ channels: [channel], pollMs: 100 });
    expect(delivery.repliesViaOutbox('trial')).toBe(true);

    const status = async (chatId: string) =>
      (await prisma.outboxMessage.findMany({ where: { address: { path: ['chatId'], equals: chatId } } })).map(
        (r) => r.status,
      );
    await expect.poll(() => status('down'), { timeout: 10_000 }).toEqual(['failed']);
    expect(channel.sent).toEqual([
      { op: 'send', to: 'a', what: '第一条', ref: 'r1' },
      { op: 'send', to: 'b', what: '待审查', ref: 'r2' },
      { op: 'update', to: 'b', what: '已处理', ref: 'r2' },
    ]);
    expect(await status('a')).toEqual(['delivered']);
    expect(await status('b')).toEqual(['delivered', 'delivered']);
    expect(await status('c')).toEqual(['pending']);
    const failed = await prisma.outboxMessage.findFirstOrThrow({ where: { status: 'failed' } });
    expect(failed).toMatchObject({ attempts: 3, lastError: 'platform down' });
    expect((await prisma.outboxMessage.findUniqueOrThrow({ where: { id: cardRow.id } })).platformRef).toBe('r2');
  });
});
