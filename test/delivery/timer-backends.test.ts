// Both timer backends through the one interface: a timer is known by its key (scheduling it again
// is a no-op), a due time that passed while no process ran fires once when one starts, the
// reconcile step re-creates a timer from the "rows", and — on Redis — two processes fire a timer
// once between them. The in-process backend also clamps long waits and retries a failed handler.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { createLogger } from '../../src/log.ts';
import { redisConnection } from '../../src/delivery/redis.ts';
import { QueueTimers } from '../../src/delivery/timers.worker.ts';
import { InProcessTimers, type InProcessTimersOptions } from '../../src/delivery/timers.in-process.ts';
import type { Timer, Timers } from '../../src/delivery/timers.ts';
import { TIMERS_QUEUE } from '../../src/delivery/queues.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const log = createLogger('silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

type Backend = { name: string; open(prefix: string, options?: InProcessTimersOptions): Timers };
const opened: Timers[] = [];
const prefixes: string[] = [];

const bullmq: Backend = {
  name: 'BullMQ',
  open(prefix) {
    const connections = [redisConnection(REDIS_URL)];
    const timers = new QueueTimers(connections[0]!, prefix, log, () => {
      const c = redisConnection(REDIS_URL);
      connections.push(c);
      return c;
    });
    const close = timers.close.bind(timers);
    timers.close = async () => {
      await close();
      for (const c of connections) c.disconnect();
    };
    opened.push(timers);
    return timers;
  },
};

const inProcess: Backend = {
  name: 'in process',
  open(_prefix, options) {
    const timers = new InProcessTimers(log, options);
    opened.push(timers);
    return timers;
  },
};

afterEach(async () => {
  for (const t of opened.splice(0)) await t.close();
  for (const prefix of prefixes.splice(0)) {
    const queue = new Queue(TIMERS_QUEUE, { connection: redisConnection(REDIS_URL), prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    await queue.disconnect();
  }
});

const newPrefix = () => {
  const prefix = `t-tm-${randomBytes(4).toString('hex')}`;
  prefixes.push(prefix);
  return prefix;
};

const timer = (id: string, inMs: number): Timer => ({
  name: 'notice.end',
  id,
  at: new Date(Date.now() + inMs),
  data: { notice: id },
});

describe.each([bullmq, inProcess])('timers on $name', (backend) => {
  it('fires a timer once at its time, however often it is scheduled', async () => {
    const timers = backend.open(newPrefix());
    const fired: { id: string; at: number }[] = [];
    timers.on('notice.end', async (data) => void fired.push({ id: data.notice!, at: Date.now() }));
    await timers.start();
    const t = timer('n1', 400);
    await timers.at(t);
    await timers.at(t);
    await sleep(200);
    expect(fired).toEqual([]);
    await waitFor(() => fired.length > 0, 'the timer');
    expect(fired[0]!.at).toBeGreaterThanOrEqual(t.at.getTime() - 5);
    await sleep(300);
    await timers.at(t);
    await sleep(300);
    expect(fired.map((f) => f.id)).toEqual(['n1']);
  });

  it('a due time that passed while no process ran fires once after restart, via the reconcile from the rows', async () => {
    const prefix = newPrefix();
    // The "rows": one open notice whose end is soon. The first process schedules it and stops.
    const rows = [timer('n2', 300)];
    const first = backend.open(prefix);
    first.onReconcile(async (t) => {
      for (const row of rows) await t.at(row);
    });
    await first.at(rows[0]!);
    await first.close();
    await sleep(600);

    const fired: string[] = [];
    const second = backend.open(prefix);
    second.on('notice.end', async (data) => void fired.push(data.notice!));
    second.onReconcile(async (t) => {
      for (const row of rows) await t.at(row);
    });
    await second.start();
    await waitFor(() => fired.length > 0, 'the overdue timer');
    await second.reconcile();
    await sleep(500);
    expect(fired).toEqual(['n2']);
  });

  it('a timer never scheduled (a crash after commit) is created by the reconcile', async () => {
    const timers = backend.open(newPrefix());
    const fired: string[] = [];
    timers.on('notice.end', async (data) => void fired.push(data.notice!));
    timers.onReconcile(async (t) => t.at(timer('n3', 100)));
    await timers.start();
    await waitFor(() => fired.length > 0, 'the reconciled timer');
    expect(fired).toEqual(['n3']);
  });
});

describe('timers on BullMQ, two processes', () => {
  it('fire a timer both scheduled once between them', async () => {
    const prefix = newPrefix();
    const fired: string[] = [];
    const a = bullmq.open(prefix);
    const b = bullmq.open(prefix);
    for (const [name, t] of [
      ['a', a],
      ['b', b],
    ] as const) {
      t.on('notice.end', async (data) => void fired.push(`${name}:${data.notice}`));
      t.onReconcile(async (x) => x.at(timer('shared', 300)));
    }
    await Promise.all([a.start(), b.start()]);
    await a.at(timer('shared', 300));
    await b.at(timer('shared', 300));
    await waitFor(() => fired.length > 0, 'the shared timer');
    await Promise.all([a.reconcile(), b.reconcile()]);
    await sleep(1_000);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatch(/^[ab]:shared$/);
  });
});

describe('timers in process', () => {
  it('clamps a long wait and still fires on time, not before', async () => {
    const timers = inProcess.open('', { maxDelayMs: 50 });
    const fired: number[] = [];
    timers.on('notice.end', async () => void fired.push(Date.now()));
    await timers.start();
    const t = timer('clamped', 400);
    await timers.at(t);
    await waitFor(() => fired.length > 0, 'the clamped timer');
    expect(fired[0]!).toBeGreaterThanOrEqual(t.at.getTime() - 5);
  });

  it('retries a failed handler with backoff until it succeeds', async () => {
    const timers = inProcess.open('', { retryMs: 30 });
    let calls = 0;
    timers.on('notice.end', async () => {
      calls += 1;
      if (calls < 3) throw new Error('database away');
    });
    await timers.start();
    await timers.at(timer('flaky', 0));
    await waitFor(() => calls >= 3, 'the retries');
    await sleep(200);
    expect(calls).toBe(3);
  });

  it('reads a recurring pattern in Beijing time', async () => {
    const timers = inProcess.open('', { now: () => Date.parse('2026-06-01T00:00:00Z') });
    await timers.every('congress.reminder', '0 9 15 1 *');
    await timers.at(timer('n4', 0));
    expect((timers as InProcessTimers).list().map((t) => [t.name, t.at.toISOString()])).toEqual([
      ['notice.end', expect.any(String)],
      ['congress.reminder', '2027-01-15T01:00:00.000Z'],
    ]);
  });

  it('runs a recurring timer', async () => {
    const timers = inProcess.open('');
    const fired: string[] = [];
    timers.on('tick', async (data) => void fired.push(data.what!));
    await timers.start();
    // Every second (cron-parser's six-field form).
    await timers.every('tick', '* * * * * *', { what: 'tick' });
    await waitFor(() => fired.length >= 2, 'two ticks', 5_000);
    expect(fired.slice(0, 2)).toEqual(['tick', 'tick']);
  });

  it('does not fire before start, nor after close', async () => {
    const timers = inProcess.open('');
    const fired: string[] = [];
    timers.on('notice.end', async (data) => void fired.push(data.notice!));
    await timers.at(timer('early', 0));
    await sleep(100);
    expect(fired).toEqual([]);
    await timers.start();
    await waitFor(() => fired.length > 0, 'the timer after start');
    await timers.close();
    await timers.at(timer('late', 0));
    await sleep(100);
    expect(fired).toEqual(['early']);
  });
});
