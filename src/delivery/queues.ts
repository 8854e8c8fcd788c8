// BullMQ queue names and options. One deliver queue per channel, so each channel's platform limits
// (BullMQ's rate limiter is per queue) slow only that channel.
import type { DefaultJobOptions } from 'bullmq';
import type { Config } from '../config.ts';
import type { Address } from '../channels/channel.ts';

export const TIMERS_QUEUE = 'timers';

export const deliverQueueName = (channel: string): string => `deliver-${channel}`;

/**
 * A deliver job names its outbox row. A reply batch enqueued by the process that committed it also
 * carries the row's address and payload, so its first run needs no read of the row
 * (Delivery.enqueueCommitted); jobs added by the relay or the sweep carry only the id.
 */
export type DeliverJob = { id: string; address?: Address; payload?: unknown };

export function deliverJobOptions(config: Config): DefaultJobOptions {
  return {
    attempts: config.delivery.attempts,
    // Exponential backoff with jitter so a platform hiccup does not make every job retry in lockstep.
    backoff: { type: 'exponential', delay: config.delivery.backoffMs, jitter: 0.5 },
    // Completed jobs are kept a while so a re-add with the same job id (relay retry) stays a no-op.
    removeOnComplete: { age: 24 * 3600, count: 50_000 },
    // Failed jobs stay visible to operators (Bull Board) for a week.
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export const timerJobOptions: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
  removeOnComplete: { age: 30 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};
