// Official Account API answers → BotError with a code the delivery layer acts on. Every call answers
// JSON with `errcode` (0 or absent: success). Rate limits say how long to wait, transient failures
// are retried, permanent ones stop at once and are recorded on the outbox row.
import { BotError } from '../../bot/errors.ts';

/** The access_token was refused (invalid, not the latest, expired): fetch a new one and try again. */
export const TOKEN_CODES = new Set([40001, 40014, 41001, 42001]);
/**
 * The follower is outside the customer-service window: 45015 "response out of time limit" (no
 * message from them in the last 48 hours), 45047 "out of response count limit" (too many messages
 * since their last one).
 */
export const WINDOW_CODES = new Set([45015, 45047]);
/** Quotas: 45009 the daily API quota, 45011 calls too frequent. */
const RATE_LIMIT_CODES = new Map([
  [45009, 60_000],
  [45011, 1_000],
]);
/** "System busy, retry later." */
const TRANSIENT_CODES = new Set([-1]);

export type ApiAnswer = { errcode?: number; errmsg?: string };

/** The follower cannot be reached by a customer-service message now (see WINDOW_CODES). */
export class OutsideWindow extends Error {
  constructor(
    readonly errcode: number,
    errmsg: string,
  ) {
    super(`customer-service window closed: errcode ${errcode} ${errmsg}`);
    this.name = 'OutsideWindow';
  }
}

/** Throws for a non-zero errcode: OutsideWindow, or a BotError classified for delivery. */
export function checkAnswer<T extends ApiAnswer>(answer: T, what: string): T {
  const code = answer.errcode;
  if (code === undefined || code === 0) return answer;
  const msg = String(answer.errmsg ?? '').slice(0, 300);
  if (WINDOW_CODES.has(code)) throw new OutsideWindow(code, msg);
  const detail = `wechat-mp ${what} failed: errcode ${code} ${msg}`;
  const wait = RATE_LIMIT_CODES.get(code);
  if (wait !== undefined) return fail(new BotError('PLATFORM_RATE_LIMITED', detail, { retryAfterMs: wait }));
  if (TRANSIENT_CODES.has(code) || TOKEN_CODES.has(code)) return fail(new BotError('PLATFORM_TRANSIENT', detail));
  return fail(new BotError('PLATFORM_PERMANENT', detail, { permanent: true }));
}

export function tokenRefused(answer: ApiAnswer): boolean {
  return answer.errcode !== undefined && TOKEN_CODES.has(answer.errcode);
}

/** No answer, or a 5xx / non-JSON one: the platform or the network, try again later. */
export function transportError(what: string, cause: unknown): BotError {
  return new BotError('PLATFORM_TRANSIENT', `wechat-mp ${what} failed: ${(cause as Error)?.message ?? cause}`, {
    cause,
  });
}

function fail(error: BotError): never {
  throw error;
}
