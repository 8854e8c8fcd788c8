import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('charter Q&A through the console channel', () => {
  it('answers re-joining after withdrawal with 第二十条 and 两年内', async () => {
    const user = h.user('qa-1');
    const [reply] = await user.says('我们单位退出以后还能重新申请吗？');
    expect(reply?.kind).toBe('text');
    expect(user.lastText()).toContain('两年内');
    expect(reply?.kind === 'text' && reply.citations?.[0]?.section).toBe('第二十条');
  });

  it('politely refuses an unrelated request', async () => {
    const user = h.user('qa-2');
    await user.says('帮我订一张去北京的机票');
    expect(user.lastText()).toContain('没有写到这个问题');
    expect(user.lastText()).not.toMatch(/第.+条/);
  });

  it('greets and explains itself', async () => {
    const user = h.user('qa-3');
    await user.says('你好');
    expect(user.lastText()).toContain('联盟助手');
    await user.says('帮助');
    expect(user.lastText()).toContain('申请表');
  });

  it('understands sloppy phone typing (traditional characters, homophone typos)', async () => {
    const user = h.user('qa-4');
    await user.says('聯盟張程誰有解釋權');
    expect(user.lastText()).toContain('第二十五条');
    await user.says('秘书出设在哪里');
    expect(user.lastText()).toContain('第十八条');
  });

  it.each([
    ['empty text', ''],
    ['whitespace', '   \t  '],
    ['emoji only', '😂😂😂👍'],
    ['binary garbage', '\u0000\u0001\u0002\uFFFD\u0007abc\u0000'],
    ['20,000 characters', '退出'.repeat(10_000)],
  ])('answers %s with a clear Chinese reply, never a crash', async (_label, input) => {
    const user = h.user(`bad-${_label}`);
    const replies = await user.says(input);
    expect(replies.length).toBeGreaterThan(0);
    expect(user.lastText()).toMatch(/[\u4e00-\u9fff]/);
    expect(user.lastText()).not.toContain('出了点问题');
  });

  it('keeps conversation state in the database', async () => {
    const user = h.user('qa-state');
    await user.says('你好');
    const row = await h.app.services.db.prisma.conversation.findUnique({
      where: { channel_userId: { channel: 'console', userId: 'qa-state' } },
    });
    expect(row?.state).toMatchObject({ v: 1 });
  });
});
