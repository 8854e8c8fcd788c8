// Feishu Open API failures → BotError with a code the delivery layer can act on: rate limits say how
// long to wait, transient failures are retried, permanent ones are not.
import { BotError } from '../../bot/errors.ts';

/** Feishu's "too many requests" codes (global, per app, per chat). */
const RATE_LIMIT_CODES = new Set([99991400, 230020, 11232, 11233, 11247]);
/** The tenant token was refused: fetch a new one and try again. */
export const TOKEN_CODES = new Set([99991661, 99991663, 99991664, 99991668, 99991671]);
/** Server-side hiccups Feishu documents as "retry later". */
const TRANSIENT_CODES = new Set([99991401, 230099, 230054, 1000004, 1000005]);

const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

type HttpLikeError = {
  response?: { status?: number; data?: unknown; headers?: Record<string, unknown> };
  code?: string;
  message?: string;
};

export function toPlatformError(error: unknown, what: string): BotError {
  if (error instanceof BotError) return error;
  const e = (error ?? {}) as HttpLikeError;
  const status = e.response?.status;
  const body = (e.response?.data ?? {}) as { code?: unknown; msg?: unknown };
  const code = typeof body.code === 'number' ? body.code : undefined;
  const msg = typeof body.msg === 'string' ? body.msg : (e.message ?? String(error));
  const detail = `feishu ${what} failed: ${status ?? e.code ?? 'no response'}${code !== undefined ? ` code ${code}` : ''} ${msg}`;
  if (status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
    return new BotError('PLATFORM_RATE_LIMITED', detail, {
      cause: error,
      retryAfterMs: resetDelayMs(e.response?.headers),
    });
  }
  if (
    !e.response ||
    status === undefined ||
    status >= 500 ||
    (code !== undefined && (TOKEN_CODES.has(code) || TRANSIENT_CODES.has(code)))
  ) {
    return new BotError('PLATFORM_TRANSIENT', detail, { cause: error });
  }
  return new BotError('PLATFORM_PERMANENT', detail, { cause: error, permanent: true });
}

/** A 200 answer can still carry a business error code. */
export function checkCode<T extends { code?: number; msg?: string }>(result: T, what: string): T {
  if (result && typeof result.code === 'number' && result.code !== 0) {
    throw toPlatformError({ response: { status: 200, data: result } }, what);
  }
  return result;
}

export function tokenRefused(error: unknown): boolean {
  const data = (error as HttpLikeError)?.response?.data as { code?: unknown } | undefined;
  return typeof data?.code === 'number' && TOKEN_CODES.has(data.code);
}

/** `x-ogw-ratelimit-reset` says, in seconds, when the limit window resets. */
function resetDelayMs(headers: Record<string, unknown> | undefined): number {
  const raw = headers?.['x-ogw-ratelimit-reset'];
  const seconds = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 60_000) : DEFAULT_RATE_LIMIT_WAIT_MS;
}
