// The numbered options of the last card sent to a person in a chat, kept in Redis so any process
// can resolve the reply. Bound to the addressee (or to the whole chat for a card sent to no one in
// particular) and refused after the card's expiry.
import type { Redis } from 'ioredis';
import type { Card } from '../../bot/outbound.ts';

export type PendingOption = { action: string; value: Record<string, string> };
type Stored = { options: PendingOption[]; expiresAt?: string; ref: string };

/** A card without an expiry stays answerable this long. */
const DEFAULT_TTL_MS = 7 * 86_400_000;
/** Kept a while past expiry, so a late reply is told "expired" instead of being read as a question. */
const GRACE_MS = 86_400_000;
const ANYONE = '*';

export type OptionLookup = { found: PendingOption; ref: string } | { expired: true } | undefined;

export class PendingCards {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async remember(chatId: string, addressee: string | undefined, card: Card, ref: string, now: Date): Promise<void> {
    const options = (card.buttons ?? []).map((b) => ({ action: b.action, value: b.value }));
    const key = this.key(chatId, addressee ?? ANYONE);
    if (options.length === 0) return;
    const until = card.expiresAt ? Date.parse(card.expiresAt) + GRACE_MS : now.getTime() + DEFAULT_TTL_MS;
    // Even a card sent already expired is remembered for the grace period, to explain the refusal.
    const ttl = Math.max(GRACE_MS, until - now.getTime());
    const stored: Stored = { options, ref, ...(card.expiresAt ? { expiresAt: card.expiresAt } : {}) };
    await this.redis.set(key, JSON.stringify(stored), 'PX', ttl);
  }

  /** Option `n` (1-based) of the card this user may answer in this chat. */
  async lookup(chatId: string, userId: string, n: number, now: Date): Promise<OptionLookup> {
    for (const who of [userId, ANYONE]) {
      const raw = await this.redis.get(this.key(chatId, who));
      if (!raw) continue;
      const stored = JSON.parse(raw) as Stored;
      if (stored.expiresAt && Date.parse(stored.expiresAt) <= now.getTime()) return { expired: true };
      const option = stored.options[n - 1];
      if (option) return { found: option, ref: stored.ref };
    }
    return undefined;
  }

  private key(chatId: string, who: string): string {
    return `${this.prefix}wechat:card:${chatId}:${who}`;
  }
}
