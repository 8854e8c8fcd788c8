// What every channel "world" needs apart from its platform: a logger whose lines the test can read,
// and a Redis key prefix of its own (queues, dedup, card keys), removed afterwards.
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';

export function capturingLogger(): { log: Logger; logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { log, logs };
}

export const testQueuePrefix = (): string => `t-${randomBytes(5).toString('hex')}`;
