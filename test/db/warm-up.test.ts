// serve's warm-up before it opens its port: the pool's connections are open, the retrieval code has
// run, and nothing was written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { warmUp } from '../../src/warm-up.ts';
import { createLogger } from '../../src/log.ts';
import { createHarness, type Harness } from '../support/app.ts';

describe('warm-up', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness();
  }, 60_000);
  afterAll(async () => harness?.close());

  it('opens the database connections ahead and writes nothing', async () => {
    const logged: Record<string, unknown>[] = [];
    const log = createLogger('info');
    const spy = { ...log, info: (fields: Record<string, unknown>) => logged.push(fields) } as unknown as typeof log;
    await warmUp(harness.app, spy);
    const observer = new pg.Client({ connectionString: harness.database.url });
    await observer.connect();
    try {
      const { rows } = await observer.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      expect(rows[0]!.n).toBeGreaterThanOrEqual(10);
    } finally {
      await observer.end();
    }
    expect(await harness.app.services.db.prisma.conversation.count()).toBe(0);
    expect(logged[0]).toMatchObject({ questions: expect.any(Number) });
    expect(logged[0]!.questions as number).toBeGreaterThan(20);
  });
});
