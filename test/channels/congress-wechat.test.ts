// A congress vote on WeChat (wechaty-puppet-mock): the vote card arrives as a numbered text ballot
// through the outbox, the reply 「1」 casts the unit's vote, typing 反对 afterwards is refused as a
// change the motion does not allow, the result arrives at the close.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWechatWorld, type WechatWorld } from './support/wechat-service.ts';
import { says, waitFor } from './support/wechat-congress.ts';
import { importMembers } from '../../src/membership/members.ts';

let w: WechatWorld;
beforeAll(async () => {
  w = await startWechatWorld();
}, 120_000);
afterAll(async () => w?.close());

describe('voting on WeChat', () => {
  it('numbered ballot → reply 1 → vote recorded → result', async () => {
    const jia = w.person('甲代表');
    const yi = w.person('乙代表');
    const prisma = w.service.app.services.db.prisma;
    await importMembers(
      prisma,
      'test',
      `orgName,orgType,repName,channel,userId\n甲单位,企业,甲,wechat,${jia.id}\n乙单位,企业,乙,wechat,${yi.id}\n`,
    );
    const created = await w.service.app.congress.create('cli', {
      kind: 'general',
      title: '年度报告',
      text: '审议年度报告。',
      closes_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    if (!created.ok) throw new Error('not created');
    const ballot = await waitFor(jia, '年度报告');
    expect(ballot).toContain('回复「1」赞成');
    expect(ballot).toContain('回复「2」反对');
    expect(await says(jia, '1')).toContain('已记录 甲单位');
    expect(await says(jia, '反对')).toContain('目前没有等待您投票的表决');
    await waitFor(yi, '年度报告');
    expect(await says(yi, '2')).toContain('投票：反对');
    const closed = await w.service.app.congress.close(created.motion.id, 'cli');
    expect(closed).toMatchObject({ kind: 'closed', passed: false, tally: { counts: { 赞成: 1, 反对: 1, 弃权: 0 } } });
    expect(await waitFor(jia, '表决结果')).toContain('未获通过');
  }, 120_000);
});
