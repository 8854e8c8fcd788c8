// The numbered options of the cards sent in a chat, kept in Redis so any process can resolve a
// reply. One hash per chat numbers every outstanding card's options apart (card A 「1」「2」, card B
// 「3」「4」), so a reply always means one card; numbering starts again at 1 once no card is left.
// An option is bound to the card's addressee (or to anyone in the chat for a card sent to no one in
// particular) and refused after the card's expiry. Answering a card addressed to someone uses it up.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Card } from '../../bot/outbound.ts';

export type PendingOption = { action: string; value: Record<string, string> };

/** A card without an expiry stays answerable this long. */
const DEFAULT_TTL_MS = 7 * 86_400_000;
/** Kept a while past expiry, so a late reply is told "expired" instead of being read as a question. */
const GRACE_MS = 86_400_000;
const ANYONE = '*';

// Hash fields: `next` (last number given), `opt:<n>` (one option: c card id, w addressee, x expiry
// in ms or 0, u kept until ms, a action, v value), `ref:<card id>` (the sent message's id).
const RESERVE = `
local now = tonumber(ARGV[1])
local keep = tonumber(ARGV[2])
local fields = redis.call('HGETALL', KEYS[1])
local live = {}
local anyLive = false
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 4) == 'opt:' then
    local e = cjson.decode(fields[i + 1])
    if e.u < now then redis.call('HDEL', KEYS[1], fields[i]) else live[e.c] = true; anyLive = true end
  end
end
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 4) == 'ref:' and not live[string.sub(fields[i], 5)] then
    redis.call('HDEL', KEYS[1], fields[i])
  end
end
if not anyLive then redis.call('HSET', KEYS[1], 'next', 0) end
local options = cjson.decode(ARGV[6])
local last = redis.call('HINCRBY', KEYS[1], 'next', #options)
local first = last - #options + 1
for i, o in ipairs(options) do
  redis.call('HSET', KEYS[1], 'opt:' .. (first + i - 1),
    cjson.encode({ c = ARGV[3], w = ARGV[4], x = tonumber(ARGV[5]), u = keep, a = o.a, v = o.v }))
end
if redis.call('PTTL', KEYS[1]) < keep - now then redis.call('PEXPIRE', KEYS[1], keep - now) end
return first`;

/** Lua: removes one card's options and its message id from the chat's hash. */
const DROP_CARD = `
local function dropCard(key, card)
  local fields = redis.call('HGETALL', key)
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 4) == 'opt:' and cjson.decode(fields[i + 1]).c == card then
      redis.call('HDEL', key, fields[i])
    end
  end
  redis.call('HDEL', key, 'ref:' .. card)
end`;

const TAKE = `${DROP_CARD}
local raw = redis.call('HGET', KEYS[1], 'opt:' .. ARGV[1])
if not raw then return false end
local e = cjson.decode(raw)
local now = tonumber(ARGV[3])
if (e.w ~= ARGV[2] and e.w ~= '*') or e.u < now then return false end
if e.r then return 'retired' end
if e.x > 0 and e.x <= now then return 'expired' end
local ref = redis.call('HGET', KEYS[1], 'ref:' .. e.c) or ''
if e.w ~= '*' then dropCard(KEYS[1], e.c) end
return cjson.encode({ a = e.a, v = e.v, r = ref })`;

const FORGET = `${DROP_CARD}
dropCard(KEYS[1], ARGV[1])
return 1`;

/**
 * Lua: the card sent as message ARGV[1] was replaced by a newer message. Its options stay (so the
 * numbers are not given to another card while someone may still reply with them) but answer
 * "retired"; they go when they would have expired.
 */
const RETIRE = `
local fields = redis.call('HGETALL', KEYS[1])
local card = nil
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 4) == 'ref:' and fields[i + 1] == ARGV[1] then card = string.sub(fields[i], 5) end
end
if not card then return 0 end
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 4) == 'opt:' then
    local e = cjson.decode(fields[i + 1])
    if e.c == card then
      e.r = 1
      redis.call('HSET', KEYS[1], fields[i], cjson.encode(e))
    end
  end
end
redis.call('HDEL', KEYS[1], 'ref:' .. card)
return 1`;

type Scripts = Redis & {
  wechatCardsReserve(key: string, ...args: (string | number)[]): Promise<number>;
  wechatCardsTake(key: string, n: number, userId: string, now: number): Promise<string | null>;
  wechatCardsForget(key: string, card: string): Promise<number>;
  wechatCardsRetire(key: string, ref: string): Promise<number>;
};

export type OptionLookup = { found: PendingOption; ref: string } | { expired: true } | { retired: true } | undefined;

/** Numbers given to one card before it is sent; `sent` or `forget` follows. */
export type Reservation = { card: string; first: number };

export class PendingCards {
  private readonly redis: Scripts;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('wechatCardsReserve' in redis)) {
      redis.defineCommand('wechatCardsReserve', { numberOfKeys: 1, lua: RESERVE });
      redis.defineCommand('wechatCardsTake', { numberOfKeys: 1, lua: TAKE });
      redis.defineCommand('wechatCardsForget', { numberOfKeys: 1, lua: FORGET });
      redis.defineCommand('wechatCardsRetire', { numberOfKeys: 1, lua: RETIRE });
    }
    this.redis = redis as Scripts;
  }

  /** Gives the card's buttons their numbers in this chat; undefined for a card without buttons. */
  async reserve(
    chatId: string,
    addressee: string | undefined,
    card: Card,
    now: Date,
  ): Promise<Reservation | undefined> {
    const options = (card.buttons ?? []).map((b) => ({ a: b.action, v: b.value }));
    if (options.length === 0) return undefined;
    // An unreadable expiry counts as none (NaN would make the script fail, and the card unsendable).
    const parsed = card.expiresAt ? Date.parse(card.expiresAt) : NaN;
    const expiry = Number.isFinite(parsed) ? parsed : 0;
    // Even a card sent already expired is remembered for the grace period, to explain the refusal.
    const keep = Math.max(now.getTime() + GRACE_MS, expiry ? expiry + GRACE_MS : now.getTime() + DEFAULT_TTL_MS);
    const id = randomUUID();
    const first = await this.redis.wechatCardsReserve(
      this.key(chatId),
      now.getTime(),
      keep,
      id,
      addressee ?? ANYONE,
      expiry,
      JSON.stringify(options),
    );
    return { card: id, first: Number(first) };
  }

  /** The card went out as message `ref` (handed to the action as its card reference). */
  async sent(chatId: string, reservation: Reservation, ref: string): Promise<void> {
    await this.redis.hset(this.key(chatId), `ref:${reservation.card}`, ref);
  }

  /** The card could not be sent: its numbers mean nothing. */
  async forget(chatId: string, reservation: Reservation): Promise<void> {
    await this.redis.wechatCardsForget(this.key(chatId), reservation.card);
  }

  /** The card sent as message `ref` was replaced: a reply with its numbers is told so. False: no such card open. */
  async retire(chatId: string, ref: string): Promise<boolean> {
    return (await this.redis.wechatCardsRetire(this.key(chatId), ref)) === 1;
  }

  /** Option `n` of a card this user may answer in this chat; a card addressed to them is used up. */
  async take(chatId: string, userId: string, n: number, now: Date): Promise<OptionLookup> {
    const raw = await this.redis.wechatCardsTake(this.key(chatId), n, userId, now.getTime());
    if (!raw) return undefined;
    if (raw === 'expired') return { expired: true };
    if (raw === 'retired') return { retired: true };
    const { a, v, r } = JSON.parse(raw) as { a: string; v: Record<string, string>; r: string };
    return { found: { action: a, value: v }, ref: r };
  }

  private key(chatId: string): string {
    return `${this.prefix}wechat:cards:${chatId}`;
  }
}
