// `chat` without REDIS_URL: use 127.0.0.1:6379 if it answers, else start a redis-server for the
// session, else go on without Redis (and say so — see the chat CLI test).
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { pingRedis, resolveRedis } from '../../src/delivery/redis.ts';

const log = createLogger('silent');

describe('resolveRedis', () => {
  it('uses REDIS_URL as given', async () => {
    const handle = await resolveRedis('redis://example.invalid:1', log);
    expect(handle).toMatchObject({ url: 'redis://example.invalid:1', started: false });
  });

  it('uses the default address when something answers there', async () => {
    const handle = await resolveRedis(undefined, log, { defaultUrl: 'redis://127.0.0.1:6379' });
    expect(handle).toMatchObject({ url: 'redis://127.0.0.1:6379', started: false });
  });

  it('starts a redis-server for the session when nothing answers, and stops it afterwards', async () => {
    const handle = await resolveRedis(undefined, log, { defaultUrl: 'redis://127.0.0.1:1' });
    expect(handle?.started).toBe(true);
    expect(await pingRedis(handle!.url)).toBe(true);
    await handle!.stop();
    expect(await pingRedis(handle!.url)).toBe(false);
  });

  it('gives up cleanly when there is no redis-server to start', async () => {
    expect(
      await resolveRedis(undefined, log, { defaultUrl: 'redis://127.0.0.1:1', binary: 'no-such-redis-server' }),
    ).toBeUndefined();
  });
});
