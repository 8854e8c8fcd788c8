// The timestamptz migration keeps the data: rows written before it (UTC wall-clock time in
// timestamp(3), as Prisma wrote them) read back as the same instants after it, through Prisma and
// plain SQL — also on a PostgreSQL database whose default time zone is Beijing's (the bot pins its
// sessions to UTC, which Prisma's adapters need to read timestamptz right). On PostgreSQL and PGlite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsDir } from '../../src/db/migrate.ts';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { BOTH_DATABASES, PG_ADMIN_URL, createTestDatabase, type TestDatabase } from '../support/db.ts';

const BEFORE = '20261125094031_review_cases';

it('every column it turns into timestamptz is read as UTC, whatever the session zone', () => {
  const folder = fs.readdirSync(migrationsDir).find((name) => name.endsWith('_timestamptz'))!;
  const sql = fs.readFileSync(path.join(migrationsDir, folder, 'migration.sql'), 'utf8');
  const alters = [...sql.matchAll(/ALTER COLUMN "(\w+)" SET DATA TYPE TIMESTAMPTZ\(3\)([^,;]*)/g)];
  expect(alters.length).toBeGreaterThan(20);
  for (const [, column, rest] of alters) expect(rest!.trim()).toBe(`USING "${column}" AT TIME ZONE 'UTC'`);
});

describe.each(BOTH_DATABASES)('timestamptz migration on $name', ({ embedded }) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-tstz-'));
  let database: TestDatabase | undefined;
  let db: Db | undefined;
  afterAll(async () => {
    await db?.close();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every timestamp written before it', async () => {
    if (!embedded) {
      database = await createTestDatabase();
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      await admin.query(`ALTER DATABASE "${database.name}" SET timezone TO 'Asia/Shanghai'`);
      await admin.end();
    }
    db = await openDatabase({ databaseUrl: database?.url, dataDir });
    const [{ zone }] = (await db.sql.query<{ zone: string }>(
      `SELECT setting AS zone FROM pg_settings WHERE name = 'TimeZone'`,
    )) as [{ zone: string }];
    expect(zone).toBe('UTC');
    if (database) {
      // Any other client of this database is in Beijing time; the bot's sessions are UTC all the same.
      const other = new pg.Client({ connectionString: database.url });
      await other.connect();
      expect((await other.query(`SHOW timezone`)).rows).toEqual([{ TimeZone: 'Asia/Shanghai' }]);
      await other.end();
    }

    await applyMigrations(db.migrationAdapter, { upTo: BEFORE });
    const [type] = await db.sql.query<{ data_type: string }>(
      `SELECT data_type FROM information_schema.columns WHERE table_name = 'Member' AND column_name = 'joinedAt'`,
    );
    expect(type!.data_type).toBe('timestamp without time zone');
    // What Prisma wrote into timestamp(3): UTC wall-clock time.
    await db.sql.query(
      `INSERT INTO "Member" (id, "orgName", channel, "userId", "joinedAt", "leftAt", "lockedUntil", "updatedAt", status)
       VALUES ('m1', '北京市数字教育中心', 'console', 'm1', '2026-01-15 01:00:00.123', '2026-12-31 16:00:00',
               '2028-12-31 16:00:00', '2026-12-31 16:00:00', 'withdrawn')`,
    );
    await db.sql.query(
      `INSERT INTO "Application" (id, status, channel, "userId", "submittedAt", "createdAt", "updatedAt")
       VALUES ('a1', 'notice', 'console', 'zhang', '2026-03-10 15:59:59.999', '2026-03-10 15:00:00', '2026-03-10 16:00:00')`,
    );
    await db.sql.query(
      `INSERT INTO "PublicNotice" (id, "applicationId", "orgName", "startsAt", "endsAt")
       VALUES ('n1', 'a1', '贵州智慧教育科技有限公司', '2026-03-10 16:00:00', '2026-03-17 16:00:00')`,
    );

    expect(await applyMigrations(db.migrationAdapter)).toContainEqual(expect.stringMatching(/_timestamptz$/));

    const [after] = await db.sql.query<{ data_type: string }>(
      `SELECT data_type FROM information_schema.columns WHERE table_name = 'Member' AND column_name = 'joinedAt'`,
    );
    expect(after!.data_type).toBe('timestamp with time zone');
    const member = await db.prisma.member.findUniqueOrThrow({ where: { id: 'm1' } });
    expect(member.joinedAt.toISOString()).toBe('2026-01-15T01:00:00.123Z');
    expect(member.leftAt!.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(member.lockedUntil!.toISOString()).toBe('2028-12-31T16:00:00.000Z');
    const app = await db.prisma.application.findUniqueOrThrow({ where: { id: 'a1' } });
    expect(app.submittedAt!.toISOString()).toBe('2026-03-10T15:59:59.999Z');
    const notice = await db.prisma.publicNotice.findUniqueOrThrow({ where: { id: 'n1' } });
    expect([notice.startsAt.toISOString(), notice.endsAt.toISOString()]).toEqual([
      '2026-03-10T16:00:00.000Z',
      '2026-03-17T16:00:00.000Z',
    ]);
    // Plain SQL reads the same instants, as Dates, with no conversion.
    const [row] = await db.sql.query<{ endsAt: Date }>(`SELECT "endsAt" FROM "PublicNotice" WHERE id = 'n1'`);
    expect(row!.endsAt).toBeInstanceOf(Date);
    expect(row!.endsAt.toISOString()).toBe('2026-03-17T16:00:00.000Z');
    // New rows: a Date in, the same Date out, through both paths.
    const at = new Date('2026-07-01T08:30:00.250Z');
    await db.sql.query(`UPDATE "PublicNotice" SET "closedAt" = $1 WHERE id = 'n1'`, [at]);
    expect((await db.prisma.publicNotice.findUniqueOrThrow({ where: { id: 'n1' } })).closedAt).toEqual(at);
  }, 240_000);
});
