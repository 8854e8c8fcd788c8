import { describe, expect, it } from 'vitest';
import { BotError } from '../../src/bot/errors.ts';
import { backoffMs, isTransient, RetryLater, withTimeout } from '../../src/bot/transient.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isTransient', () => {
  it.each([
    ['ECONNRESET', withCode('ECONNRESET', 'read ECONNRESET')],
    ['ECONNREFUSED', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['ETIMEDOUT', withCode('ETIMEDOUT')],
    ['EPIPE', withCode('EPIPE')],
    ['pg admin shutdown 57P01', withCode('57P01', 'terminating connection due to administrator command')],
    ['pg cannot connect now 57P03', withCode('57P03', 'the database system is starting up')],
    ['pg connection failure 08006', withCode('08006')],
    ['pg serialization failure 40001', withCode('40001', 'could not serialize access')],
    ['pg deadlock 40P01', withCode('40P01')],
    ['pg too many connections 53300', withCode('53300')],
    ['pg statement timeout 57014', withCode('57014', 'canceling statement due to statement timeout')],
    ['Prisma P1001', withCode('P1001', "Can't reach database server")],
    ['Prisma P1017', withCode('P1017', 'Server has closed the connection.')],
    ['Prisma P2024', withCode('P2024', 'Timed out fetching a new connection from the connection pool.')],
    ['Prisma P2028', withCode('P2028', 'Transaction API error')],
    ['Prisma P2034', withCode('P2034', 'Transaction failed due to a write conflict or a deadlock')],
    ['pg pool message', new Error('Connection terminated unexpectedly')],
    ['pg connect timeout', new Error('timeout exceeded when trying to connect')],
    ['ioredis closed', new Error('Connection is closed.')],
    [
      'ioredis retries',
      new Error('Reached the max retries per request limit (which is 3). Refer to "maxRetriesPerRequest"'),
    ],
    ['redis loading', new Error('LOADING Redis is loading the dataset in memory')],
    ['redis readonly replica', new Error("READONLY You can't write against a read only replica.")],
    ['platform transient', new BotError('PLATFORM_TRANSIENT', 'feishu 502')],
    ['RetryLater', new RetryLater(new Error('db away'))],
  ])('%s is transient', (_name, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it('looks through the cause chain (Prisma driver adapter errors, wrappers)', () => {
    const adapter = Object.assign(new Error('External error id#3'), {
      cause: { kind: 'postgres', code: '57P01', message: 'terminating connection' },
    });
    expect(isTransient(adapter)).toBe(true);
    expect(isTransient(new Error('wrapped', { cause: { kind: 'DatabaseNotReachable' } }))).toBe(true);
    expect(isTransient(new Error('outer', { cause: withCode('ECONNREFUSED') }))).toBe(true);
    expect(isTransient(new AggregateError([new Error('a'), withCode('ECONNREFUSED')]))).toBe(true);
    const init = Object.assign(new Error('could not connect'), { name: 'PrismaClientInitializationError' });
    expect(isTransient(init)).toBe(true);
  });

  it.each([
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['unique violation 23505', withCode('23505', 'duplicate key value violates unique constraint')],
    ['Prisma P2002', withCode('P2002', 'Unique constraint failed')],
    ['Prisma P2025', withCode('P2025', 'Record to update not found.')],
    ['syntax error 42601', withCode('42601', 'syntax error at or near')],
    ['adapter unique violation', new Error('External', { cause: { kind: 'UniqueConstraintViolation' } })],
    ['permanent platform', new BotError('PLATFORM_PERMANENT', 'bad request', { permanent: true })],
    ['a message that mentions a timeout setting', new Error('invalid timeout value')],
    ['not an error at all', 'just a string'],
    ['undefined', undefined],
  ])('%s is permanent', (_name, error) => {
    expect(isTransient(error)).toBe(false);
  });

  it('a permanent BotError stays permanent even over a transient cause', () => {
    const error = new BotError('INTERNAL', 'bug', { permanent: true, cause: withCode('ECONNRESET') });
    expect(isTransient(error)).toBe(false);
  });

  it('survives a cause cycle', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(isTransient(a)).toBe(false);
  });
});

describe('backoffMs and withTimeout', () => {
  it('grows and is capped', () => {
    for (let i = 0; i < 20; i++) {
      expect(backoffMs(0, 100, 1_000)).toBeLessThanOrEqual(100);
      expect(backoffMs(10, 100, 1_000)).toBeGreaterThanOrEqual(500);
      expect(backoffMs(10, 100, 1_000)).toBeLessThanOrEqual(1_000);
    }
  });

  it('times out as a transient failure', async () => {
    const never = new Promise(() => {});
    const error = await withTimeout(never, 20, 'ping').catch((e: unknown) => e);
    expect(isTransient(error)).toBe(true);
    expect(await withTimeout(Promise.resolve(7), 1_000, 'x')).toBe(7);
  });
});
