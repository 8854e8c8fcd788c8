// An acknowledged event is one the platform will never send again, so a channel with redelivery
// (Feishu's webhook, WeCom, the Official Account) acknowledges an event only once it is kept (claimed
// with its payload in Redis, see EventDedup). When it cannot be kept in time, the request fails with
// 503 and the platform sends the event again later; nothing was promised, so nothing is lost.
import type { FastifyReply } from 'fastify';
import { withTimeout } from '../bot/transient.ts';

/** Thrown from a webhook handler: Fastify answers with its statusCode and headers. */
export class EventNotKept extends Error {
  readonly statusCode = 503;
  readonly headers = { 'retry-after': '5' };

  constructor(
    readonly eventId: string,
    cause: unknown,
  ) {
    super(`event ${eventId} not kept; not acknowledged so the platform sends it again`, { cause });
    this.name = 'EventNotKept';
  }
}

export type KeepOutcome = 'kept' | 'duplicate';

/**
 * Claims and keeps an event before its acknowledgement: `kept` (ours to handle), `duplicate`
 * (claimed before, by any process: drop it) or throws EventNotKept. A claim that answers only after
 * `timeoutMs` is still honoured — `onLateKeep` runs it, and the platform's redelivery of the event
 * is then a duplicate — so a slow Redis neither loses nor doubles the event.
 */
export async function keepBeforeAck(
  eventId: string,
  claim: () => Promise<boolean>,
  options: { timeoutMs: number; onLateKeep: () => void },
): Promise<KeepOutcome> {
  const claiming = claim();
  try {
    return (await withTimeout(claiming, options.timeoutMs, 'event keep')) ? 'kept' : 'duplicate';
  } catch (error) {
    claiming.then(
      (kept) => kept && options.onLateKeep(),
      () => undefined,
    );
    throw new EventNotKept(eventId, error);
  }
}

/**
 * A webhook's answer: what `answering` resolves to (200), or 503 with Retry-After when the event
 * could not be kept (logged once, by the channel, as a warning — it is routine during an outage).
 */
export async function ackOrRefuse(reply: FastifyReply, answering: Promise<unknown>): Promise<FastifyReply> {
  try {
    return reply.send(await answering);
  } catch (error) {
    if (!(error instanceof EventNotKept)) throw error;
    return reply.code(error.statusCode).headers(error.headers).send({ error: 'event not kept; send it again' });
  }
}
