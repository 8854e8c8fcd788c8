// The chat dialog's fields: phone-typed answers become the values a motion file holds, and a
// correction names its field by name or by its number in the summary.
import { describe, expect, it } from 'vitest';
import { fieldOf, fieldsFor, keepApplicable, namedField, rawOf } from '../../src/congress/motion-fields.ts';

const now = new Date('2026-12-06T20:30:00Z');
const value = (key: Parameters<typeof fieldOf>[0], text: string) => {
  const parsed = fieldOf(key).parse(text, now);
  return 'value' in parsed ? parsed.value : `hint: ${parsed.hint}`;
};

describe('answers', () => {
  it.each([
    ['kind', '除名', 'expulsion'],
    ['kind', '修改章程', 'amendment'],
    ['kind', '3', 'rules'],
    ['kind', '重大事项。', 'general'],
    ['rule', '三分之二', 'two_thirds_cast'],
    ['rule', '过半数通过', 'majority_cast'],
    ['rule', '全体过半', 'majority_eligible'],
    ['quorum', '一半', 0.5],
    ['quorum', '60%', 0.6],
    ['quorum', '至少60', 0.6],
    ['quorum', '0.4', 0.4],
    ['quorum', '不设', 0],
    ['secret', '无记名投票', true],
    ['secret', '记名', false],
    ['allow_change', '不允许', false],
    ['allow_change', '可以', true],
    ['opens_at', '现在', null],
    ['closes_at', '明天下午5点', '2026-12-08T17:00:00+08:00'],
    ['options', '贵阳、北京，上海 弃权', ['贵阳', '北京', '上海', '弃权']],
    ['options', '，，，', []],
  ] as const)('%s: %s', (key, text, expected) => expect(value(key, text)).toEqual(expected));

  it.each([
    ['kind', '随便'],
    ['rule', '大多数人同意'],
    ['quorum', '很多'],
    ['closes_at', '12月20日'],
    ['secret', '看情况'],
  ] as const)('%s: %s is not understood', (key, text) => expect(value(key, text)).toMatch(/^hint: /));
});

describe('which fields apply', () => {
  it('asks what the kind needs, and drops what it no longer needs when the kind changes', () => {
    expect(fieldsFor({ kind: 'amendment' }).map((f) => f.key)).toContain('new_text');
    expect(fieldsFor({ kind: 'general', secret: true }).map((f) => f.key)).not.toContain('allow_change');
    const kept = keepApplicable({ kind: 'rules', article: '第十九条', options: ['a', 'b'], title: 't' });
    expect(kept).toEqual({ kind: 'rules', title: 't' });
    expect(rawOf({ kind: 'general', secret: true, allow_change: true })).toEqual({ kind: 'general', secret: true });
  });
});

describe('corrections', () => {
  const answers = { kind: 'expulsion' as const };
  it.each([
    ['改截止时间', 'closes_at', undefined],
    ['改截止时间为明天下午5点', 'closes_at', '明天下午5点'],
    ['修改标题：新标题', 'title', '新标题'],
    ['改3', 'text', undefined],
    ['改第4项为甲单位', 'member', '甲单位'],
    ['更改法定人数', 'quorum', undefined],
  ])('%s', (text, key, v) => expect(namedField(text, answers)).toEqual({ field: fieldOf(key as 'title'), value: v }));

  it('an unknown field or number is said so; other words are not corrections', () => {
    expect(namedField('改99', answers)).toEqual({ unknown: '99' });
    expect(namedField('改地点', answers)).toEqual({ unknown: '地点' });
    expect(namedField('赞成', answers)).toBeUndefined();
  });
});
