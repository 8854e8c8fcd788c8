// Driving a motion's timers in a test without waiting for them: the close and the 24 h / 1 h
// reminders are delayed BullMQ jobs on the `timers` queue (delivery/timers.worker.ts), scheduled when
// the motion was created. A test checks each is due when it should be, then promotes it: the
// service's own timers worker runs it at once, exactly as it would at its time.
import type { Job } from 'bullmq';
import type { App } from '../../../src/app.ts';
import { timerKey } from '../../../src/delivery/timers.ts';

/** The reminders' offsets before the close: a day and an hour. */
export const DAY = 86_400_000;
export const HOUR = 3_600_000;

const jobIdOf = (name: string, id: string) => timerKey(name, id).replaceAll(':', '-');

/** The delayed job of a motion's timer: `congress.close`, or `congress.remind` with its offset. */
export async function motionTimer(app: App, motionId: string, remindBeforeMs?: number): Promise<Job> {
  const queue = app.services.delivery!.timers!.queue;
  const id =
    remindBeforeMs === undefined
      ? jobIdOf('congress.close', motionId)
      : jobIdOf('congress.remind', `${motionId}:${remindBeforeMs}`);
  const job = await queue.getJob(id);
  if (!job) throw new Error(`no timer ${id}`);
  return job;
}

/** When the job is due (ms since the epoch). */
export const dueAt = (job: Job): number => job.timestamp + (job.delay ?? 0);

/** Runs a delayed timer now and waits until the worker has finished it. */
export async function fireNow(job: Job): Promise<void> {
  await job.promote();
  for (let i = 0; i < 600; i += 1) {
    const state = await job.getState();
    if (state === 'completed') return;
    if (state === 'failed') throw new Error(`timer ${job.id} failed: ${job.failedReason}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timer ${job.id} did not run`);
}
