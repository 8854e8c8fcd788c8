// Votes typed the way people type them on phones, through the console: 「我投赞成票」「投赞成」「赞成票」
// 「赞成！！」「我赞成」「12号 赞成」「第１２号投反对」 are votes; a synonym (同意, 不同意) is asked about and
// recorded only once confirmed; a charter question with 赞成 in it, and anything typed when no motion
// is open, still reach Q&A; a motion with its own options keeps working; and 「投票 N 赞成」 typed in the
// middle of the application form is cast, after which the form picks up where it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMembershipHarness, type MembershipHarness } from '../support/membership-harness.ts';

let h: MembershipHarness;
const congress = () => h.app.congress;
const prisma = () => h.app.services.db.prisma;
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const UNITS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'k'] as const;
const ORG: Record<string, string> = Object.fromEntries(UNITS.map((u, i) => [u, `${'甲乙丙丁戊己庚辛壬'[i]}单位`]));

/** The unit's recorded choice on the motion, or undefined. */
async function choiceOf(motionId: string, user: string): Promise<string | undefined> {
  const member = await prisma().member.findFirstOrThrow({ where: { orgName: ORG[user] } });
  const row = await prisma().voterRecord.findFirst({ where: { motionId, memberId: member.id } });
  return row?.choice ?? undefined;
}

async function create(title: string, extra: Record<string, unknown> = {}) {
  const created = await congress().create('console:sec1', {
    kind: 'general',
    title,
    text: `${title}全文`,
    closes_at: inAnHour(),
    ...extra,
  });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  return created.motion;
}

beforeAll(async () => {
  h = await createMembershipHarness({ APPLICATION_DEADLINE: '2099-12-31' });
  await h.importMembers(UNITS.map((u) => [ORG[u]!, u]));
}, 120_000);
afterAll(async () => h?.close());

describe('typed votes, phrased loosely', () => {
  it('with no motion open: a synonym and a charter question go to Q&A, a plain vote word is told nothing is open', async () => {
    await h.user('a').says('同意');
    expect(h.user('a').lastText()).not.toContain('您是要对');
    expect(h.user('a').lastText()).not.toContain('表决');
    await h.user('a').says('我投赞成票');
    expect(h.user('a').lastText()).toContain('目前没有等待您投票的表决');
    // Someone outside the alliance, nothing open: not a vote at all.
    await h.user('q').says('我投赞成票');
    expect(h.user('q').lastText()).not.toContain('投票未记录');
  });

  it('each phrasing is the vote it names; synonyms are asked about; a charter question stays a question', async () => {
    const m = await create('年度工作计划', { allow_change: true });
    await h.user('a').waitFor('年度工作计划');

    const phrasings: [string, string][] = [
      ['a', '我投赞成票'],
      ['b', '投赞成'],
      ['c', '赞成票'],
      ['d', '赞成！！'],
      ['e', '赞成 '],
      ['f', '我赞成'],
    ];
    for (const [u, text] of phrasings) {
      await h.user(u).says(text);
      expect(h.user(u).lastText(), text).toContain(`已记录 ${ORG[u]} 对第${m.number}号表决“年度工作计划”的投票：赞成`);
      expect(await choiceOf(m.id, u)).toBe('赞成');
    }

    // Changes (the motion allows them), typed loosely.
    await h.user('a').says('反对票');
    expect(h.user('a').lastText()).toContain(`由“赞成”改为“反对”`);
    await h.user('a').says('投弃权票');
    expect(h.user('a').lastText()).toContain(`由“反对”改为“弃权”`);
    await h.user('b').says('弃权吧');
    expect(h.user('b').lastText()).toContain(`由“赞成”改为“弃权”`);
    // The motion named, in full-width digits and with words around the number.
    await h.user('c').says(`第${toFullWidth(m.number)}号投反对`);
    expect(h.user('c').lastText()).toContain(`由“赞成”改为“反对”`);
    await h.user('d').says(`${m.number}号 反对`);
    expect(h.user('d').lastText()).toContain(`由“赞成”改为“反对”`);
    await h.user('e').says(`投票${m.number}号弃权`);
    expect(h.user('e').lastText()).toContain(`由“赞成”改为“弃权”`);
    expect(await choiceOf(m.id, 'e')).toBe('弃权');

    // 不赞成 holds 赞成 but means 反对: asked, not guessed, and nothing changes until confirmed.
    await h.user('f').says('我不赞成');
    expect(h.user('f').lastText()).toContain(`您是要对第${m.number}号表决“年度工作计划”投“反对”吗？请回复“反对”确认`);
    expect(await choiceOf(m.id, 'f')).toBe('赞成');
    await h.user('f').says('反对');
    expect(h.user('f').lastText()).toContain(`由“赞成”改为“反对”`);

    // A charter question with 赞成 in it, from a unit whose vote is awaited: answered, not a vote.
    await h.user('g').says('章程修订需要多少票赞成');
    expect(h.user('g').lastText()).toContain('第二十三条');
    expect(h.user('g').lastText()).not.toContain('投票');
    expect(await choiceOf(m.id, 'g')).toBeUndefined();
    // So is 「赞成吗？」: a question.
    await h.user('g').says('赞成吗？');
    expect(await choiceOf(m.id, 'g')).toBeUndefined();

    // 同意: asked → 「赞成」 → recorded.
    await h.user('g').says('同意');
    expect(h.user('g').lastText()).toContain(
      `您回复的是“同意”。您是要对第${m.number}号表决“年度工作计划”投“赞成”吗？请回复“赞成”确认`,
    );
    expect(await choiceOf(m.id, 'g')).toBeUndefined();
    await h.user('g').says('赞成');
    expect(h.user('g').lastText()).toContain(`已记录 ${ORG.g} 对第${m.number}号表决“年度工作计划”的投票：赞成`);
    expect(await choiceOf(m.id, 'g')).toBe('赞成');

    // 不同意 is 反对 (never 同意 → 赞成); a plain 「是」 confirms outside a dialog.
    await h.user('h').says('不同意');
    expect(h.user('h').lastText()).toContain('投“反对”吗');
    expect(h.user('h').lastText()).not.toContain('投“赞成”吗');
    await h.user('h').says('是的');
    expect(h.user('h').lastText()).toContain(`已记录 ${ORG.h} 对第${m.number}号表决“年度工作计划”的投票：反对`);
    // The question holds for the next message only: 支持, then something else, then 赞成 is a change
    // only by its own word.
    await h.user('k').says('支持');
    expect(h.user('k').lastText()).toContain('投“赞成”吗');
    await h.user('k').says('会费什么时候交？');
    expect(await choiceOf(m.id, 'k')).toBeUndefined();
    await h.user('k').says('是');
    expect(await choiceOf(m.id, 'k')).toBeUndefined();
    await h.user('k').says('投赞成票吧');
    expect(await choiceOf(m.id, 'k')).toBe('赞成');
    await congress().close(m.id, 'console:sec1');
  }, 180_000);

  it('a motion with its own options: 投方案二, 投票 N 方案一; a bare 赞成 lists what awaits', async () => {
    const m = await create('年会方案', { options: ['方案一', '方案二', '弃权'] });
    await h.user('a').waitFor('年会方案');
    await h.user('a').says('投方案二');
    expect(h.user('a').lastText()).toContain(`对第${m.number}号表决“年会方案”的投票：方案二`);
    await h.user('b').says(`投票 ${m.number} 方案一`);
    expect(h.user('b').lastText()).toContain('的投票：方案一');
    await h.user('c').says(`${m.number}号 方案三`);
    expect(await choiceOf(m.id, 'c')).toBeUndefined();
    await h.user('c').says(`投票 ${m.number} 方案三`);
    expect(h.user('c').lastText()).toContain('没有“方案三”这个选项，可选：方案一、方案二、弃权');
    await h.user('c').says('赞成');
    expect(h.user('c').lastText()).toContain('有 1 项表决等待贵单位投票');
    // A synonym fits none of its options: not asked about, not recorded.
    await h.user('c').says('同意');
    expect(h.user('c').lastText()).not.toContain('您是要对');
    expect(await choiceOf(m.id, 'c')).toBeUndefined();
    await congress().close(m.id, 'console:sec1');
  }, 120_000);

  it('投票 N 赞成 in the middle of the application form is cast; the form picks up and keeps the next answer', async () => {
    const m = await create('秘书处工作报告');
    const u = h.user('d');
    await u.waitFor('秘书处工作报告');
    await u.says('我们单位想加入联盟');
    expect(u.lastText()).toContain('第 1/12 项：单位名称');
    await u.says('贵州省电化教育馆');
    expect(u.lastText()).toContain('第 2/12 项：地址');

    await u.says(`投票 ${m.number} 赞成`);
    expect(u.lastText()).toContain(`已记录 ${ORG.d} 对第${m.number}号表决“秘书处工作报告”的投票：赞成`);
    expect(u.lastText()).toContain('我们接着填申请表');
    expect(u.lastText()).toContain('第 2/12 项：地址');
    expect(await choiceOf(m.id, 'd')).toBe('赞成');

    // The next answer is the form's, saved.
    await u.says('贵州省贵阳市云岩区北京路 123 号');
    expect(u.lastText()).toContain('第 3/12 项');
    const draft = await prisma().application.findFirstOrThrow({
      where: { userId: 'd' },
      orderBy: { createdAt: 'desc' },
    });
    expect((draft.fields as Record<string, string>).address).toContain('北京路');
    expect((draft.fields as Record<string, string>).orgName).toBe('贵州省电化教育馆');
    await congress().close(m.id, 'console:sec1');
  }, 120_000);

  it('mid-form, a bare vote word the field cannot use is a vote; one the step can use stays the form’s', async () => {
    const m = await create('会费标准');
    const u = h.user('e');
    await u.waitFor('会费标准');
    await u.says('我要申请加入联盟');
    expect(u.lastText()).toContain('第 1/12 项：单位名称');
    // 「弃权」 is no unit name: the vote, then the form asks its question again.
    await u.says('弃权');
    expect(u.lastText()).toContain(`对第${m.number}号表决“会费标准”的投票：弃权`);
    expect(u.lastText()).toContain('第 1/12 项：单位名称');
    await u.says('贵阳市第一中学');
    expect(u.lastText()).toContain('第 2/12 项：地址');
    // 「确定要放弃吗？」 takes any short reply: 赞成 there stays the form's (no vote reply).
    await u.says('不想申请了');
    expect(u.lastText()).toContain('确定要放弃这份入盟申请吗');
    await u.says('赞成');
    expect(u.lastText()).toContain('不放弃');
    expect(u.lastText()).not.toContain('表决');
    expect(await choiceOf(m.id, 'e')).toBe('弃权');
    await congress().close(m.id, 'console:sec1');
  }, 120_000);

  it('a vote typed while the bot waits for a withdrawal reason: cast, then the reason is asked for again and taken', async () => {
    const m = await create('信息化论坛承办');
    const u = h.user('f');
    await u.waitFor('信息化论坛承办');
    await u.says('申请退出联盟');
    expect(u.lastText()).toContain('请说明退出原因');
    // A bare 反对 here would be taken as the reason (a dialog keeps what it can use); the motion
    // named is a vote.
    await u.says(`${m.number}号 反对`);
    expect(u.lastText()).toContain(`已记录 ${ORG.f} 对第${m.number}号表决“信息化论坛承办”的投票：反对`);
    expect(u.lastText()).toContain('刚才要您说明的原因还没有收到');
    await u.says('单位业务调整，无力继续承担成员义务');
    expect(u.lastText()).not.toContain('原因还没有收到');
    expect(u.lastText()).toContain(`已提交 ${ORG.f} 的退出申请`);
    const withdrawal = await prisma().withdrawalRequest.findFirst({ where: { reason: { contains: '业务调整' } } });
    expect(withdrawal).not.toBeNull();
    await congress().close(m.id, 'console:sec1');
  }, 120_000);

  it('odd input: a clear Chinese reply, nothing recorded, never a crash', async () => {
    const m = await create('奇怪的输入');
    const u = h.user('g');
    await u.waitFor('奇怪的输入');
    await u.says('投票 999999999 赞成');
    expect(u.lastText()).toContain('没有找到这项表决，投票未记录');
    await u.says('投票 0 赞成');
    expect(u.lastText()).toContain('没有找到这项表决');
    // Without 投票, a number that names no motion is no vote: answered as what it is.
    await u.says('999999号 赞成');
    expect(u.lastText()).not.toContain('已记录');
    await u.says('赞成赞成赞成');
    expect(u.lastText()).not.toContain('已记录');
    await u.says('赞成，反对');
    expect(u.lastText()).not.toContain('已记录');
    await u.says(`投票 ${m.number} ${'赞'.repeat(25)}`);
    expect(u.lastText()).toContain('这个选项，可选：赞成、反对、弃权');
    await u.says('👍赞成👍');
    expect(u.lastText()).toContain(`对第${m.number}号表决“奇怪的输入”的投票：赞成`);
    await congress().close(m.id, 'console:sec1');
  }, 120_000);
});

function toFullWidth(n: number): string {
  return String(n).replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
}
