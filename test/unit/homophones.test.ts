// Homophone typos read as the documents' words (src/knowledge/homophones.ts), on the real corpus:
// what a pinyin keyboard gets wrong is found, and real words that merely sound alike are left alone.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { loadTexts } from '../../src/bot/texts.ts';
import { createLogger } from '../../src/log.ts';
import { createKnowledge } from '../../src/knowledge/knowledge.ts';
import { createHomophoneFixer } from '../../src/knowledge/homophones.ts';

const config = { ...loadConfig({}), llm: undefined };
const knowledge = createKnowledge(config, loadTexts(config.promptsDir), createLogger('silent'));
const cites = (q: string) => knowledge.extractive(q).citations.map((c) => c.section);

describe('homophone typos', () => {
  const fixer = createHomophoneFixer(
    [
      { word: '义务', readAs: '义务', curated: true },
      { word: '权利', readAs: '权利', curated: true },
      { word: '各市', readAs: '各市', curated: false },
      { word: '秘书处', readAs: '秘书处', curated: true },
    ],
    new Set(['我', '要', '的']),
  );
  const none = () => false;

  it('reads characters left unjoined, and a known word with one left over, as the word they sound like', () => {
    expect(fixer(['有', '哪些', '义', '物'], none).words).toEqual(['义务']);
    expect(fixer(['秘书', '出', '在', '哪'], (s) => s === '秘书').words).toEqual(['秘书处']);
  });

  it('reads a real word only as a curated synonym, and never across a function character', () => {
    expect(fixer(['权力'], none).words).toEqual(['权利']);
    expect(fixer(['格式'], none).words).toEqual([]);
    expect(fixer(['义', '的', '物'], none).words).toEqual([]);
  });

  it('finds the article for typos nobody listed, and still refuses what the documents do not cover', () => {
    expect(cites('会员有什么义五')[0]).toBe('第十六条');
    expect(cites('退出连盟后多久能再加入')[0]).toBe('第二十条');
    expect(cites('成员都有什么权力')[0]).toBe('第十五条');
    expect(knowledge.extractive('扫描件要PDF格式还是JPG格式').refused).toBe(true);
  });

  it('reads pinyin typed without spaces, and a synonym the segmenter cuts in two', () => {
    expect(cites('mishuchu zai nali')[0]).toBe('第十八条');
    expect(cites('shenqingtiaojian')[0]).toBe('第十三条');
  });
});
