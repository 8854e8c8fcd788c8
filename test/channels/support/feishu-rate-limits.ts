// Feishu's documented frequency limits, as the fake Open API enforces them when asked: per app and
// per API, N calls in any sliding minute and M calls in one clock second; for sends, K messages a
// second to one user or chat. A call beyond them is refused (HTTP 429, code 99991400, with
// `x-ogw-ratelimit-reset`) and not counted against the minute, as Feishu does not send it. One fake
// server is one app: every process of the bot talking to it shares these limits.

export type FeishuLimits = { sendPerMin: number; apiPerSec: number; perChatPerSec: number };

/** Send message (im/v1/messages, reply): 1000 a minute and 50 a second per app, 5 a second per chat. */
export const FEISHU_SEND_LIMITS: FeishuLimits = { sendPerMin: 1000, apiPerSec: 50, perChatPerSec: 5 };

/** The steady rate the limits allow: the tighter of the minute's and the second's. */
export const allowedPerSecond = (limits: FeishuLimits): number => Math.min(limits.sendPerMin / 60, limits.apiPerSec);

export class FeishuRateLimits {
  /** Accepted calls per API in the last minute (ms timestamps, oldest first). */
  private readonly minute = new Map<string, number[]>();
  private readonly seconds = new Map<string, number>();
  private second = -1;

  constructor(private readonly limits: FeishuLimits) {}

  /**
   * Counts one call of `api` (to `chat`, for sends) at `now` (ms): undefined when allowed, else the
   * seconds until it may be tried again (the `x-ogw-ratelimit-reset` header).
   */
  take(api: string, now: number, chat?: string): number | undefined {
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.seconds.clear();
      this.second = second;
    }
    const bump = (key: string) => {
      const n = (this.seconds.get(key) ?? 0) + 1;
      this.seconds.set(key, n);
      return n;
    };
    // Every call counts against the second, refused or not (a client that hammers stays refused).
    if (bump(`app:${api}`) > this.limits.apiPerSec) return 1;
    const log = this.minute.get(api) ?? [];
    this.minute.set(api, log);
    let expired = 0;
    while (expired < log.length && log[expired]! <= now - 60_000) expired++;
    if (expired > 0) log.splice(0, expired);
    if (log.length >= this.limits.sendPerMin) return Math.max(1, Math.ceil((log[0]! + 60_000 - now) / 1000));
    if (chat !== undefined && bump(`chat:${api}:${chat}`) > this.limits.perChatPerSec) return 1;
    log.push(now);
    return undefined;
  }
}
