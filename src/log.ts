// Structured logs (pino) to stderr, so stdout stays clean for `--jsonl` output.
import pino, { type Logger } from 'pino';
import { LOG_REDACT_PATHS, redactUrl } from './redact.ts';

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
      // A logged URL (a database, Redis or webhook address) keeps its host, never its password.
      formatters: { log: (object) => redactUrls(object) },
      serializers: { err: serializeError },
    },
    destination,
  );
}

/** pino's error serializer, with URL passwords taken out of the message and stack. */
function serializeError(error: unknown): unknown {
  const out = pino.stdSerializers.err(error as Error) as unknown;
  if (!out || typeof out !== 'object') return out;
  const copy = { ...(out as Record<string, unknown>) };
  for (const key of ['message', 'stack']) if (typeof copy[key] === 'string') copy[key] = redactUrl(copy[key] as string);
  return copy;
}

function redactUrls(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(object)) {
    if (typeof value !== 'string' || !value.includes('://')) continue;
    const safe = redactUrl(value);
    if (safe !== value) (copy ??= { ...object })[key] = safe;
  }
  return copy ?? object;
}
