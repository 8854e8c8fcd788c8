// A member unit typed loosely in the motion dialog: the units it may mean, best first, none when
// nothing is close (the dialog then says there is no such unit).
import { describe, expect, it } from 'vitest';
import { likeness, unitCandidates } from '../../src/congress/unit-names.ts';

const units = ['北京市第一中学', '北京市第二中学', '上海市实验学校', '贵州省贵阳市第一中学', '甲单位'];

describe('unitCandidates', () => {
  it.each([
    ['北京一中', ['北京市第一中学']],
    ['上海实验', ['上海市实验学校']],
    ['上海市实验学院', ['上海市实验学校']],
    ['甲 单位', ['甲单位']],
    ['贵阳一中', ['贵州省贵阳市第一中学']],
  ])('%s → %j', (typed, expected) => expect(unitCandidates(typed, units)).toEqual(expected));

  it('an ambiguous name gives every unit it may mean, the closest first', () => {
    expect(unitCandidates('北京市', units).sort()).toEqual(['北京市第一中学', '北京市第二中学'].sort());
    expect(unitCandidates('第一中学', units)).toEqual(['北京市第一中学', '贵州省贵阳市第一中学']);
  });

  it('nothing close, or too short to tell, gives none', () => {
    expect(unitCandidates('广州大学', units)).toEqual([]);
    expect(unitCandidates('中', units)).toEqual([]);
    expect(unitCandidates('', units)).toEqual([]);
  });

  it('likeness is 1 for the same name and 0 for nothing shared', () => {
    expect(likeness('北京市第一中学', '北京市第一中学')).toBe(1);
    expect(likeness('北京', '上海')).toBe(0);
  });
});
