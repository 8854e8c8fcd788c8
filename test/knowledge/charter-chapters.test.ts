// A chapter of the charter asked for by number (第三章讲什么, 章程第二章, 第4章是什么, 第一章): through the
// chat pipeline, the way a user asks. The charter has five chapters (第一章 总则 … 第五章 附则).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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


/** What QA saw instead: the form, the notice's attachment list, the generic refusal. */
const OFF_TOPIC = ['申请表', '附件', '通知', '没有写到这个问题', '根据《'];

describe('a chapter asked for by number', () => {
  it.each([
    ['第4章是什么', 4],
    ['第二章有哪些内容', 2],
    ['章程第三章', 3],
    ['第一章', 1],
    ['第五章说了啥', 5],
    ['第三章讲什么', 3],
    ['联盟章程第四章是关于什么的', 4],
    ['弟二章讲的啥', 2],
    ['第一章总则讲了些什么', 1],
    ['第3章有哪几条', 3],
  ])('「%s」: that chapter’s title and all its articles, cited as its articles', async (question, n) => {
    const chapter = loadCorpus(h.config.knowledgeDir).charter.chapters[n - 1]!;
    const user = h.user(`chapter-${question}`);
    const replies = await user.says(question);
    const text = user.lastText();
    const first = chapter.articles[0]!.label;
    const last = chapter.articles.at(-1)!.label;
    expect(text).toContain(`《联盟章程》${chapter.title}，共`);
    expect(text).toContain(`（${first}至${last}）`);
    for (const a of chapter.articles) expect(text).toContain(`${a.label}（${a.title}）`);
    for (const words of OFF_TOPIC) expect(text).not.toContain(words);
    expect(citedSections(replies)).toEqual(chapter.articles.map((a) => a.label));
  });

  it('quotes the start of each article of a short chapter, in order, without skipping any (第一章)', async () => {
    const user = h.user('chapter-one');
    await user.says('第一章');
    const text = user.lastText();
    expect(text.split('\n')[0]).toBe('《联盟章程》第一章 总则，共四条（第一条至第四条）：');
    const lines = ['第一条（制定目的）：“为支持和推动', '第二条（宗旨与原则）：“联盟的宗旨是', '第三条（性质与参加对象）：“联盟是', '第四条（召集与管理）：“联盟由'];
    const at = lines.map((l) => text.indexOf(l));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // Short enough for a phone: the start of each article, not the articles in full.
    expect(text).not.toContain('特制定本章程');
    expect(text.length).toBeLessThan(500);
    expect(text).toContain('想看某一条的全文，直接问“第一条说了什么”就可以。');
  });

  it('lists a long chapter by article number and title only (第二章 has eight)', async () => {
    const user = h.user('chapter-two');
    await user.says('第二章有哪些内容');
    const text = user.lastText();
    expect(text).toContain('《联盟章程》第二章 主要任务，共八条（第五条至第十二条）：');
    expect(text).toContain('第五条（调查研究与建言）\n第六条（标准与规范）');
    expect(text).not.toContain('按照国家有关要求');
    expect(text.length).toBeLessThan(300);
  });

  it('answers the chapter that exists and says which one does not', async () => {
    const user = h.user('chapter-missing-mixed');
    const replies = await user.says('第二章和第六章讲什么');
    const text = user.lastText();
    expect(text.startsWith('《联盟章程》共五章，没有第六章。')).toBe(true);
    expect(text).toContain('《联盟章程》第二章 主要任务，共八条');
    expect(citedSections(replies)[0]).toBe('第五条');
  });

  it('leaves a chapter that does not exist, and how many articles a chapter has, as they were', async () => {
    const user = h.user('chapter-unchanged');
    const missing = await user.says('第六章讲了什么');
    expect(user.lastText()).toContain('《联盟章程》共五章，没有第六章。');
    expect(citedSections(missing)).toEqual([]);
    await user.says('第三章有几条？');
    expect(user.lastText()).toContain('第三章 联盟成员：第十三条至第十六条，共四条');
  });
});

describe('a chapter together with a topic', () => {
  it.each([
    ['第三章里关于退出的规定', '第二十条'],
    ['第三章关于成员权利的规定', '第十五条'],
    ['第4章里除名的规定', '第十九条'],
    ['第五章里经费怎么解决', '第二十二条'],
  ])('「%s」: the topic’s article', async (question, article) => {
    const user = h.user(`chapter-topic-${question}`);
    const replies = await user.says(question);
    expect(citedSections(replies)[0]).toBe(article);
    expect(user.lastText()).toContain(`根据《联盟章程》${article}`);
  });
});

describe('the chapters come from charter.md, not from the code', () => {
  it('shows a sixth article in 第五章 once the secretariat adds one, and lists it without quotes', async () => {
    await withTwentySixthArticle(async (knowledge) => {

      const answer = await knowledge.answer('第五章讲什么');
      expect(answer.answer).toContain('《联盟章程》第五章 附则，共六条（第二十一条至第二十六条）：');
      expect(answer.answer).toContain('第二十六条（施行日期）');
      expect(answer.answer).not.toContain('本章程解释权和修改权归联盟秘书处');
      expect(answer.citations.map((c) => c.section).at(-1)).toBe('第二十六条');
    });
  });
});
