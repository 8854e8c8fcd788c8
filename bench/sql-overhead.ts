// CPU per statement: the per-message statements (session load and save) through Prisma 7's runtime
// and through plain pg (src/db/sql.ts), on a throwaway PostgreSQL database.
//   npx tsx bench/sql-overhead.ts [--ops=3000]
// Needs PostgreSQL (TEST_PG_ADMIN_URL or postgresql://postgres@127.0.0.1:5432/postgres).
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../src/db/client.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { ConversationStore, SESSION_VERSION, type SessionState } from '../src/bot/conversation.ts';
import { createTestDatabase } from '../test/support/db.ts';

const OPS = Number(process.argv.find((a) => a.startsWith('--ops='))?.split('=')[1] ?? 3000);
const database = await createTestDatabase('ab_sqlbench');
const db = await openDatabase({ databaseUrl: database.url, dataDir: '.data' });
try {
  await applyMigrations(db.migrationAdapter);
  const store = new ConversationStore(db.sql);
  const state: SessionState = { v: SESSION_VERSION, slots: { stage: 'bench' }, lastSeenAt: new Date().toISOString() };
  const json = { ...state } as Record<string, string | number | object>; // Prisma's JSON input type
  const where = (i: number) => ({ channel_userId: { channel: 'bench', userId: `u${i % 500}` } });

  const measure = async (name: string, op: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 300; i++) await op(i); // warm-up
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < OPS; i++) await op(i);
    const cpu = process.cpuUsage(cpu0);
    const perOp = (us: number) => (us / 1000 / OPS).toFixed(3);
    console.log(
      `${name.padEnd(32)} cpu ${perOp(cpu.user + cpu.system)} ms/op   wall ${((performance.now() - t0) / OPS).toFixed(3)} ms/op`,
    );
  };

  console.log(`${OPS} sequential operations each (CPU of this process only)`);
  await measure('prisma conversation.upsert', (i) =>
    db.prisma.conversation.upsert({
      where: where(i),
      create: { channel: 'bench', userId: `u${i % 500}`, version: SESSION_VERSION, state: json },
      update: { version: SESSION_VERSION, state: json },
    }),
  );
  await measure('prisma conversation.findUnique', (i) => db.prisma.conversation.findUnique({ where: where(i) }));
  await measure('prisma $transaction(upsert)', (i) =>
    db.prisma.$transaction((tx) =>
      tx.conversation.upsert({
        where: where(i),
        create: { channel: 'bench', userId: `u${i % 500}`, version: SESSION_VERSION, state: json },
        update: { version: SESSION_VERSION, state: json },
      }),
    ),
  );
  await measure('pg store.save', (i) => store.save('bench', `u${i % 500}`, state));
  await measure('pg store.save + outbox', (i) =>
    store.save('bench', `u${i % 500}`, state, {
      id: randomUUID(),
      channel: 'bench',
      address: { chatId: `oc_${i}` },
      payload: [],
    }),
  );
  await measure('pg store.load', (i) => store.load('bench', `u${i % 500}`));
} finally {
  await db.close();
  await database.drop();
}
