// The per-message statements written in plain SQL (db/sql.ts) against both databases the bot runs on:
// what they write must read back through Prisma exactly as if Prisma had written it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Db } from '../../src/db/client.ts';
import { sqlOfPool } from '../../src/db/sql.ts';
import { ConversationStore, emptySession } from '../../src/bot/conversation.ts';
import { BOTH_DATABASES, createTestDatabase, openMigratedTestDatabase, type OpenedDatabase } from '../support/db.ts';

describe.each(BOTH_DATABASES)('session and outbox statements on $name', ({ embedded }) => {
  let opened: OpenedDatabase;
  let db: Db;
  let store: ConversationStore;

  beforeAll(async () => {
    opened = await openMigratedTestDatabase(embedded);
    db = opened.db;
    store = new ConversationStore(db.sql);
  }, 60_000);

  afterAll(async () => opened?.close());

  it('saves and loads a session, then overwrites it', async () => {
    expect(await store.load('feishu', 'ou_new')).toEqual(emptySession());
    const state = { ...emptySession(), slots: { qa: { last: '第十九条' } }, lastSeenAt: '2026-11-25T08:00:00.000Z' };
    await store.save('feishu', 'ou_a', state);
    expect(await store.load('feishu', 'ou_a')).toEqual(state);
    await store.save('feishu', 'ou_a', { ...state, slots: {} });
    expect((await store.load('feishu', 'ou_a')).slots).toEqual({});
    expect(await db.prisma.conversation.count({ where: { userId: 'ou_a' } })).toBe(1);
  });

  it('writes UTC timestamps that Prisma reads back as now', async () => {
    const before = Date.now();
    await store.save('feishu', 'ou_time', emptySession(), {
      id: randomUUID(),
      channel: 'feishu',
      address: { chatId: 'oc_1', userId: 'ou_time' },
      payload: [{ kind: 'text', text: '你好' }],
    });
    const row = await db.prisma.conversation.findUniqueOrThrow({
      where: { channel_userId: { channel: 'feishu', userId: 'ou_time' } },
    });
    const outbox = await db.prisma.outboxMessage.findFirstOrThrow({
      where: { address: { equals: { chatId: 'oc_1', userId: 'ou_time' } } },
    });
    for (const at of [row.createdAt, row.updatedAt, outbox.createdAt, outbox.queuedAt!]) {
      expect(Math.abs(at.getTime() - before)).toBeLessThan(5_000);
    }
    expect(outbox).toMatchObject({ channel: 'feishu', status: 'queued', attempts: 0 });
    expect(outbox.payload).toEqual([{ kind: 'text', text: '你好' }]);
  });

  it('saves the session and its replies together or not at all', async () => {
    const state = { ...emptySession(), slots: { marker: 1 } };
    const broken = { id: randomUUID(), channel: null as unknown as string, address: { chatId: 'oc_x' }, payload: [] };
    await expect(store.save('feishu', 'ou_atomic', state, broken)).rejects.toThrow();
    expect(await store.load('feishu', 'ou_atomic')).toEqual(emptySession());
  });

  it('keeps text that JSON must escape', async () => {
    const text = '引号"、反斜杠\\、换行\n、emoji 🎉 与 $1 ::jsonb';
    await store.save('feishu', 'ou_text', { ...emptySession(), slots: { text } });
    expect((await store.load('feishu', 'ou_text')).slots).toEqual({ text });
  });
});

describe('prepared statements on PostgreSQL', () => {
  it('prepares each text once per connection and runs the texts past the limit unnamed', async () => {
    const database = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      const sql = sqlOfPool(pool, 2);
      for (let i = 0; i < 4; i++) {
        expect(await sql.query<{ n: number }>('SELECT $1::int + 1 AS n', [i])).toEqual([{ n: i + 1 }]);
        expect(await sql.query<{ s: string }>("SELECT $1::text || '号' AS s", [`第${i}`])).toEqual([{ s: `第${i}号` }]);
        expect(await sql.query<{ n: number }>('SELECT $1::int * 2 AS n', [i])).toEqual([{ n: i * 2 }]);
      }
      const prepared = await pool.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name');
      // One connection: the first two texts were prepared once each, the third ran unnamed.
      expect(prepared.rows.map((r) => r.name)).toEqual(['ab_0', 'ab_1']);
      await expect(sql.query('SELECT $1::int AS n', ['不是数字'])).rejects.toThrow();
      expect(await sql.query<{ n: number }>('SELECT $1::int + 1 AS n', [9])).toEqual([{ n: 10 }]);
    } finally {
      await pool.end();
      await database.drop();
    }
  });
});
