// 「发起表决」 paused and picked up later, on a clock the test moves: a draft lasts a day from its last
// answer (not from its start); an opening time that passed while it waited is asked again rather
// than opened at once; after a day without a reply it is said to have expired.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, outboundText, type Harness } from '../support/app.ts';

const HOUR = 3_600_000;
// Monday 7 December 2026, 10:00 in Beijing.
let clock = new Date('2026-12-07T02:00:00Z');
let h: Harness;
const says = async (text: string) => (await h.user('sec1').says(text)).map(outboundText).join('\n');

beforeAll(async () => {
  h = await createHarness(
    {
      SECRETARIAT_CONSOLE_IDS: 'sec1',
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `t-${randomBytes(4).toString('hex')}`,
    },
    { now: () => clock },
  );
}, 120_000);
afterAll(async () => h?.close());

describe('a motion draft over days', () => {
  it('lasts a day from the last answer, asks again for a passed opening time, then expires', async () => {
    await says('发起表决');
    await says('重大事项');
    await says('年会地点');
    await says('请选择年会地点。');
    await says('默认');
    expect(await says('明天上午9点')).toContain('已记下 开始时间：2026年12月8日（周二）09:00（北京时间）');
    expect(await says('后天下午5点')).toContain('已记下 截止时间：2026年12月9日（周三）17:00（北京时间）');
    await says('默认');
    await says('默认');
    await says('否');
    expect(await says('不用')).toContain('请核对表决内容');

    // Confirmed the next morning, after 09:00: not opened unasked.
    clock = new Date(clock.getTime() + 23 * HOUR);
    const late = await says('就这样吧');
    expect(late).toContain('开始时间 2026年12月8日（周二）09:00（北京时间） 已经过去了，未创建');
    expect(late).toContain('何时开始投票？');
    expect(await h.app.services.db.prisma.motion.count()).toBe(0);

    // 46 hours after the start but 23 after the last answer: still there.
    clock = new Date(clock.getTime() + 23 * HOUR);
    const back = await says('继续');
    expect(back).toContain('接着发起表决');
    expect(back).toContain('何时开始投票？');

    // A day and an hour without a reply: said to have expired.
    clock = new Date(clock.getTime() + 25 * HOUR);
    expect(await says('继续')).toContain('上次未完成的发起表决超过 24 小时没有回复，已过期，未创建表决');
    expect(await h.app.services.db.prisma.motion.count()).toBe(0);
  }, 120_000);
});
