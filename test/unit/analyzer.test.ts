import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/knowledge/analyzer.ts';
import { chineseNumber } from '../../src/knowledge/numerals.ts';

const analyzer = createAnalyzer([
  ['退出', '退会', '退盟'],
  ['章程', '张程'],
  ['重新加入', '再加入'],
  ['加入', '入盟'],
]);

describe('analyzer', () => {
  it('folds full-width, traditional characters and case', () => {
    expect(analyzer.fold('ＡＢＣ１２３')).toBe('abc123');
    expect(analyzer.fold('開除會員要什麼條件')).toBe('开除会员要什么条件');
  });

  it('writes article numbers the way the charter does', () => {
    expect(chineseNumber(1)).toBe('一');
    expect(chineseNumber(10)).toBe('十');
    expect(chineseNumber(19)).toBe('十九');
    expect(chineseNumber(25)).toBe('二十五');
    expect(analyzer.fold('第19条说了啥')).toContain('第十九条');
    expect(analyzer.fold('20条')).toBe('第二十条');
  });

  it('segments into words and bigrams, dropping function words', () => {
    const terms = analyzer.terms('我们单位退出以后还能重新申请吗');
    expect(terms).toEqual(expect.arrayContaining(['单位', '退出', '重新', '申请']));
    expect(terms).not.toContain('我们');
    expect(terms).not.toContain('吗');
  });

  it('adds the canonical word of every synonym, longest match first', () => {
    expect(analyzer.canonicals('退会以后能再加入吗')).toEqual(['退出', '重新加入']);
    expect(analyzer.terms('入盟')).toContain('=加入');
  });

  it('meets homophone typos through pinyin', () => {
    const typo = analyzer.pinyinTerms('张程');
    expect(typo).toEqual(analyzer.pinyinTerms('章程'));
    expect(typo).toEqual(['zhang_cheng']);
  });

  it('judges coverage only by Han words of two or more characters', () => {
    expect(analyzer.contentWords('how to join 联盟 要走啥 process')).toEqual(['联盟']);
    expect(analyzer.contentWords('😂😂')).toEqual([]);
  });

  it('gives the same results whatever was analysed before, and results a caller changes do not leak', () => {
    const fresh = () => createAnalyzer([['退出', '退会']]);
    const questions = [
      '我们单位退会以后还能重新申请吗',
      '第19条讲的啥',
      '我们单位退会以后还能重新申请吗',
      '秘书处在哪',
    ];
    const once = questions.map((q) => {
      const a = fresh();
      return [a.fold(q), a.terms(q), a.contentWords(q), a.pinyinTerms(q)];
    });
    const shared = fresh();
    const again = questions.map((q) => {
      const result = [shared.fold(q), shared.terms(q), shared.contentWords(q), shared.pinyinTerms(q)] as const;
      const copy = structuredClone(result);
      result[1].push('改过');
      result[2].length = 0;
      return copy;
    });
    expect(again).toEqual(once);
    expect(shared.terms('第19条讲的啥')).not.toContain('改过');
  });
});
