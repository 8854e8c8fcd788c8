// A send on a platform that has no idempotency key of its own (WeChat, the Official Account's
// customer-service messages): the key is claimed in Redis first, so a retried delivery of a message
// that went out is not sent again; a send that fails releases it, so the retry does go out.
import { BotError } from '../bot/errors.ts';
import type { EventDedup } from './event-dedup.ts';

/**
 * Runs `send` once per `idempotencyKey` (always, without one). '' when the key was already used.
 * A failure that is not a BotError is transient (`<platform> send failed: …`).
 */
export async function sendOnce(
  dedup: EventDedup,
  platform: string,
  idempotencyKey: string | undefined,
  send: () => Promise<string>,
): Promise<string> {
  const kind = `${platform}-sent`;
  if (idempotencyKey && !(await dedup.claim(kind, idempotencyKey))) return '';
  try {
    return await send();
  } catch (error) {
    // Let a retry try again: the claim was for a send that did not happen.
    if (idempotencyKey) await dedup.release(kind, idempotencyKey).catch(() => undefined);
    if (error instanceof BotError) throw error;
    throw new BotError('PLATFORM_TRANSIENT', `${platform} send failed: ${(error as Error).message}`, { cause: error });
  }
}
