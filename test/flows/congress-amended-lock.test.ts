// The lock after an expulsion follows the charter as published, end to end on Feishu: 丁市教育中心 is expelled
// under the seed wording (第十九条: 两年内不得申请); the congress then amends 第十九条 to 三年 and the
// secretariat publishes it; 丙市教育中心 is expelled after that. 丙市教育中心's re-application is refused with
// 三年 and the date three years on; 丁市教育中心 keeps the two-year date it was given when it was expelled
// (stored then, not recomputed), and its refusal still says 两年. Withdrawals follow 第二十条 the same
// way: two years while it says 两年, eighteen months once an amendment saying 一年半 is published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeishuWorld, sentText, type FeishuWorld } from '../channels/support/feishu-service.ts';
import type { SentMessage } from '../channels/support/fake-feishu.ts';
import { importMembers } from '../../src/membership/members.ts';
import { addBeijingMonths, addBeijingYears, formatBeijingDate } from '../../src/time/beijing.ts';

let w: FeishuWorld;
const app = () => w.service.app;
const prisma = () => app().services.db.prisma;
const NEW_TEXT =
  '联盟成员违反联盟章程及有关协议、规约，或一年以上不履行义务，情节严重的，经秘书处核实，提交成员大会审议决定除名。联盟成员除名后三年内不得申请重新加入联盟。';

beforeAll(async () => {
  w = await startFeishuWorld({ SECRETARIAT_FEISHU_OPEN_IDS: 'ou_sec', APPLICATION_DEADLINE: '2099-12-31' });
  await importMembers(
    prisma(),
    'test',
    [
      'orgName,orgType,repName,channel,userId',
      '甲市教育中心,企业,甲,feishu,ou_m1',
      '乙市教育中心,企业,乙,feishu,ou_m2',
      '丙市教育中心,企业,丙,feishu,ou_m3',
      '丁市教育中心,企业,丁,feishu,ou_m4',
    ].join('\n'),
  );
}, 120_000);
afterAll(async () => w?.close());

async function sentTo(openId: string, contains: string): Promise<SentMessage> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const hit = w.fake.messages.find(
      (m) => m.chatId === `p2p:${openId}` && JSON.stringify(m.content).includes(contains),
    );
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`never sent: ${contains} → ${openId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A motion voted 赞成 by `voters` (clicks on their ballots) and closed early by the secretariat. */
async function passed(motion: { title: string } & Record<string, unknown>, voters: string[]) {
  const created = await app().congress.create('feishu:ou_sec', motion);
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  for (const openId of voters) await w.user(openId).clicks(await sentTo(openId, motion.title), 0);
  const confirm = (await w.user('ou_sec').says(`结束表决 ${created.motion.number}`))[0]!;
  expect(sentText((await w.user('ou_sec').clicks(confirm, 0)).sent)).toContain('获得通过');
  return created.motion;
}

const expulsion = (org: string) => ({
  kind: 'expulsion',
  title: `关于除名${org}的动议`,
  text: '该单位一年以上不履行义务，经秘书处核实，提请除名。',
  closes_at: new Date(Date.now() + 3_600_000).toISOString(),
  member: org,
  verification: '秘书处电话和函件核实，该单位一年以上未履行成员义务。',
});

/** What the unit's representative is told on applying again, at the organisation's name. */
async function reapply(openId: string, org: string): Promise<string> {
  const rep = w.user(openId);
  await rep.says('我要申请加入联盟');
  const refused = sentText(await rep.says(org));
  await rep.says('不想申请了');
  await rep.says('确认放弃');
  return refused;
}

/**
 * The unit's representative asks to withdraw (the question states the period), the secretariat
 * approves (so does its answer and the representative's notice); the period said and the stored lock.
 */
async function withdraws(openId: string, org: string) {
  const rep = w.user(openId);
  const asked = sentText(await rep.says('申请退出联盟'));
  const period = /一经退出(\S+?)内不得申请重新加入/.exec(asked)?.[1];
  expect(sentText(await rep.says('单位业务调整。'))).toContain(`已提交 ${org} 的退出申请`);
  const card = await sentTo('ou_sec', `退出联盟申请：${org}`);
  expect(sentText([card])).toContain(`批准后该单位${period}内不得申请重新加入（第二十条）`);
  const member = await prisma().member.findUniqueOrThrow({ where: { orgName: org } });
  const done = sentText((await w.user('ou_sec').clicks(card, 0)).sent);
  const after = await prisma().member.findUniqueOrThrow({ where: { id: member.id } });
  expect(after.status).toBe('withdrawn');
  const until = formatBeijingDate(after.lockedUntil!);
  expect(done).toContain(`已批准 ${org} 退出联盟，${period}内（至 ${until}）不得重新申请`);
  expect(sentText([await sentTo(openId, `秘书处已批准 ${org} 退出联盟`)])).toContain(`${period}内（至 ${until}）`);
  const years = (after.lockedUntil!.getTime() - after.leftAt!.getTime()) / (365.25 * 86_400_000);
  return { period, years: Math.round(years), leftAt: after.leftAt!, lockedUntil: after.lockedUntil! };
}

describe('the lock after an expulsion follows the published charter', () => {
  it('两年 before a 三年 amendment is published, 三年 after; a lock already given keeps its date', async () => {
    // 丁市教育中心, under the seed wording: two years.
    await passed(expulsion('丁市教育中心'), ['ou_m1', 'ou_m2', 'ou_m3']);
    expect(sentText([await sentTo('ou_m1', '【表决结果】')])).toContain('丁市教育中心 自即日起除名，两年内不得申请');
    const ding = await prisma().member.findUniqueOrThrow({ where: { orgName: '丁市教育中心' } });
    expect(ding.status).toBe('expelled');
    expect(ding.lockedUntil).toEqual(addBeijingYears(ding.leftAt!, 2));
    const dingUntil = formatBeijingDate(ding.lockedUntil!);
    expect(sentText([await sentTo('ou_m4', '被除名（第十九条）')])).toContain(`除名后两年内（至 ${dingUntil}）`);

    // The congress amends 第十九条 to 三年; the secretariat publishes it with one click.
    const amendment = await passed(
      {
        kind: 'amendment',
        title: '修订第十九条',
        text: '将除名后不得重新申请的期限由两年改为三年。',
        article: '19',
        new_text: NEW_TEXT,
        closes_at: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      },
      ['ou_m1', 'ou_m2', 'ou_m3'],
    );
    const publish = await sentTo('ou_sec', `【章程修订待发布】第${amendment.number}号`);
    const published = sentText((await w.user('ou_sec').clicks(publish, 0)).sent);
    expect(published).toContain('已发布修订后的章程：第十九条');
    expect(published).toContain('自即日起，除名后三年内不得申请重新加入；此前已除名的单位仍按当时确定的日期执行。');
    expect(sentText(await w.user('ou_m1').says('第十九条是怎么规定的？'))).toContain('三年内不得申请');

    // 丙市教育中心, expelled after the publication: three years, in the result, the notice and the lock.
    await passed(expulsion('丙市教育中心'), ['ou_m1', 'ou_m2']);
    const result = sentText([await sentTo('ou_m1', '丙市教育中心 自即日起除名')]);
    expect(result).toContain('丙市教育中心 自即日起除名，三年内不得申请');
    const bing = await prisma().member.findUniqueOrThrow({ where: { orgName: '丙市教育中心' } });
    expect(bing.status).toBe('expelled');
    expect(bing.lockedUntil).toEqual(addBeijingYears(bing.leftAt!, 3));
    const bingUntil = formatBeijingDate(bing.lockedUntil!);
    expect(sentText([await sentTo('ou_m3', '被除名（第十九条）')])).toContain(`除名后三年内（至 ${bingUntil}）`);

    // Re-applications: 丙市教育中心 refused for three years, 丁市教育中心 still for the two years it was given.
    const bingRefused = await reapply('ou_m3', '丙市教育中心');
    expect(bingRefused).toContain('第十九条');
    expect(bingRefused).toContain('被除名，三年内不得申请重新加入');
    expect(bingRefused).toContain(`${bingUntil} 之后才可以再申请`);
    const dingRefused = await reapply('ou_m4', '丁市教育中心');
    expect(dingRefused).toContain('被除名，两年内不得申请重新加入');
    expect(dingRefused).toContain(`${dingUntil} 之后才可以再申请`);
    expect((await prisma().member.findUniqueOrThrow({ where: { orgName: '丁市教育中心' } })).lockedUntil).toEqual(
      ding.lockedUntil,
    );
    expect(await prisma().application.count({ where: { status: { notIn: ['draft', 'cancelled'] } } })).toBe(0);

    // A withdrawal (第二十条, not amended): still two years, in the question, the decision and the lock.
    expect(await withdraws('ou_m1', '甲市教育中心')).toMatchObject({ period: '两年', years: 2 });

    // 第二十条 amended to 一年半 and published: the next withdrawal locks out for eighteen months.
    const second = await passed(
      {
        kind: 'amendment',
        title: '修订第二十条',
        text: '将退出后不得重新申请的期限由两年改为一年半。',
        article: '第二十条',
        new_text:
          '成员可自愿退出联盟，退出成员需向秘书处提出申请，经批准后方可退出。一经退出，一年半内不得申请重新加入联盟。',
        closes_at: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      },
      ['ou_m2'],
    );
    const publish20 = await sentTo('ou_sec', `【章程修订待发布】第${second.number}号`);
    expect(sentText((await w.user('ou_sec').clicks(publish20, 0)).sent)).toContain('退出后一年半内不得申请重新加入');

    // 第十九条 amended again to a wording that states no period the bot can read: published, and the
    // secretariat is told the seed charter's 两年 goes on applying.
    const vague = await passed(
      {
        kind: 'amendment',
        title: '再次修订第十九条',
        text: '删去期限。',
        article: '19',
        new_text:
          '联盟成员违反联盟章程，情节严重的，经秘书处核实，提交成员大会审议决定除名。除名后不得随意申请重新加入联盟。',
        closes_at: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      },
      ['ou_m2'],
    );
    const publishVague = await sentTo('ou_sec', `【章程修订待发布】第${vague.number}号`);
    expect(sentText((await w.user('ou_sec').clicks(publishVague, 0)).sent)).toContain(
      '注意：修订后的第十九条没有写明能识别的重新申请期限（例如“三年内不得申请”），除名后的期限仍按原章程的两年执行。',
    );
    const yi = await withdraws('ou_m2', '乙市教育中心');
    expect(yi.period).toBe('一年半');
    expect(yi.lockedUntil).toEqual(addBeijingMonths(yi.leftAt, 18));
    const yiRefused = await reapply('ou_m2', '乙市教育中心');
    expect(yiRefused).toContain('第二十条');
    expect(yiRefused).toContain(
      `退出联盟，一年半内不得申请重新加入，${formatBeijingDate(yi.lockedUntil)} 之后才可以再申请`,
    );
    // The amended wording was read, not the seed fallback.
    expect(JSON.stringify(w.logs)).not.toContain('the seed charter period applies');
  }, 240_000);
});
