// Re-applying after an expulsion, end to end on Feishu (issue 17's test gap): the congress expels a
// unit by motion (第十九条), its former representative fills the application form again and is refused
// at submission with the article and the date the lock ends; once the two years are over, the same
// form goes through to the secretariat's review.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeishuWorld, sentText, type FeishuWorld } from '../channels/support/feishu-service.ts';
import type { SentMessage } from '../channels/support/fake-feishu.ts';
import { cardTo, importFeishuMembers } from '../channels/support/feishu-congress.ts';

let w: FeishuWorld;
const prisma = () => w.service.app.services.db.prisma;

beforeAll(async () => {
  w = await startFeishuWorld({ SECRETARIAT_FEISHU_OPEN_IDS: 'ou_sec', APPLICATION_DEADLINE: '2099-12-31' });
  await importFeishuMembers(w, [
    ['甲单位', '甲', 'ou_m1'],
    ['乙单位', '乙', 'ou_m2'],
    ['贵州某某教育科技有限公司', '丙', 'ou_m3'],
  ]);
}, 120_000);
afterAll(async () => w?.close());

/** The rest of the form after the organisation's name, up to the summary, then 确认提交. */
async function finishForm(openId: string): Promise<string> {
  const user = w.user(openId);
  let last: SentMessage[] = [];
  for (const text of [
    '贵州省贵阳市云岩区北京路1号',
    '公司',
    '本公司成立于2010年，员工200人，从事数字教育资源开发，已接入国家体系。',
    '王磊，信息科科长，13812345678，wanglei@example.com',
    '同上',
  ])
    last = await user.says(text);
  expect(sentText(last)).toContain('入盟申请汇总');
  return sentText(await user.says('确认提交'));
}

describe('re-applying after an expulsion', () => {
  it('is refused for two years with 第十九条 and the date, then goes through to review', async () => {
    const created = await w.service.app.congress.create('feishu:ou_sec', {
      kind: 'expulsion',
      title: '关于除名贵州某某教育科技有限公司的动议',
      text: '该单位一年以上不履行义务，经秘书处核实，提请除名。',
      closes_at: new Date(Date.now() + 3_600_000).toISOString(),
      member: '贵州某某教育科技有限公司',
      verification: '秘书处电话和函件核实，该单位一年以上未履行成员义务。',
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const number = created.motion.number;
    await w.user('ou_m1').clicks(await cardTo(w, 'ou_m1', '关于除名'), 0);
    await w.user('ou_m2').clicks(await cardTo(w, 'ou_m2', '关于除名'), 0);
    const confirm = (await w.user('ou_sec').says(`结束表决 ${number}`))[0]!;
    expect(sentText((await w.user('ou_sec').clicks(confirm, 0)).sent)).toContain('获得通过');
    const expelled = await prisma().member.findUniqueOrThrow({ where: { orgName: '贵州某某教育科技有限公司' } });
    expect(expelled.status).toBe('expelled');

    // The former representative applies again at once: refused as soon as the name is given, with
    // the article and the day the lock ends; nothing is submitted.
    const rep = w.user('ou_m3');
    await rep.says('我要申请加入联盟');
    const refused = sentText(await rep.says('贵州某某教育科技有限公司'));
    expect(refused).toContain('第十九条');
    expect(refused).toContain('被除名');
    expect(refused).toContain(`${expelled.lockedUntil!.getUTCFullYear()}年`);
    expect(refused).toContain('单位名称'); // asked again, not taken
    // The same organisation written a little differently (a space, full-width brackets) is refused too.
    expect(sentText(await rep.says('贵州某某教育科技 有限公司'))).toContain('第十九条');
    expect(await prisma().application.count({ where: { status: { not: 'draft' } } })).toBe(0);

    // Two years later (the lock is over): the same name is taken and the form goes to review.
    await prisma().member.update({
      where: { id: expelled.id },
      data: { lockedUntil: new Date(Date.now() - 1000), leftAt: new Date(Date.now() - 2 * 366 * 86_400_000) },
    });
    expect(sentText(await rep.says('贵州某某教育科技有限公司'))).toContain(
      '已记下——单位名称：贵州某某教育科技有限公司',
    );
    const submitted = await finishForm('ou_m3');
    expect(submitted).not.toContain('第十九条');
    const application = await prisma().application.findFirstOrThrow({ where: { userId: 'ou_m3' } });
    expect(application.status).toBe('submitted');
    await cardTo(w, 'ou_sec', '贵州某某教育科技有限公司');
  }, 180_000);
});
