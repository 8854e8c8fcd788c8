// The per-app send rate (Feishu: 1,000 sends a minute, 50 a second), shared by every deliver worker
// of every process through one key in Redis: each send takes the next free slot on a schedule of
// evenly spaced slots (a generic cell rate algorithm) and waits until it. While there is a backlog
// the slots follow one another exactly, whatever the workers' timers do, so the rate stays at the
// limit instead of losing the gaps that fixed windows leave; the spacing is just wide enough that a
// send arriving up to LATE_MS after its slot still keeps every sliding minute and second within
// the limits, and a worker woken more than half that late takes a new slot instead of sending. The clock is Redis's (TIME), the same for every process.
import type { Redis } from 'ioredis';
import type { ChannelLimits } from '../channels/define.ts';

/** How late after its slot a send may reach the platform (timers, the request itself) without breaking the limits. */
export const LATE_MS = 500;

/**
 * KEYS: the schedule (the next free slot, ms). ARGV: spacing (ms), slots wanted, how far ahead a
 * slot may be taken (ms). Returns the wait until the first slot taken (ms, ≥ 0), or, when the next
 * free slot is further ahead than allowed, minus the wait, taking nothing.
 */
const TAKE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local spacing = tonumber(ARGV[1])
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local wait = math.ceil(start - now)
if wait > tonumber(ARGV[3]) then return -wait end
local after = start + spacing * tonumber(ARGV[2])
redis.call('SET', KEYS[1], string.format('%.3f', after), 'PX', math.ceil(after - now) + 1000)
return wait`;

type WithTake = Redis & { sendPacerTake(key: string, spacing: number, n: number, ahead: number): Promise<number> };

/**
 * The spacing of the slots (ms): in any sliding minute (second) the sends, each up to LATE_MS late,
 * fall in (60,000 + LATE_MS) ÷ spacing + 1 slots at most, which must not pass the minute's (second's)
 * limit. Feishu: 60.5 ms, 16.5 sends a second.
 */
export function paceSpacingMs(limits: Pick<ChannelLimits, 'sendPerMin' | 'apiPerSec'>): number {
  const within = (limit: number, ms: number) => (ms + LATE_MS + 1) / limit;
  return Math.max(within(limits.sendPerMin, 60_000), limits.apiPerSec ? within(limits.apiPerSec, 1_000) : 0);
}

export class SendPacer {
  private readonly redis: WithTake;
  /** Between two slots (ms). */
  readonly spacing: number;

  constructor(
    redis: Redis,
    private readonly key: string,
    limits: Pick<ChannelLimits, 'sendPerMin' | 'apiPerSec'>,
    /** A slot further ahead than this is not taken: the job waits elsewhere (delayed) and asks again. */
    private readonly aheadMs = 10_000,
  ) {
    if (!('sendPacerTake' in redis)) redis.defineCommand('sendPacerTake', { numberOfKeys: 1, lua: TAKE });
    this.redis = redis as WithTake;
    this.spacing = paceSpacingMs(limits);
  }

  /**
   * Takes `n` consecutive slots: the ms to wait before the first of them (0: now), or, when they are
   * further ahead than allowed, minus that wait with nothing taken.
   */
  take(n = 1): Promise<number> {
    return this.redis.sendPacerTake(this.key, this.spacing, n, this.aheadMs);
  }
}
