// A motion file checked field by field: every problem named with its field.
import { describe, expect, it } from 'vitest';
import { validateMotion, type InputLookups } from '../../src/congress/motion-input.ts';

const now = new Date('2026-12-06T10:00:00Z');
const lookups: InputLookups = {
  now,
  findMember: async (name) =>
    name === '甲单位'
      ? { id: 'm1', orgName: '甲单位', status: 'active' }
      : name === '乙单位'
        ? { id: 'm2', orgName: '乙单位', status: 'withdrawn' }
        : undefined,
  findArticle: (label) => (/^(第十九条|19|十九)$/.test(label) ? { label: '第十九条', text: '旧条文' } : undefined),
};
const base = { title: '标题', text: '正文', closes_at: '2026-12-31T18:00:00+08:00' };
const errors = async (raw: unknown) => {
  const r = await validateMotion(raw, lookups);
  return r.ok ? [] : r.errors.map((e) => `${e.field}: ${e.message}`);
};

describe('validateMotion', () => {
  it('takes a good general motion with defaults per kind', async () => {
    const r = await validateMotion({ ...base, kind: 'general' }, lookups);
    expect(r).toMatchObject({
      ok: true,
      value: { rule: 'majority_cast', quorum: null, options: ['赞成', '反对', '弃权'], secret: false },
    });
    const a = await validateMotion({ ...base, kind: 'amendment', article: '19', new_text: '新条文' }, lookups);
    expect(a).toMatchObject({
      ok: true,
      value: {
        rule: 'two_thirds_cast',
        quorum: 0.5,
        article: { label: '第十九条', oldText: '旧条文', newText: '新条文' },
      },
    });
    const e = await validateMotion(
      { ...base, kind: 'expulsion', member: '甲单位', verification: '秘书处已核实', closes_at: '2026-12-31T10:00:00Z' },
      lookups,
    );
    expect(e).toMatchObject({ ok: true, value: { member: { id: 'm1' }, verification: '秘书处已核实' } });
  });

  it('names each bad field', async () => {
    const list = await errors({ kind: 'x', closes_at: '2026-12-31 18:00', quorum: -1, secret: 'yes', colour: 1 });
    expect(list.map((l) => l.split(':')[0])).toEqual([
      'colour',
      'kind',
      'title',
      'text',
      'closes_at',
      'quorum',
      'secret',
    ]);
    const verification = '秘书处已核实';
    expect(await errors({ ...base, kind: 'expulsion', verification })).toEqual([
      'member: 除名动议应写明被除名的成员单位名称',
    ]);
    expect(await errors({ ...base, kind: 'expulsion', member: '乙单位', verification })).toEqual([
      'member: “乙单位”已不是联盟成员（withdrawn）',
    ]);
    expect(await errors({ ...base, kind: 'amendment', article: '第九十九条', new_text: 'x' })).toEqual([
      'article: 章程中没有“第九十九条”',
    ]);
    expect(await errors({ ...base, kind: 'amendment', article: '第十九条', new_text: '旧条文' })).toEqual([
      'new_text: 新条文与现行条文相同',
    ]);
    expect(await errors({ ...base, kind: 'rules', options: ['同意', '不同意'] })).toHaveLength(1);
    expect(await errors({ ...base, kind: 'general', options: ['A', 'A'] })).toEqual(['options: 选项不能重复']);
    expect(await errors({ ...base, kind: 'general', secret: true, allow_change: true })).toHaveLength(1);
    expect(await errors({ ...base, kind: 'general', closes_at: '2026-12-01T00:00:00+08:00' })).toEqual([
      'closes_at: 截止时间已过',
    ]);
    expect(await errors({ ...base, kind: 'general', opens_at: '2027-01-02T00:00:00+08:00' })).toEqual([
      'closes_at: 截止时间应晚于开始时间 opens_at',
    ]);
    expect(await errors('just text')).toHaveLength(1);
  });

  it("asks an expulsion for the secretariat's verification, and only an expulsion", async () => {
    const expulsion = { ...base, kind: 'expulsion', member: '甲单位' };
    expect(await errors(expulsion)).toEqual(['verification: 除名动议应写明秘书处核实的情况（第十九条：经秘书处核实）']);
    for (const blank of ['', '   ', null, 42, ['核实']])
      expect(await errors({ ...expulsion, verification: blank })).toEqual(['verification: 应是非空文字']);
    expect(await errors({ ...expulsion, verification: '核'.repeat(2_001) })).toEqual([
      'verification: 不超过 2000 字（实际 2001 字）',
    ]);
    expect(
      await validateMotion({ ...expulsion, verification: '  经核实，该单位连续两年未参加活动。 ' }, lookups),
    ).toMatchObject({
      ok: true,
      value: { verification: '经核实，该单位连续两年未参加活动。' },
    });
    expect(await errors({ ...base, kind: 'general', verification: '核实' })).toEqual([
      'verification: 只有 expulsion（除名）动议需要 verification',
    ]);
  });
});
