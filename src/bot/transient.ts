// Which failures are the world's and which are ours. A transient failure (the database or Redis away,
// a connection reset, a serialization conflict, a timeout) says nothing about the event: the same
// work will succeed later, so the event is kept and retried. Anything else is permanent (a bug, bad
// data): retrying cannot help, so the user gets the apology.
import { BotError } from './errors.ts';

/** Thrown (or wrapped) when an event must be tried again later rather than answered now. */
export class RetryLater extends Error {
  constructor(cause: unknown) {
    super(`transient failure: ${messageOf(cause)}`, { cause });
    this.name = 'RetryLater';
  }
}

/** Node socket and DNS errors: the peer is away or the network is. */
const NODE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTCONN',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Prisma: cannot reach / timed out / server closed the connection / pool timeout / transaction API / write conflict. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);

/** Prisma driver-adapter error kinds that mean "the database, not the query". */
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionWriteConflict',
  'TransactionAlreadyClosed',
]);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 53 (insufficient resources), 57P01–57P05
 * (shutdown, crash, cannot connect now, idle timeouts), 40001 / 40P01 (serialization, deadlock),
 * 55P03 (lock not available), 57014 (statement timeout), 58xxx (system / I/O error).
 */
function transientSqlState(code: string): boolean {
  if (!/^[0-9A-Z]{5}$/.test(code)) return false;
  return (
    code.startsWith('08') ||
    code.startsWith('53') ||
    code.startsWith('58') ||
    /^57P0[1-5]$/.test(code) ||
    code === '40001' ||
    code === '40P01' ||
    code === '55P03' ||
    code === '57014'
  );
}

/** Messages of pg, ioredis and BullMQ failures that carry no code. */
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /connection is closed/i,
  /connection (?:was )?(?:reset|refused|lost|ended)/i,
  /client has encountered a connection error/i,
  /timeout exceeded when trying to connect/i,
  /cannot use a pool after calling end/i,
  /reached the max retries per request limit/i,
  /stream isn't writeable/i,
  /socket (?:hang up|closed|timeout)/i,
  /the database system is (?:starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /can't reach database server/i,
  /server has closed the connection/i,
  /timed out fetching a new connection/i,
  /transaction already closed/i,
  /^(?:LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY)\b/,
  /\btimed out\b/i,
  /\bquery read timeout\b/i,
];

/** True when `error` (or anything in its cause chain) is a failure that retrying later can fix. */
export function isTransient(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === null || e === undefined || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (e instanceof RetryLater) return true;
    if (e instanceof BotError) {
      if (e.permanent || e.code === 'PLATFORM_PERMANENT') return false;
      if (e.code === 'PLATFORM_TRANSIENT' || e.code === 'PLATFORM_RATE_LIMITED') return true;
    }
    const record = e as Record<string, unknown>;
    const code = typeof record.code === 'string' ? record.code : undefined;
    if (code && (NODE_CODES.has(code) || PRISMA_CODES.has(code) || transientSqlState(code))) return true;
    if (typeof record.kind === 'string') {
      if (ADAPTER_KINDS.has(record.kind)) return true;
      if (record.kind === 'postgres' && typeof record.code === 'string' && transientSqlState(record.code)) return true;
    }
    // Prisma's "could not connect at start-up" has no code of its own.
    if (record.name === 'PrismaClientInitializationError') return true;
    const message = typeof record.message === 'string' ? record.message : '';
    if (TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return true;
    queue.push(record.cause, record.originalError, record.error);
    if (Array.isArray(record.errors)) queue.push(...(record.errors as unknown[]));
  }
  return false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Exponential backoff with jitter: ~base·2^try, at most `maxMs`. */
export function backoffMs(attempt: number, baseMs = 250, maxMs = 10_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling * (0.5 + Math.random() / 2));
}

/** Rejects with a transient error after `ms` (the promise itself is left to settle on its own). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEDOUT' })),
      ms,
    );
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
