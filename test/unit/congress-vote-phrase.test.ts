// The typed-vote reader at its edges: what is a vote, which option it names, and when it is only
// a synonym (the bot asks) — 不同意 and 不赞成 contain 同意 and 赞成 and mean 反对.
import { describe, expect, it } from 'vitest';
import { isKnownChoice, matchOption, readVotePhrase } from '../../src/congress/vote-phrase.ts';

const DEFAULT = ['赞成', '反对', '弃权'];
/** The option a message names on a default motion, with its number and certainty; undefined: none. */
function vote(text: string, options: readonly string[] = DEFAULT) {
  const p = readVotePhrase(text);
  if (!p) return undefined;
  const m = matchOption(p.choice, options);
  return m ? { ...m, number: p.number, explicit: p.explicit } : undefined;
}

describe('readVotePhrase + matchOption', () => {
  it.each([
    ['赞成', '赞成', false],
    ['我投赞成票', '赞成', true],
    ['投赞成', '赞成', true],
    ['赞成票', '赞成', true],
    ['赞成！！', '赞成', false],
    ['赞成 ', '赞成', false],
    [' 赞 成 。', '赞成', false],
    ['我赞成', '赞成', false],
    ['我是赞成的', '赞成', false],
    ['我们单位赞成', '赞成', false],
    ['投个赞成票吧', '赞成', true],
    ['好的，赞成', '赞成', false],
    ['贊成', '赞成', false],
    ['反对票', '反对', true],
    ['投弃权票', '弃权', true],
    ['弃权吧', '弃权', false],
    ['弃权了～', '弃权', false],
  ])('%s → %s (certain)', (text, option, explicit) => {
    expect(vote(text)).toEqual({ option, certain: true, number: undefined, explicit });
  });

  it.each([
    ['投票12号赞成', 12, '赞成'],
    ['投票 12 赞成', 12, '赞成'],
    ['投票 第12号：反对', 12, '反对'],
    ['12号 赞成', 12, '赞成'],
    ['12 赞成', 12, '赞成'],
    ['第12号投反对', 12, '反对'],
    ['第１２号投反对', 12, '反对'],
    ['投票　１２　弃权', 12, '弃权'],
    ['对12号议案投赞成票', 12, '赞成'],
    ['第十二号投反对', 12, '反对'],
    ['十二号 赞成', 12, '赞成'],
    ['第3号表决弃权', 3, '弃权'],
  ])('%s → motion %d, %s', (text, number, option) => {
    expect(vote(text)).toMatchObject({ option, certain: true, number, explicit: true });
  });

  it('marks the 投票 command form', () => {
    expect(readVotePhrase('投票 12 赞成')?.command).toBe(true);
    expect(readVotePhrase('12号 赞成')?.command).toBe(false);
  });

  it.each([
    ['同意', '赞成'],
    ['支持', '赞成'],
    ['我同意', '赞成'],
    ['同意该议案', '赞成'],
    ['不同意', '反对'],
    ['我不同意', '反对'],
    ['不赞成', '反对'],
    ['我不赞成', '反对'],
    ['不支持', '反对'],
    ['投票 12 同意', '赞成'],
  ])('%s → %s, not certain (asked)', (text, option) => {
    expect(vote(text)).toMatchObject({ option, certain: false });
  });

  it.each([
    '章程修订需要多少票赞成',
    '赞成吗',
    '赞成吗？',
    '同意吗',
    '赞成？',
    '我赞成这个做法，但有两点意见需要补充说明一下供参考',
    '投诉',
    '我要投票',
    '投票吧',
    '12',
    '投票12',
    '12号',
    '第十十号赞成',
    '一赞成',
    '',
    '   ',
    '谢谢',
  ])('%s → no vote', (text) => {
    expect(vote(text)).toBeUndefined();
  });

  it('a motion with its own options: its words, never a synonym it does not have', () => {
    const plans = ['方案一', '方案二', '弃权'];
    expect(vote('方案一', plans)).toMatchObject({ option: '方案一', certain: true });
    expect(vote('投方案二', plans)).toMatchObject({ option: '方案二', certain: true, explicit: true });
    expect(vote('选方案二吧', plans)).toMatchObject({ option: '方案二', certain: true });
    expect(vote('7号 方案一', plans)).toMatchObject({ option: '方案一', number: 7 });
    expect(vote('弃权', plans)).toMatchObject({ option: '弃权', certain: true });
    expect(vote('同意', plans)).toBeUndefined();
    expect(vote('赞成', plans)).toBeUndefined();
    expect(vote('方案三', plans)).toBeUndefined();
    // An option named with a word the reader takes off the end ("…方案") still matches whole.
    expect(vote('投第一方案', ['第一方案', '第二方案'])).toMatchObject({ option: '第一方案', certain: true });
    expect(vote('第二方案', ['第一方案', '第二方案'])).toMatchObject({ option: '第二方案', certain: true });
    // A motion whose option is the synonym itself: its own word, certain.
    expect(vote('同意', ['同意', '不同意'])).toEqual({
      option: '同意',
      certain: true,
      number: undefined,
      explicit: false,
    });
    expect(vote('不同意', ['同意', '不同意'])).toMatchObject({ option: '不同意', certain: true });
  });

  it('isKnownChoice: only the default options and their synonyms (no database read for anything else)', () => {
    for (const c of ['赞成', '反对', '弃权', '同意', '不同意', '不赞成', '支持']) expect(isKnownChoice(c)).toBe(true);
    for (const c of ['方案一', '诉', '章程', '']) expect(isKnownChoice(c)).toBe(false);
  });

  it('stays fast on long and hostile input', () => {
    const started = performance.now();
    for (const text of ['吧'.repeat(10_000), '赞成'.repeat(5_000), `投票${'1'.repeat(5000)}赞成`, '!'.repeat(20_000)])
      expect(readVotePhrase(text)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(200);
  });
});
