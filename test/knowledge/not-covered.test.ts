// Questions that share one word with the documents but ask what they do not say (the form has an
// 地址 field; nothing says how to write it): through the chat pipeline, the way a user asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app.ts';
import { citedSections } from '../support/charter.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});


describe('a detail the documents do not give', () => {
  it.each(['地址要写到门牌号不', '地址可以填英文吗', '地址写省市就行吗'])(
    '「%s」: says plainly the documents do not cover it, quoting nothing',
    async (question) => {
      const user = h.user(`not-covered-${question}`);
      const replies = await user.says(question);
      const text = user.lastText();
      expect(text).toContain('没有写到这个问题');
      // What QA saw instead: the contact e-mail, 第二十四条 (未尽事宜), the form's 单位基本情况.
      expect(text).not.toContain('电子邮箱');
      expect(text).not.toContain('生效');
      expect(text).not.toContain('根据《');
      expect(citedSections(replies)).toEqual([]);
    },
  );

  it('still answers questions with a word the documents lack when more of the question matches', async () => {
    const user = h.user('not-covered-guard');
    expect(citedSections(await user.says('张老师手机多少'))[0]).toBe('通知');
    expect(citedSections(await user.says('入了盟要干啥活 义务多不多'))[0]).toBe('第十六条');
    expect(citedSections(await user.says('联盟归哪个部委管？'))[0]).toBe('第四条');
    expect(citedSections(await user.says('申请表里的地址怎么填'))).toContain('申请表');
  });
});
