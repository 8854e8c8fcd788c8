// Platforms redeliver events (Feishu retries an event until it sees an ack); the first process to
// claim an event id in Redis handles it, every other delivery of the same id is dropped.
// An event claimed with its payload is also "kept" until it is settled, and the process handling it
// renews it while it works: if that process dies after acknowledging the event but before handling
// it, the event stops being renewed and another process takes it over (an orphan).
import type { Redis } from 'ioredis';

// KEYS: claim, kept (id → last renewed, ms), payloads (id → payload). ARGV: ttl, now, id, payload, owner.
const CLAIM_KEEP = `
if redis.call('SET', KEYS[1], ARGV[5], 'EX', ARGV[1], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
  return 1
end
return 0`;

// KEYS: kept, payloads, tries. ARGV: id.
const SETTLE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1`;

// KEYS: kept, tries, payloads. ARGV: not renewed since (ms), now, at most.
// Takes each orphan for this caller by renewing it now (another sweep leaves it alone while this
// process renews it); returns id, tries, payload triples.
const TAKE_ORPHANS = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local out = {}
for _, id in ipairs(ids) do
  local tries = redis.call('HINCRBY', KEYS[2], id, 1)
  redis.call('ZADD', KEYS[1], ARGV[2], id)
  out[#out + 1] = id
  out[#out + 1] = tries
  out[#out + 1] = redis.call('HGET', KEYS[3], id) or ''
end
return out`;

type Scripts = Redis & {
  dedupClaimKeep(claim: string, kept: string, payloads: string, ...args: (string | number)[]): Promise<number>;
  dedupSettle(kept: string, payloads: string, tries: string, id: string): Promise<number>;
  dedupTakeOrphans(kept: string, tries: string, payloads: string, ...args: number[]): Promise<(string | number)[]>;
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
      redis.defineCommand('dedupClaimKeep', { numberOfKeys: 3, lua: CLAIM_KEEP });
      redis.defineCommand('dedupSettle', { numberOfKeys: 3, lua: SETTLE });
      redis.defineCommand('dedupTakeOrphans', { numberOfKeys: 3, lua: TAKE_ORPHANS });
    }
    this.redis = redis as Scripts;
  }

  /** True the first time `id` is seen on `channel` across all processes sharing this Redis. */
  async claim(channel: string, id: string): Promise<boolean> {
    const result = await this.redis.set(this.claimKey(channel, id), '1', 'EX', this.ttlSeconds, 'NX');
    return result === 'OK';
  }

  /**
   * Like `claim`, and keeps `payload` until `settle`, for another process to handle if this one dies.
   * `owner` is stored as the claim's value: a process whose claim was made but whose answer was lost
   * (Redis went away mid-reply) recognises its own claim on the redelivery (`owner`).
   */
  async claimAndKeep(channel: string, id: string, payload: string, now = Date.now(), owner = '1'): Promise<boolean> {
    const kept = await this.redis.dedupClaimKeep(
      this.claimKey(channel, id),
      this.key('inbound-kept', channel),
      this.key('inbound-payload', channel),
      this.ttlSeconds,
      now,
      id,
      payload,
      owner,
    );
    return kept === 1;
  }

  /** Who claimed the event (`claimAndKeep`'s owner), if anyone. */
  async owner(channel: string, id: string): Promise<string | null> {
    return this.redis.get(this.claimKey(channel, id));
  }

  /** True while the event is kept (claimed with its payload and not yet settled). */
  async isKept(channel: string, id: string): Promise<boolean> {
    return (await this.redis.zscore(this.key('inbound-kept', channel), id)) !== null;
  }

  /** This process is still working on these kept events: nobody is to take them over. */
  async renew(channel: string, ids: string[], now = Date.now()): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.zadd(this.key('inbound-kept', channel), 'XX', ...ids.flatMap((id) => [now, id]));
  }

  /** The kept event was handled (or failed for good): nobody needs to take it over. */
  async settle(channel: string, id: string): Promise<void> {
    await this.redis.dedupSettle(
      this.key('inbound-kept', channel),
      this.key('inbound-payload', channel),
      this.key('inbound-tries', channel),
      id,
    );
  }

  /** Takes over events not renewed for `ageMs` (their process died). */
  async takeOrphans(channel: string, ageMs: number, now = Date.now(), most = 100): Promise<Orphan[]> {
    const flat = await this.redis.dedupTakeOrphans(
      this.key('inbound-kept', channel),
      this.key('inbound-tries', channel),
      this.key('inbound-payload', channel),
      now - ageMs,
      now,
      most,
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

  private key(kind: string, channel: string): string {
    return `${this.prefix}${kind}:${channel}`;
  }
}
