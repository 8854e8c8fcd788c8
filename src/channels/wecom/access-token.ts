// The app's access_token, shared by every process through Redis: one `gettoken` per expiry across
// all of them (the first to miss takes a short lock and fetches; the others wait for its result),
// and a token WeCom refuses (40014, 42001) is dropped only if it is still the cached one, so a
// refusal seen by many callers at once still leads to a single fetch.
import type { Redis } from 'ioredis';

/** WeCom gives tokens for 7,200 s; this much before the end they are fetched anew. */
const EARLY_MS = 5 * 60_000;
const LOCK_MS = 10_000;
const POLL_MS = 50;

// KEYS: token. ARGV: the refused token. Deletes it only if it is still the cached one.
const DROP_IF_SAME = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export type FetchToken = () => Promise<{ token: string; expiresInSeconds: number }>;

type WithDrop = Redis & { wecomDropToken(key: string, token: string): Promise<number> };

export class AccessToken {
  private readonly redis: WithDrop;
  private local: { token: string; until: number } | undefined;
  private pending: Promise<string> | undefined;
  /** `gettoken` calls made by this process (tests, benchmarks). */
  fetches = 0;

  constructor(
    redis: Redis,
    private readonly key: string,
    private readonly fetchToken: FetchToken,
  ) {
    if (!('wecomDropToken' in redis)) redis.defineCommand('wecomDropToken', { numberOfKeys: 1, lua: DROP_IF_SAME });
    this.redis = redis as WithDrop;
  }

  /** A valid token: from memory, else Redis, else one fetch shared by every concurrent caller. */
  get(now = Date.now()): Promise<string> {
    if (this.local && this.local.until > now) return Promise.resolve(this.local.token);
    this.pending ??= this.load().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** WeCom refused `token`: forget it (here and, if still cached there, in Redis). */
  async refused(token: string): Promise<void> {
    if (this.local?.token === token) this.local = undefined;
    await this.redis.wecomDropToken(this.key, token);
  }

  private async load(): Promise<string> {
    const deadline = Date.now() + LOCK_MS * 2;
    for (;;) {
      const [cached, ttl] = await Promise.all([this.redis.get(this.key), this.redis.pttl(this.key)]);
      if (cached && ttl > 0) return this.remember(cached, ttl);
      const lock = `${this.key}:lock`;
      if (await this.redis.set(lock, '1', 'PX', LOCK_MS, 'NX')) {
        try {
          // Another process may have stored one between our look and our lock.
          const [stored, left] = await Promise.all([this.redis.get(this.key), this.redis.pttl(this.key)]);
          if (stored && left > 0) return this.remember(stored, left);
          const { token, expiresInSeconds } = await this.fetchToken();
          this.fetches += 1;
          const ttlMs = Math.max(1_000, expiresInSeconds * 1000 - EARLY_MS);
          await this.redis.set(this.key, token, 'PX', ttlMs);
          return this.remember(token, ttlMs);
        } finally {
          await this.redis.del(lock);
        }
      }
      // Another process is fetching: its token appears shortly (or its lock runs out and we try).
      if (Date.now() > deadline) throw new Error('wecom access_token: gave up waiting for another process to fetch it');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private remember(token: string, ttlMs: number): string {
    this.local = { token, until: Date.now() + ttlMs };
    return token;
  }
}
