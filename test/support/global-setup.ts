// Drops test databases left behind by interrupted runs (older than an hour).
import pg from 'pg';
import { PG_ADMIN_URL } from './db.ts';

export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'ab\\_%' ESCAPE '\\'",
    );
    const hourAgo = Date.now() - 3_600_000;
    for (const { datname } of rows) {
      const stamp = /_([0-9a-z]+)_[0-9a-f]{6}$/.exec(datname)?.[1];
      if (stamp && parseInt(stamp, 36) < hourAgo)
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
