// Structured logs (pino) to stderr, so stdout stays clean for `--jsonl` output.
import pino, { type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}
