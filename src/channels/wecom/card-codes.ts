// A sent WeCom card can be changed only with a `response_code`: one comes back when the card is
// sent, a fresh one with every click, each usable once within 72 hours. Every unused code of a card
// (task_id) is kept in Redis, newest first, shared by the process that receives the click and the
// one that sends the update; each is taken (LPOP) when used. A card clicked once holds two: the
// click's, which changes it at once (a vote shown), and the send's, left for a later change (the
// close) — with a single slot the click's code would have replaced the send's and the close would
// have had to send the card anew.
import type { Redis } from 'ioredis';

const TTL_MS = 72 * 3600 * 1000;
/** More unused codes than this on one card are older clicks' and never needed: the oldest go. */
const KEEP = 8;

/**
 * KEYS[1] the card's list; ARGV: entry (`issuedAt:code`), code, KEEP, TTL. One round trip; a code
 * already kept (a click handled again after a retry) is not kept twice — WeCom would refuse the copy.
 */
const PUT = `
for _, e in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local at = string.find(e, ':', 1, true)
  if at and string.sub(e, at + 1) == ARGV[2] then return 0 end
end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

type WithPut = Redis & {
  wecomCardCodePut(key: string, entry: string, code: string, keep: number, ttlMs: number): Promise<number>;
};

export class CardCodes {
  private readonly redis: WithPut;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (!('wecomCardCodePut' in redis)) redis.defineCommand('wecomCardCodePut', { numberOfKeys: 1, lua: PUT });
    this.redis = redis as WithPut;
  }

  /** Keeps a code issued `issuedAt` (now, by default): the next `take` answers it first (once). */
  async put(taskId: string, code: string, issuedAt = this.now()): Promise<void> {
    await this.redis.wecomCardCodePut(this.key(taskId), `${issuedAt.getTime()}:${code}`, code, KEEP, TTL_MS);
  }

  /** The newest code still within its 72 hours, removed; null when there is none. */
  async take(taskId: string): Promise<{ code: string; issuedAt: Date } | null> {
    const key = this.key(taskId);
    for (;;) {
      const entry = await this.redis.lpop(key);
      if (entry === null) return null;
      const at = entry.indexOf(':');
      const issuedAt = new Date(Number(entry.slice(0, at)));
      if (at > 0 && this.now().getTime() - issuedAt.getTime() < TTL_MS) return { code: entry.slice(at + 1), issuedAt };
    }
  }

  private key(taskId: string): string {
    return `${this.prefix}wecom:card-codes:${taskId}`;
  }
}
