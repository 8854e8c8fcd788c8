// Opens the database: PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite in DATA_DIR/pg.
import fs from 'node:fs';
import path from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { sqlOf, sqlOfPool, type Sql } from './sql.ts';

export type Db = {
  prisma: PrismaClient;
  kind: 'postgres' | 'pglite';
  /** The same database through plain SQL, for the per-message hot path (see sql.ts). */
  sql: Sql;
  /** How many connections it can have open at once (the pool's size; PGlite has one). */
  connections: number;
  /** Adapter factory for the schema engine; its adapters run a migration script in one call. */
  migrationAdapter: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
};

export type DbOptions = { databaseUrl: string | undefined; dataDir: string; poolSize?: number };

export async function openDatabase(options: DbOptions): Promise<Db> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize) : openPglite(options.dataDir);
}

/**
 * DateTime columns are timestamptz, so plain SQL reads and writes instants whatever the zone. The
 * session's zone is still pinned to UTC: Prisma's adapters read a timestamptz by replacing its
 * offset with +00:00, which is right only in a UTC session (a server configured for Beijing time
 * would otherwise shift every value Prisma reads by eight hours).
 */
const SESSION_TIME_ZONE = 'UTC';

function openPostgres(url: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: `-c TimeZone=${SESSION_TIME_ZONE}` });
  // Without a listener an idle client's network error would crash the process.
  pool.on('error', () => {});
  const factory = new PrismaPg(pool);
  const prisma = new PrismaClient({ adapter: factory });
  const migrationAdapter = withWholeScripts(factory, async (script) => {
    await pool.query(script);
  });
  return {
    prisma,
    kind: 'postgres',
    sql: sqlOfPool(pool),
    connections: poolSize,
    migrationAdapter,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  const folder = path.join(dataDir, 'pg');
  fs.mkdirSync(folder, { recursive: true });
  const client = await PGlite.create(folder);
  // PGlite is one session, for Prisma, plain SQL and the migrations alike.
  await client.exec(`SET TimeZone TO '${SESSION_TIME_ZONE}'`);
  const factory = new PrismaPGlite(client);
  const prisma = new PrismaClient({ adapter: factory });
  const migrationAdapter = withWholeScripts(factory, async (script) => {
    await client.exec(script);
  });
  return {
    prisma,
    kind: 'pglite',
    sql: sqlOf(client),
    connections: 1,
    migrationAdapter,
    async close() {
      await prisma.$disconnect();
      await client.close();
    },
  };
}

/**
 * Both adapters' own executeScript are unsafe for migrations (adapter-pg splits on every `;`, the
 * PGlite adapter does not await), so the adapters handed to the schema engine send the whole script
 * in one call instead.
 */
function withWholeScripts(
  factory: SqlMigrationAwareDriverAdapterFactory,
  runScript: (script: string) => Promise<void>,
): SqlMigrationAwareDriverAdapterFactory {
  const patch = async (connecting: Promise<Awaited<ReturnType<typeof factory.connect>>>) => {
    const adapter = await connecting;
    adapter.executeScript = runScript;
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => patch(factory.connect()),
    connectToShadowDb: () => patch(factory.connectToShadowDb()),
  };
}
