// Plain parameterised SQL for the few statements every message runs (session load and save, the
// reply's outbox row, its delivery). Through Prisma 7's runtime each of these costs 0.5–1.7 ms of CPU
// on this machine, through pg 0.07–0.17 ms (bench/sql-overhead.ts) — at 200 events/s that is the
// difference between one core and a fifth of one. Everything else stays on Prisma; the schema and
// migrations are Prisma's alone. DateTime columns are timestamptz(3): Dates go in and come out as
// they are, whatever the process's or the session's time zone.
export type Sql = {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
};

type QueryClient = { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> };
type PgPool = { query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }> };

/** Wraps a PGlite instance. */
export const sqlOf = (client: QueryClient): Sql => ({
  async query<Row>(text: string, params: unknown[] = []) {
    return (await client.query(text, params)).rows as Row[];
  },
});

/**
 * Wraps a pg Pool. Each distinct statement text is prepared once per connection (a named statement),
 * so PostgreSQL parses and plans it once instead of on every message (about a third of the server's
 * CPU for these statements). The texts are constants; past `maxNames` of them the rest run unnamed.
 */
export function sqlOfPool(pool: PgPool, maxNames = 200): Sql {
  const names = new Map<string, string>();
  return {
    async query<Row>(text: string, params: unknown[] = []) {
      let name = names.get(text);
      if (name === undefined && names.size < maxNames) names.set(text, (name = `ab_${names.size}`));
      return (await pool.query({ name, text, values: params })).rows as Row[];
    },
  };
}
