// Platforms redeliver events (Feishu retries an event until it sees an ack); the first process to
// claim an event id in Redis handles it, every other delivery of the same id is dropped.
// An event claimed with its payload is also "kept" until it is settled: if the process dies after
// acknowledging it but before handling it, another process finds it (an orphan) and handles it.
import type { Redis } from 'ioredis';

// KEYS: the claim, the kept set. ARGV: payload, ttl, now, id.
const CLAIM_KEEP = `
if redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
  return 1
end
return 0`;

// KEYS: the kept set, its tries. ARGV: kept before (ms), now, at most, claim key prefix.
// Takes each orphan for this caller by moving its time to now (another sweep within the orphan age
// leaves it alone); returns id, tries, payload triples.
const TAKE_ORPHANS = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local out = {}
for _, id in ipairs(ids) do
  local tries = redis.call('HINCRBY', KEYS[2], id, 1)
  redis.call('ZADD', KEYS[1], ARGV[2], id)
  out[#out + 1] = id
  out[#out + 1] = tries
  out[#out + 1] = redis.call('GET', ARGV[4] .. id) or ''
end
return out`;

type Scripts = Redis & {
  dedupClaimKeep(claim: string, kept: string, payload: string, ttl: number, now: number, id: string): Promise<number>;
  dedupTakeOrphans(
    kept: string,
    tries: string,
    before: number,
    now: number,
    most: number,
    prefix: string,
  ): Promise<(string | number)[]>;
};

export type Orphan = { id: string; tries: number; payload: string };

export class EventDedup {
  private readonly redis: Scripts;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    /** Feishu's last retry comes about 7 hours after the first try; a day covers it. */
    private readonly ttlSeconds = 86_400,
  ) {
    if (!('dedupClaimKeep' in redis)) {
      redis.defineCommand('dedupClaimKeep', { numberOfKeys: 2, lua: CLAIM_KEEP });
      redis.defineCommand('dedupTakeOrphans', { numberOfKeys: 2, lua: TAKE_ORPHANS });
    }
    this.redis = redis as Scripts;
  }

  /** True the first time `id` is seen on `channel` across all processes sharing this Redis. */
  async claim(channel: string, id: string): Promise<boolean> {
    const result = await this.redis.set(this.claimKey(channel, id), '1', 'EX', this.ttlSeconds, 'NX');
    return result === 'OK';
  }

  /** Like `claim`, and keeps `payload` until `settle`, for another process to handle if this one dies. */
  async claimAndKeep(channel: string, id: string, payload: string, now = Date.now()): Promise<boolean> {
    const kept = await this.redis.dedupClaimKeep(
      this.claimKey(channel, id),
      this.keptKey(channel),
      payload,
      this.ttlSeconds,
      now,
      id,
    );
    return kept === 1;
  }

  /** The kept event was handled (or failed for good): nobody needs to take it over. */
  async settle(channel: string, id: string, orphan = false): Promise<void> {
    await this.redis.zrem(this.keptKey(channel), id);
    // Only a taken-over event has a count of tries.
    if (orphan) await this.redis.hdel(this.triesKey(channel), id);
  }

  /** Takes over events kept longer than `ageMs` without being settled (their process died). */
  async takeOrphans(channel: string, ageMs: number, now = Date.now(), most = 100): Promise<Orphan[]> {
    const flat = await this.redis.dedupTakeOrphans(
      this.keptKey(channel),
      this.triesKey(channel),
      now - ageMs,
      now,
      most,
      this.claimKey(channel, ''),
    );
    const orphans: Orphan[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3)
      orphans.push({ id: String(flat[i]), tries: Number(flat[i + 1]), payload: String(flat[i + 2]) });
    return orphans;
  }

  /** Forgets a claim whose work did not happen, so the next attempt may claim it again. */
  async release(channel: string, id: string): Promise<void> {
    await this.redis.del(this.claimKey(channel, id));
  }

  private claimKey(channel: string, id: string): string {
    return `${this.prefix}dedup:${channel}:${id}`;
  }

  private keptKey(channel: string): string {
    return `${this.prefix}inbound-kept:${channel}`;
  }

  private triesKey(channel: string): string {
    return `${this.prefix}inbound-tries:${channel}`;
  }
}
