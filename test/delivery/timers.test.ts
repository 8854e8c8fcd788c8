// Timers are BullMQ jobs with idempotent handlers: the yearly congress reminder (第十七条) is a job
// scheduler, and firing it twice in a year reminds the secretariat once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMembershipHarness, type MembershipHarness } from '../support/membership-harness.ts';

let h: MembershipHarness;
beforeAll(async () => {
  h = await createMembershipHarness({ CONGRESS_REMINDER_CRON: '0 9 15 1 *' });
});
afterAll(async () => h?.close());

describe('timers', () => {
  it('schedules the yearly congress reminder and reminds once per year however often it fires', async () => {
    const timers = h.app.services.delivery!.timers!;
    const schedulers = await timers.queue.getJobSchedulers();
    expect(schedulers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'congress.reminder', pattern: '0 9 15 1 *', tz: 'Asia/Shanghai' }),
      ]),
    );
    await timers.queue.add('congress.reminder', {});
    await timers.queue.add('congress.reminder', {});
    await h.user('sec1').waitFor('成员大会年度提醒');
    await h.user('sec2').waitFor('成员大会年度提醒');
    await h.settle();
    // Wait until both jobs ran (the second one found the reminder already written).
    for (let i = 0; i < 100 && (await timers.queue.getJobCountByTypes('completed')) < 2; i += 1)
      await new Promise((r) => setTimeout(r, 50));
    await h.settle();
    expect(h.user('sec1').inbox.filter((o) => o.kind === 'card' && o.card.title.includes('成员大会'))).toHaveLength(1);
  });

  it('a timer for an unknown or settled notice is harmless', async () => {
    const timers = h.app.services.delivery!.timers!;
    const job = await timers.queue.add('notice.end', { notice: 'no-such-notice' });
    for (let i = 0; i < 100 && !(await job.isCompleted()); i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(await job.isCompleted()).toBe(true);
  });
});
