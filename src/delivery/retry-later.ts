// A job that failed because the database or Redis was away (not because of what it carries) is put
// back as delayed instead of failed: BullMQ counts no attempt for it, so an outage of any length
// cannot use up a message's attempts and leave it failed while the platform never saw it.
import { DelayedError, type Job } from 'bullmq';
import { BotError } from '../bot/errors.ts';
import { backoffMs, isTransient } from '../bot/transient.ts';

/** The database or Redis (not the platform, whose failures count attempts) failed transiently. */
export function isInfrastructureOutage(error: unknown): boolean {
  return !(error instanceof BotError) && isTransient(error);
}

/** Runs a job's work; an infrastructure outage delays the job by a few seconds without counting an attempt. */
export async function delayThroughOutages<T>(job: Job, token: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isInfrastructureOutage(error) || !token) throw error;
    await job.moveToDelayed(Date.now() + backoffMs(3, 500, 5_000), token);
    throw new DelayedError();
  }
}
