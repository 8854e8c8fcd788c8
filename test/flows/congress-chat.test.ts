// The congress in chat, the way people type it: 赞成 where one motion awaits, `投票 N 选项` where
// several do, a secret ballot's receipt; and an amendment that passes, is published by the
// secretariat with one click, after which Q&A answers from the new wording and says when it was
// amended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMembershipHarness, type MembershipHarness } from '../support/membership-harness.ts';
import { outboundText } from '../support/app.ts';

let h: MembershipHarness;
const congress = () => h.app.congress;
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

beforeAll(async () => {
  h = await createMembershipHarness();
  await h.importMembers([
    ['甲单位', 'a'],
    ['乙单位', 'b'],
    ['丙单位', 'c'],
  ]);
}, 120_000);
afterAll(async () => h?.close());

describe('typed votes', () => {
  it('赞成 where one motion awaits; a number where several do; a secret ballot gets a receipt', async () => {
    const one = await congress().create('console:sec1', {
      kind: 'general',
      title: '年会地点',
      text: '2027 年年会在贵阳召开。',
      closes_at: inAnHour(),
    });
    if (!one.ok) throw new Error('not created');
    await h.user('a').waitFor('年会地点');
    expect(h.user('a').inboxText()).toContain('投票 ');
    await h.user('a').says('赞成');
    expect(h.user('a').lastText()).toContain('已记录 甲单位');
    expect(h.user('a').lastText()).toContain('赞成');
    await h.user('a').says('反对');
    expect(h.user('a').lastText()).toContain('目前没有等待您投票的表决');
    await h.user('zz').says('赞成');
    expect(h.user('zz').lastText()).not.toContain('已记录');

    const two = await congress().create('console:sec1', {
      kind: 'rules',
      title: '会费细则',
      text: '会费细则全文',
      closes_at: inAnHour(),
      secret: true,
    });
    if (!two.ok) throw new Error('not created');
    await h.user('b').says('赞成');
    expect(h.user('b').lastText()).toContain('有 2 项表决等待您投票');
    await h.user('b').says(`投票 ${two.motion.number} 反对`);
    expect(h.user('b').lastText()).toMatch(/无记名投票。回执码：[2-9A-Z]{10}/);
    expect(h.user('b').lastText()).not.toContain('反对');
    await h.user('b').says(`投票 ${two.motion.number} 赞成`);
    expect(h.user('b').lastText()).toContain('无记名投票投出后不能更改');
    // Now only one awaits.
    await h.user('b').says('赞成');
    expect(h.user('b').lastText()).toContain(`第${one.motion.number}号表决“年会地点”的投票：赞成`);
    // Secretariat's turnout: counts hidden until the close.
    await h.user('sec1').says(`表决状态 ${two.motion.number}`);
    expect(h.user('sec1').lastText()).toContain('已投票 1 家');
    expect(h.user('sec1').lastText()).toContain('计票结果在表决结束后公布');
    await h.user('a').says(`表决状态 ${two.motion.number}`);
    expect(h.user('a').lastText()).toContain('只有秘书处');
  }, 180_000);
});

describe('an amendment', () => {
  it('passes, is published with one confirmation, and Q&A answers from the new wording', async () => {
    const created = await congress().create('console:sec1', {
      kind: 'amendment',
      title: '修订第十九条',
      text: '将除名后不得重新申请的期限由两年改为三年。',
      closes_at: inAnHour(),
      article: '第十九条',
      new_text:
        '联盟成员违反联盟章程及有关协议、规约，或一年以上不履行义务，情节严重的，经秘书处核实，提交成员大会审议决定除名。联盟成员除名后三年内不得申请重新加入联盟。',
    });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
    const motion = created.motion;
    // A question the secretariat mapped before the amendment (it must survive the index rebuild).
    const odd = '联盟的吉祥物叫什么名字';
    await h.user('q').says(odd);
    expect(h.user('q').lastText()).toContain('没有写到');
    await h.user('sec1').says('待答问题');
    const listed = /(\d+)\. 联盟的吉祥物叫什么名字/.exec(h.user('sec1').lastText());
    expect(listed).not.toBeNull();
    await h.user('sec1').says(`归入 ${listed![1]} 第二十五条`);
    expect(h.user('sec1').lastText()).toContain('今后按第二十五条回答');
    const card = await h.user('c').waitFor('修订第十九条');
    // Old and new wording side by side.
    expect(outboundText(card)).toContain('第十九条 现行条文：');
    expect(outboundText(card)).toContain('第十九条 修订为：');
    for (const u of ['a', 'b', 'c']) await h.user(u).clicks('congress.vote', { motion: motion.id, option: '赞成' });
    const closed = await congress().close(motion.id, 'console:sec1');
    expect(closed).toMatchObject({ kind: 'closed', passed: true });
    await h.user('a').waitFor('表决结果');
    const publishCard = await h.user('sec1').waitFor('章程修订待发布');
    expect(publishCard.kind).toBe('card');
    // Not published by anyone else.
    await h.user('a').clicks('congress.publish', { motion: motion.id });
    expect(h.user('a').lastText()).toContain('只有秘书处');
    await h.user('sec1').clicks('congress.publish', { motion: motion.id });
    expect(h.user('sec1').lastText()).toContain('已发布修订后的章程：第十九条');
    await h.user('sec2').clicks('congress.publish', { motion: motion.id });
    expect(h.user('sec2').lastText()).toContain('已于');

    await h.user('q').says('第十九条是怎么规定的？');
    expect(h.user('q').lastText()).toContain('三年内不得申请重新加入联盟');
    expect(h.user('q').lastText()).toContain('修订');
    expect(h.user('q').lastText()).not.toContain('两年内不得申请');
    // The rebuilt index still answers the mapped question.
    await h.user('q').says(odd);
    expect(h.user('q').lastText()).toContain('第二十五条');
  }, 180_000);
});
