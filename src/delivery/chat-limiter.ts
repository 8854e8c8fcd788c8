// The per-chat limit (Feishu: 5 messages/s to one user or chat). BullMQ's open-source limiter is per
// queue, so this one is a fixed one-second window per chat in Redis, shared by every worker process.
// A platform may add longer windows (WeCom drops, without a word, what goes beyond 30 messages a
// minute or 1,000 an hour to one member): those are checked before they are counted, so a message
// held back does not use up the hour's allowance while it waits.
import type { Redis } from 'ioredis';
import type { ChatWindow } from '../channels/define.ts';

/** Count and expiry in one round trip (a MULTI cost four socket writes: one per command). */
const TAKE = `local count = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], 2000)
return count`;

/**
 * KEYS: one counter per window. ARGV: n, then max and ttl (ms) per window. Returns 0 and counts n
 * in every window when each has room (an empty window always has room: a batch larger than the
 * allowance goes alone), else the 1-based index of the first full window, counting nothing.
 */
const TAKE_WINDOWS = `local n = tonumber(ARGV[1])
for i = 1, #KEYS do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used > 0 and used + n > tonumber(ARGV[2 * i]) then return i end
end
for i = 1, #KEYS do
  redis.call('INCRBY', KEYS[i], n)
  redis.call('PEXPIRE', KEYS[i], ARGV[2 * i + 1])
end
return 0`;

type WithTake = Redis & {
  chatLimiterTake(key: string, n: number): Promise<number>;
  chatLimiterTakeWindows(...args: (string | number)[]): Promise<number>;
};

export class ChatLimiter {
  private readonly redis: WithTake;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly perSecond: number,
    private readonly windows: ChatWindow[] = [],
  ) {
    // ioredis sends it by SHA and loads it again by itself after a Redis restart (NOSCRIPT).
    if (!('chatLimiterTake' in redis)) redis.defineCommand('chatLimiterTake', { numberOfKeys: 1, lua: TAKE });
    if (!('chatLimiterTakeWindows' in redis)) redis.defineCommand('chatLimiterTakeWindows', { lua: TAKE_WINDOWS });
    this.redis = redis as WithTake;
  }

  /** Takes `n` slots; returns 0 when allowed, otherwise how many ms to wait before trying again. */
  async take(chatId: string, n = 1, now = Date.now()): Promise<number> {
    const second = Math.floor(now / 1000);
    const key = `${this.prefix}:chat-rate:${chatId}:${second}`;
    const count = await this.redis.chatLimiterTake(key, n);
    // A batch larger than the whole allowance goes out alone in a fresh second.
    if (count > this.perSecond && count !== n) return (second + 1) * 1000 - now + Math.floor(Math.random() * 200);
    return this.windows.length > 0 ? this.takeWindows(chatId, n, now) : 0;
  }

  private async takeWindows(chatId: string, n: number, now: number): Promise<number> {
    const starts = this.windows.map((w) => Math.floor(now / w.ms) * w.ms);
    const keys = this.windows.map((w, i) => `${this.prefix}:chat-rate:${chatId}:${w.ms}:${starts[i]}`);
    const full = await this.redis.chatLimiterTakeWindows(
      keys.length,
      ...keys,
      n,
      ...this.windows.flatMap((w) => [w.max, w.ms + 1_000]),
    );
    if (full === 0) return 0;
    const i = full - 1;
    return starts[i]! + this.windows[i]!.ms - now + Math.floor(Math.random() * 500);
  }
}
