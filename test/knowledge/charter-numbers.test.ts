// Articles and chapters asked for by number, and "how many articles": through the chat pipeline, the
// way a user asks. The charter has 第一条…第二十五条 in five chapters (附件1 of the notice).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chineseNumber, parseChineseNumber } from '../../src/knowledge/numerals.ts';
import { loadCorpus } from '../../src/knowledge/corpus.ts';
import { createHarness, type Harness } from '../support/app.ts';
import { citedSections, withTwentySixthArticle } from '../support/charter.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});


describe('an article the charter does not have', () => {
  it.each([
    ['第二十六条说了啥', '第二十六条'],
    ['第二十六条', '第二十六条'],
    ['第26条', '第二十六条'],
    ['第30条', '第三十条'],
    ['第0条', '第零条'],
    ['章程第一百条是什么', '第一百条'],
    ['弟27条讲的啥', '第二十七条'],
  ])('「%s」: says the charter has only 25 articles, quoting none', async (question, asked) => {
    const user = h.user(`missing-${question}`);
    const replies = await user.says(question);
    const text = user.lastText();
    expect(text).toContain(`《联盟章程》共二十五条（第一条至第二十五条），没有${asked}。`);
    // It offers what the last articles are about, without passing them off as the answer.
    expect(text).toContain('第二十五条（解释权）');
    expect(text).not.toContain('根据《联盟章程》');
    expect(text).not.toContain('本章程解释权和修改权归联盟秘书处');
    expect(text).not.toContain('没有写到这个问题');
    expect(citedSections(replies)).toEqual([]);
  });

  it('answers the articles that exist next to one that does not, and says which one is missing', async () => {
    const user = h.user('missing-mixed');
    const replies = await user.says('第二十条和第二十六条分别说了什么？');
    expect(user.lastText()).toContain('没有第二十六条');
    expect(user.lastText()).toContain('根据《联盟章程》第二十条（退出）');
    expect(citedSections(replies)).toEqual(['第二十条']);
  });

  it('says the same of a chapter that does not exist, listing the chapters there are', async () => {
    const user = h.user('missing-chapter');
    const replies = await user.says('第六章讲了什么');
    expect(user.lastText()).toContain('《联盟章程》共五章，没有第六章。');
    expect(user.lastText()).toContain('第五章 附则：第二十一条至第二十五条，共五条');
    expect(citedSections(replies)).toEqual([]);
  });
});

describe('an article asked for by number', () => {
  it('is answered with exactly that article, however the number is written', async () => {
    const articles = loadCorpus(h.config.knowledgeDir).sections.filter((s) => s.doc === 'charter');
    expect(articles).toHaveLength(25);
    const user = h.user('by-number');
    const wrong: string[] = [];
    for (const [i, article] of articles.entries()) {
      const n = i + 1;
      for (const question of [`第${n}条说了啥`, `${n}条`, `第${chineseNumber(n)}条`, `弟${n}条是什么`]) {
        const replies = await user.says(question);
        const cited = citedSections(replies);
        const quoted = user.lastText().startsWith(`根据《联盟章程》${article.label}（${article.title}）`);
        if (!quoted || cited.join() !== article.label) wrong.push(`${question} → ${cited.join(',') || user.lastText()}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('still brings in what the rest of the question is about', async () => {
    const user = h.user('by-number-and-topic');
    const replies = await user.says('第十九条和退出有什么不一样');
    expect(citedSections(replies).slice(0, 2)).toEqual(['第十九条', '第二十条']);
  });
});

describe('how many articles the charter has', () => {
  const outline = [
    '第一章 总则：第一条至第四条，共四条',
    '第二章 主要任务：第五条至第十二条，共八条',
    '第三章 联盟成员：第十三条至第十六条，共四条',
    '第四章 工作规则：第十七条至第二十条，共四条',
    '第五章 附则：第二十一条至第二十五条，共五条',
  ];

  it.each(['章程一共几条', '章程有多少条', '联盟章程总共有多少条款？', '这份章程分几章', '張程一共几条'])(
    '「%s」: 25 articles in five chapters, citing the charter’s outline',
    async (question) => {
      const user = h.user(`size-${question}`);
      const replies = await user.says(question);
      const text = user.lastText();
      expect(text).toContain('《联盟章程》共五章、二十五条（第一条至第二十五条）');
      for (const line of outline) expect(text).toContain(line);
      expect(text).not.toContain('附件');
      expect(text).not.toContain('本章程解释权');
      const [reply] = replies;
      expect(reply?.kind === 'text' && reply.citations).toEqual([
        { section: '章程', title: '章节目录', quote: outline.join('\n') },
      ]);
    },
  );

  it('counts one chapter when asked about it, and leaves counting questions about a topic to the topic', async () => {
    const user = h.user('size-chapter');
    await user.says('第三章有几条？');
    expect(user.lastText()).toContain('第三章 联盟成员：第十三条至第十六条，共四条');
    expect(user.lastText()).not.toContain('第一章');

    const conditions = await user.says('加入联盟有几条条件');
    expect(citedSections(conditions)[0]).toBe('第十三条');
    const four = await user.says('条件有4条吗');
    expect(citedSections(four)[0]).toBe('第十三条');
  });
});

describe('the numbers come from charter.md, not from the code', () => {
  it('knows a 26th article once the secretariat adds one', async () => {
    await withTwentySixthArticle(async (knowledge) => {

      const added = await knowledge.answer('第二十六条说了啥');
      expect(added.citations.map((c) => c.section)).toEqual(['第二十六条']);
      expect(added.answer).toContain('本章程自成员大会通过之日起施行');
      const missing = await knowledge.answer('第二十七条说了啥');
      expect(missing.answer).toContain('《联盟章程》共二十六条（第一条至第二十六条），没有第二十七条。');
      const size = await knowledge.answer('章程一共几条');
      expect(size.answer).toContain('共五章、二十六条');
      expect(size.answer).toContain('第五章 附则：第二十一条至第二十六条，共六条');
    });
  });
});

describe('reading a numeral in a question', () => {
  it.each([
    ['十九', 19],
    ['二十五', 25],
    ['一百零五', 105],
    ['两', 2],
    ['26', 26],
    // Said digit by digit.
    ['二五', 25],
    ['一九', 19],
  ])('%s is %d', (text, n) => expect(parseChineseNumber(text)).toBe(n));

  it.each(['十十', '一二十', '十百', ''])('%j is not a numeral', (text) => expect(parseChineseNumber(text)).toBeUndefined());

  it('answers 第二五条 with article 25, not article 5', async () => {
    const user = h.user('numeral-25');
    const replies = await user.says('第二五条说了啥');
    expect(citedSections(replies)).toEqual(['第二十五条']);
  });
});
