// Votes typed loosely on WeChat (wechaty-puppet-mock, the `wechat` service end to end): 「我投赞成票」
// 「第１２号投反对」「弃权吧」 are votes; 同意 is asked about and recorded once 「赞成」 confirms it; a
// charter question with 赞成 in it reaches Q&A; with no motion open a synonym is just talk; and
// 「投票 N 赞成」 in the middle of the application form is cast, the form then asking its question
// again and keeping the next answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWechatWorld, type WechatPerson, type WechatWorld } from '../channels/support/wechat-service.ts';
import { joined, meetTheCast, waitFor, type Cast } from '../channels/support/wechat-congress.ts';

let w: WechatWorld;
let c: Cast;
const app = () => w.service.app;
const prisma = () => app().services.db.prisma;
const inTwoDays = () => new Date(Date.now() + 2 * 86_400_000).toISOString();
const says = async (person: WechatPerson, text: string) => joined(await person.says(text));

async function choiceOf(motionId: string, orgName: string): Promise<string | undefined> {
  const member = await prisma().member.findUniqueOrThrow({ where: { orgName } });
  return (await prisma().voterRecord.findFirst({ where: { motionId, memberId: member.id } }))?.choice ?? undefined;
}

beforeAll(async () => {
  w = await startWechatWorld({ APPLICATION_DEADLINE: '2099-12-31' });
  c = await meetTheCast(w);
}, 120_000);
afterAll(async () => w?.close());

describe('typed votes on WeChat, phrased loosely', () => {
  it('no motion open: 同意 and a charter question are answered as talk; nothing recorded', async () => {
    const agreed = await says(c.yi, '同意');
    expect(agreed).not.toContain('您是要对');
    expect(agreed).not.toContain('投票');
    expect(await says(c.yi, '章程修订需要多少票赞成')).toContain('第二十三条');
    expect(await prisma().voterRecord.count()).toBe(0);
  });

  it('loose phrasings, a synonym confirmed, a charter question mid-vote, a vote in the middle of the application form', async () => {
    const created = await app().congress.create(`wechat:${c.sec.id}`, {
      kind: 'general',
      title: '2027 年度经费预算',
      text: '审议 2027 年度经费预算。',
      closes_at: inTwoDays(),
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const m = created.motion;
    const n = m.number;
    for (const p of c.members) await waitFor(p, '】2027 年度经费预算');

    expect(await says(c.jia, '我投赞成票')).toContain(`已记录 甲单位 对第${n}号表决“2027 年度经费预算”的投票：赞成`);
    const fullWidth = String(n).replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    expect(await says(c.yi, `第${fullWidth}号投反对`)).toContain(`已记录 乙单位 对第${n}号表决`);
    expect(await choiceOf(m.id, '乙单位')).toBe('反对');

    // A charter question with 赞成 in it, while 丙单位's vote is awaited: Q&A, no vote.
    const asked = await says(c.bing, '章程修订需要多少票赞成');
    expect(asked).toContain('第二十三条');
    expect(asked).not.toContain('已记录');
    expect(await choiceOf(m.id, '丙单位')).toBeUndefined();
    // 同意: asked, nothing recorded; 「赞成」 confirms.
    const question = await says(c.bing, '同意');
    expect(question).toContain(`您是要对第${n}号表决“2027 年度经费预算”投“赞成”吗？请回复“赞成”确认`);
    expect(await choiceOf(m.id, '丙单位')).toBeUndefined();
    expect(await says(c.bing, '赞成')).toContain(`已记录 丙单位 对第${n}号表决“2027 年度经费预算”的投票：赞成`);
    expect(await choiceOf(m.id, '丙单位')).toBe('赞成');

    // 丁市教育中心's representative is filling in an application form for another unit.
    expect(await says(c.ding, '我们单位想加入联盟')).toContain('第 1/12 项：单位名称');
    expect(await says(c.ding, '黔南州教育信息中心')).toContain('第 2/12 项：地址');
    const midForm = await says(c.ding, `投票 ${n} 弃权`);
    expect(midForm).toContain(`已记录 丁市教育中心 对第${n}号表决“2027 年度经费预算”的投票：弃权`);
    expect(midForm).toContain('我们接着填申请表');
    expect(midForm).toContain('第 2/12 项：地址');
    expect(await choiceOf(m.id, '丁市教育中心')).toBe('弃权');
    expect(await says(c.ding, '贵州省都匀市剑江中路 8 号')).toContain('第 3/12 项');
    const draft = await prisma().application.findFirstOrThrow({ where: { userId: c.ding.id } });
    expect(draft.fields).toMatchObject({ orgName: '黔南州教育信息中心' });
    expect((draft.fields as Record<string, string>).address).toContain('剑江中路');

    // Four votes, each as typed.
    const votes = await prisma().voterRecord.findMany({ where: { motionId: m.id }, select: { choice: true } });
    expect(votes.map((v) => v.choice).sort()).toEqual(['反对', '弃权', '赞成', '赞成'].sort());
    // An outsider's 弃权吧 while a vote is on: refused with the reason; 支持 from them is just talk.
    expect(await says(c.outsider, '弃权吧')).toContain('不是成员单位代表的账号，投票未记录');
    expect(await says(c.outsider, '支持')).not.toContain('您是要对');
  }, 300_000);
});
