// missingFacts: a question asking for a kind of fact is only answered by a section holding that fact,
// for the owner and the occasion it names.
import { describe, expect, it } from 'vitest';
import { missingFacts } from '../../src/knowledge/fact-types.ts';

const CONTACT = '联系人：贵州省电化教育馆 张恺 田华\n联系方式：0851-85571487（张恺）\n0851-85571491（田华）';
const CONGRESS = '中央电化教育馆拟于2019年11月在北京举行联盟成立仪式第一次成员大会（具体事宜另行通知）。';

describe('missingFacts', () => {
  it('asks nothing of a question that wants no particular fact', () => {
    expect(missingFacts('成员有哪些义务', CONTACT)).toEqual([]);
  });

  it("takes a phone number only for its owner: the contact's, not another office's", () => {
    expect(missingFacts('张恺的电话是多少', CONTACT)).toEqual([]);
    expect(missingFacts('省电教馆的田华老师办公电话', CONTACT)).toEqual([]);
    expect(missingFacts('联系人的电话', CONTACT)).toEqual([]);
    expect(missingFacts('教育厅办公室的电话是多少', CONTACT)).toEqual(['owner']);
  });

  it('wants a day for 几号/哪天 and the named occasion for a date', () => {
    expect(missingFacts('成立大会几月开', CONGRESS)).toEqual([]);
    expect(missingFacts('成立大会是哪天', CONGRESS)).toEqual(['day']);
    expect(missingFacts('第一次成员大会什么时候开', CONGRESS)).toEqual([]);
    expect(missingFacts('第四次成员大会什么时候开', CONGRESS)).toEqual(['occasion']);
  });

  it('wants a street address or a venue, not a city, for 地址/哪个会场', () => {
    expect(missingFacts('成立大会在哪个会场', CONGRESS)).toEqual(['address']);
    expect(missingFacts('成立大会在哪里开', CONGRESS)).toEqual([]);
  });

  it('wants a time span for 多久 and a post for 什么职务', () => {
    expect(missingFacts('退出以后多久能再加入', '一经退出，两年内不得申请重新加入联盟。')).toEqual([]);
    expect(missingFacts('审批要多久', '经批准后方可退出。')).toEqual(['duration']);
    expect(missingFacts('张恺是什么职务', CONTACT)).toEqual(['post']);
  });
});
