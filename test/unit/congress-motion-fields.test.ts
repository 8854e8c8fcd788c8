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
    // As a secretariat member types them on a phone (now: Monday 7 December 2026, 04:30 in Beijing).
    ['kind', '会费细则', 'rules'],
    ['kind', '开除', 'expulsion'],
    ['kind', '修订', 'amendment'],
    ['kind', '一般事项', 'general'],
    ['kind', '其他', 'general'],
    ['kind', '选4', 'general'],
    ['kind', '重大事项表决', 'general'],
    ['rule', '简单多数', 'majority_cast'],
    ['rule', '半数以上', 'majority_cast'],
    ['rule', '2／3', 'two_thirds_cast'],
    ['quorum', '50%', 0.5],
    ['quorum', '过半', 0.5],
    ['quorum', '0.5', 0.5],
    ['quorum', '三分之二', 2 / 3],
    ['quorum', '百分之六十', 0.6],
    ['quorum', '60％', 0.6],
    ['quorum', '五成', 0.5],
    ['quorum', '一半以上', 0.5],
    ['quorum', '0.5%', 0.005],
    ['kind', '修改', 'amendment'],
    ['member', '乙 单位。', '乙单位'],
    ['secret', '是', true],
    ['secret', '匿名', true],
    ['secret', '不记名', true],
    ['secret', '否', false],
    ['secret', '不用', false],
    ['secret', '不匿名', false],
    ['allow_change', '不用', false],
    ['allow_change', '不能改', false],
    ['allow_change', '好的', true],
    ['allow_change', '可以改', true],
    ['opens_at', '立即', null],
    ['opens_at', '马上', null],
    ['opens_at', '确认后立即开始', null],
    ['opens_at', '明早9点', '2026-12-08T09:00:00+08:00'],
    // Today, from its start: now (the echo says 现在（确认后立即开始）).
    ['opens_at', '今天', null],
    ['closes_at', '下周五下午5点', '2026-12-18T17:00:00+08:00'],
    ['closes_at', '12.20 18点', '2026-12-20T18:00:00+08:00'],
    ['closes_at', '明天晚上八点', '2026-12-08T20:00:00+08:00'],
    ['closes_at', '后天中午', '2026-12-09T12:00:00+08:00'],
    ['closes_at', '3天后下午5点', '2026-12-10T17:00:00+08:00'],
    ['options', 'A/B/C', ['A', 'B', 'C']],
    ['options', '甲，乙，丙。', ['甲', '乙', '丙']],
    ['options', '1. 方案一 2. 方案二', ['方案一', '方案二']],
    ['options', '方案一和方案二', ['方案一', '方案二']],
    // One option is passed on: the validation says 2–10.
    ['options', '方案一', ['方案一']],
  ] as const)('%s: %s', (key, text, expected) => expect(value(key, text)).toEqual(expected));

  it.each([
    // A day alone: the last minute of it for a deadline, the first for an opening; the echo says so.
    ['closes_at', '2026-12-20', '2026-12-20T23:59:00+08:00', '按当天 23:59 截止'],
    ['closes_at', '三天后截止', '2026-12-10T23:59:00+08:00', '按当天 23:59 截止'],
    ['closes_at', '12月20日', '2026-12-20T23:59:00+08:00', '按当天 23:59 截止'],
    ['opens_at', '后天', '2026-12-09T00:00:00+08:00', '按当天 0:00 开始'],
  ] as const)('%s: %s is taken as %s and said so', (key, text, expected, note) => {
    const parsed = fieldOf(key).parse(text, now);
    expect(parsed).toMatchObject({ value: expected });
    expect('note' in parsed && parsed.note).toContain(note);
  });

  it.each([
    ['closes_at', '明天下午', '“明天下午”是几点？'],
    ['opens_at', '明早', '“明早”是几点？'],
    ['closes_at', '今天凌晨3点', '已经过去了'],
    ['closes_at', '2020-01-01 10:00', '2020年1月1日（周三）10:00（北京时间），已经过去了'],
    ['closes_at', '昨天下午5点', '2026年12月6日（周日）17:00（北京时间），已经过去了'],
    ['opens_at', '今天凌晨3点', '要确认后立即开始，请回复“现在”'],
    ['quorum', '1', '“1”是指 1% 吗？'],
    ['options', '甲、乙、甲', '选项“甲”写了两次'],
  ] as const)('%s: %s is asked back', (key, text, question) => {
    const parsed = fieldOf(key).parse(text, now);
    expect(parsed).toMatchObject({ ask: true });
    expect('hint' in parsed && parsed.hint).toContain(question);
  });

  it.each([
    ['kind', '随便'],
    ['rule', '大多数人同意'],
    ['quorum', '很多'],
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
    ['改一下截止时间', 'closes_at', undefined],
    ['标题写错了', 'title', undefined],
    ['刚才的截止时间不对', 'closes_at', undefined],
    ['单位填错了', 'member', undefined],
    ['截止时间改成下周五下午5点', 'closes_at', '下周五下午5点'],
    ['截止延长到12月25日', 'closes_at', '12月25日'],
    ['截止时间：下周五下午5点', 'closes_at', '下周五下午5点'],
    ['标题是年会地点', 'title', '年会地点'],
  ])('%s', (text, key, v) => expect(namedField(text, answers)).toEqual({ field: fieldOf(key as 'title'), value: v }));

  it('an unknown field or number is said so; other words are not corrections', () => {
    expect(namedField('改99', answers)).toEqual({ unknown: '99' });
    expect(namedField('改地点', answers)).toEqual({ unknown: '地点' });
    expect(namedField('赞成', answers)).toBeUndefined();
    // Only a field's name before 「写错了」 makes it a correction.
    expect(namedField('我写错了', answers)).toBeUndefined();
    expect(namedField('选项写错了', answers)).toBeUndefined();
  });
});
