// Each test file gets its own fresh PostgreSQL database on the real server, dropped afterwards.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { applyMigrations } from '../../src/db/migrate.ts';

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

export async function createTestDatabase(prefix = 'ab_test'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The two databases the bot runs on, for `describe.each`. */
export const BOTH_DATABASES = [
  { name: 'PostgreSQL', embedded: false },
  { name: 'PGlite', embedded: true },
];

export type OpenedDatabase = { db: Db; close(): Promise<void> };

/**
 * A fresh, migrated database of either kind, opened with the process in Asia/Shanghai: what the
 * plain-SQL statements write and read must not depend on the process's time zone (the columns are
 * timestamptz). `close` restores the time zone and removes the database.
 */
export async function openMigratedTestDatabase(embedded: boolean): Promise<OpenedDatabase> {
  const zone = process.env.TZ;
  process.env.TZ = 'Asia/Shanghai';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-db-'));
  const database = embedded ? undefined : await createTestDatabase();
  const db = await openDatabase({ databaseUrl: database?.url, dataDir });
  await applyMigrations(db.migrationAdapter);
  return {
    db,
    async close() {
      // Assigning undefined would store the string "undefined".
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
      await db.close();
      await database?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
