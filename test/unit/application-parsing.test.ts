import { describe, expect, it } from 'vitest';
import { fieldDef } from '../../src/application/form.ts';
import { normalizeLine, isFiller } from '../../src/application/normalize.ts';
import { normalizePhone } from '../../src/application/phone.ts';
import { validateField } from '../../src/application/validate.ts';
import { extractAnswer } from '../../src/application/extract.ts';
import {
  isCancel,
  isConfirm,
  isNevermind,
  isPause,
  isQuestion,
  isStart,
  isStatus,
  parseCorrection,
  parseSameAs,
} from '../../src/application/intents.ts';
import { orgKey } from '../../src/application/org-key.ts';

const ok = (key: Parameters<typeof fieldDef>[0], raw: string) => {
  const r = validateField(fieldDef(key), raw);
  return r.ok ? r.value : `!${r.reason}`;
};

describe('normalisation', () => {
  it('turns full-width letters, digits and symbols half-width, keeps Chinese punctuation', () => {
    expect(normalizeLine('ＡＢＣ１２３＠ｅｘａｍｐｌｅ．ｃｏｍ')).toBe('ABC123@example.com');
    expect(normalizeLine('贵州省（贵阳）  电化 教育馆\t😀')).toBe('贵州省（贵阳）电化教育馆');
    expect(normalizeLine('北京路 123 号')).toBe('北京路123号');
    expect(normalizeLine('John   Smith')).toBe('John Smith');
  });

  it('normalises phones: mobiles to 11 digits, landlines to 区号-号码', () => {
    expect(normalizePhone('(0851) 8557 1487')).toMatchObject({ ok: true, value: '0851-85571487' });
    expect(normalizePhone('+86 138-1234-5678')).toMatchObject({ ok: true, value: '13812345678' });
    expect(normalizePhone('１３８ １２３４ ５６７８')).toMatchObject({ ok: true, value: '13812345678' });
    expect(normalizePhone('12345678901')).toMatchObject({ ok: false, reason: 'phone_mobile_invalid' });
    expect(normalizePhone('1381234567')).toMatchObject({ ok: false, reason: 'phone_mobile_digits', digits: 10 });
    expect(normalizePhone('010 6612 3456')).toMatchObject({ ok: true, value: '010-66123456' });
    expect(normalizePhone('0851-85571487转123')).toMatchObject({ ok: true, value: '0851-85571487转123' });
    expect(normalizePhone('1381234567')).toMatchObject({ ok: false, reason: 'phone_mobile_digits', digits: 10 });
    expect(normalizePhone('85571487')).toMatchObject({ ok: false, reason: 'phone_area_code' });
    expect(normalizePhone('12')).toMatchObject({ ok: false });
  });

  it('validates e-mail, lower-cases it and explains what is wrong', () => {
    expect(ok('repEmail', ' WangLei＠Example。com ')).toBe('wanglei@example.com');
    expect(ok('repEmail', 'wanglei.example.com')).toBe('!email_no_at');
    expect(ok('repEmail', '王磊@例子.com')).toBe('!email_non_ascii');
    expect(ok('repEmail', 'wang@lei')).toBe('!email_invalid');
  });

  it('does not take a street address for the organisation name, but keeps names that contain one', () => {
    expect(ok('orgName', '贵州省贵阳市云岩区北京路1号')).toBe('!org_name_is_address');
    expect(ok('orgName', '上海市徐汇区漕溪北路1号3楼')).toBe('!org_name_is_address');
    expect(ok('orgName', '北京市海淀区学院路30号')).toBe('!org_name_is_address');
    expect(ok('orgName', '北京路1号文化中心')).toBe('北京路1号文化中心');
    expect(ok('orgName', '贵州省电化教育馆')).toBe('贵州省电化教育馆');
    expect(ok('orgName', '第一中学')).toBe('第一中学');
    expect(ok('orgName', '101中学')).toBe('101中学');
    expect(ok('address', '贵州省贵阳市云岩区北京路1号')).toBe('贵州省贵阳市云岩区北京路1号');
  });

  it('maps 单位性质 synonyms and refuses to guess', () => {
    expect(ok('orgType', '公司')).toBe('企业');
    expect(ok('orgType', '我们是协会')).toBe('社会团体');
    expect(ok('orgType', '学会')).toBe('社会团体');
    expect(ok('orgType', '教育局')).toBe('教育部门');
    expect(ok('orgType', '企业还是协会')).toBe('!org_type_ambiguous');
    expect(ok('orgType', '事业单位')).toBe('!org_type_unknown');
  });

  it('rejects blanks, filler and over-long answers with a reason', () => {
    expect(isFiller('嗯')).toBe(true);
    expect(isFiller('嗯嗯嗯')).toBe(true);
    expect(isFiller('王磊')).toBe(false);
    expect(ok('orgName', '嗯')).toBe('!filler');
    expect(ok('orgName', '   ')).toBe('!blank');
    expect(ok('orgName', '😀😀')).toBe('!blank');
    expect(ok('orgName', '贵州'.repeat(51))).toBe('!too_long');
    expect(ok('orgProfile', '简介'.repeat(1000))).toHaveLength(2000);
    expect(ok('repName', '科长')).toBe('!name_is_title');
    expect(ok('repName', '王磊2')).toBe('!name_invalid');
    expect(ok('repName', '教育部门')).toBe('!name_invalid');
    expect(ok('repName', '一家公司')).toBe('!name_invalid');
  });

  it('compares organisation names loosely', () => {
    expect(orgKey('贵州省 电化教育馆')).toBe(orgKey('贵州省电化教育馆（盖章）'));
    expect(orgKey('ＡＢＣ 公司')).toBe(orgKey('abc公司'));
  });
});

describe('one answer, several fields', () => {
  it('splits name and title', () => {
    expect(extractAnswer(fieldDef('repName'), '王磊，信息科科长')).toEqual({ repName: '王磊', repTitle: '信息科科长' });
  });

  it('splits name, title, phone and e-mail on one line, phone spaces and all', () => {
    expect(extractAnswer(fieldDef('contactName'), '李娜 办公室主任 139 1234 5678 lina@example.com')).toEqual({
      contactName: '李娜',
      contactTitle: '办公室主任',
      contactPhone: '139 1234 5678',
      contactEmail: 'lina@example.com',
    });
  });

  it('reads labels and whose they are', () => {
    expect(extractAnswer(fieldDef('repPhone'), '联系人电话：0851-85571491，邮箱：tian@example.com')).toEqual({
      contactPhone: '0851-85571491',
      contactEmail: 'tian@example.com',
    });
    expect(extractAnswer(fieldDef('orgName'), '单位名称：贵州省电化教育馆；地址：贵阳市云岩区北京路1号，3楼')).toEqual({
      orgName: '贵州省电化教育馆',
      address: '贵阳市云岩区北京路1号，3楼',
    });
  });

  it('never puts a guess over a saved field, and reads who a sentence is about', () => {
    const saved = { repName: '李雷', repTitle: '信息科科长' };
    expect(extractAnswer(fieldDef('repEmail'), 'lilei@qq,com', saved)).toEqual({ repEmail: 'lilei@qq,com' });
    expect(extractAnswer(fieldDef('repEmail'), 'lilei 163.com', saved)).toEqual({ repEmail: 'lilei' });
    expect(extractAnswer(fieldDef('repEmail'), 'lilei 163.com', {})).toMatchObject({ repName: 'lilei' });
    // One address with a stray space is all the address (validation removes the space).
    expect(extractAnswer(fieldDef('repEmail'), 'Li Lei@qq.com', saved)).toEqual({ repEmail: 'Li Lei@qq.com' });
    expect(validateField(fieldDef('repEmail'), 'Li Lei@qq.com')).toEqual({ ok: true, value: 'lilei@qq.com' });
    expect(extractAnswer(fieldDef('repName'), '我们的代表是王小明，他是副校长，邮箱wxm@x.cn')).toEqual({
      repName: '王小明',
      repTitle: '副校长',
      repEmail: 'wxm@x.cn',
    });
    expect(extractAnswer(fieldDef('repTitle'), '联系人是李四', { repName: '王磊' })).toEqual({ contactName: '李四' });
    expect(extractAnswer(fieldDef('repName'), '我们是一家公司，员工200人')).not.toHaveProperty('repTitle');
    expect(extractAnswer(fieldDef('repName'), '王小明副校长')).toEqual({ repName: '王小明', repTitle: '副校长' });
    expect(extractAnswer(fieldDef('repTitle'), '信息科科长')).toEqual({ repTitle: '信息科科长' });
    expect(extractAnswer(fieldDef('repTitle'), '高新区主任')).toEqual({ repTitle: '高新区主任' });
    expect(extractAnswer(fieldDef('repTitle'), '高级经理', { repName: '王磊' })).toEqual({ repTitle: '高级经理' });
  });

  it('keeps a plain single answer for the field asked, and a profile whole', () => {
    expect(extractAnswer(fieldDef('repTitle'), '信息中心')).toEqual({ repTitle: '信息中心' });
    expect(extractAnswer(fieldDef('repName'), 'John Smith')).toEqual({ repName: 'John Smith' });
    const profile = '我馆成立于1985年，现有职工60人；地址：贵阳。';
    expect(extractAnswer(fieldDef('orgProfile'), profile)).toEqual({ orgProfile: profile });
  });
});

describe('intents', () => {
  it('recognises the ways people ask to apply', () => {
    for (const t of ['我要申请加入联盟', '申请入盟', '怎么加入', '我们想加入', '我们单位想加入联盟。', '我要申请'])
      expect(isStart(t), t).toBe(true);
    for (const t of ['加入联盟需要什么条件？', '退出联盟后还能加入吗']) expect(isStart(t), t).toBe(false);
  });

  it('recognises corrections with and without the new value', () => {
    expect(parseCorrection('地址填错了，改成贵阳市观山湖区1号')).toEqual({
      field: 'address',
      part: undefined,
      person: undefined,
      value: '贵阳市观山湖区1号',
    });
    expect(parseCorrection('改一下电话')).toMatchObject({ part: 'phone', value: undefined });
    expect(parseCorrection('把联系人的邮箱改为 a@b.cn')).toMatchObject({
      part: 'email',
      person: 'contact',
      value: 'a@b.cn',
    });
    expect(parseCorrection('电话写错了，13812345678')).toMatchObject({ part: 'phone', value: '13812345678' });
    expect(parseCorrection('直接把状态改成已通过')).toBeUndefined();
  });

  it('recognises 同上, whole or in part', () => {
    const all = ['name', 'title', 'phone', 'email'];
    expect(parseSameAs('同上')).toEqual({ parts: all, said: 'bare', rest: '' });
    expect(parseSameAs('联系人和代表是同一个人')).toEqual({ parts: all, said: 'person', rest: '' });
    expect(parseSameAs('联系人也是他')).toMatchObject({ said: 'person' });
    expect(parseSameAs('电话和邮箱同上')).toEqual({ parts: ['phone', 'email'], said: 'parts', rest: '' });
    expect(parseSameAs('电话同上，邮箱是lilei@qq.com')).toEqual({
      parts: ['phone'],
      said: 'parts',
      rest: '邮箱是lilei@qq.com',
    });
    expect(parseSameAs('李娜')).toBeUndefined();
    expect(parseSameAs('联系人是代表的秘书李雷')).toBeUndefined();
  });

  it('tells a pause, a change called off and a plain confirmation from answers', () => {
    for (const text of ['暂停一下', '等一下', '我先去开会，回头再说', '下次再填', '再见'])
      expect(isPause(text)).toBe(true);
    for (const text of [
      '贵州省电化教育馆',
      '贵阳市回头湾路1号',
      '等级评估中心',
      '有事科技有限公司',
      '稍等网络科技有限公司',
    ])
      expect(isPause(text)).toBe(false);
    expect(isPause('我再考虑考虑')).toBe(true);
    for (const text of ['算了不改了', '还是用原来的地址吧', '不改了。']) expect(isNevermind(text)).toBe(true);
    expect(isNevermind('贵阳市南明区1号')).toBe(false);
    for (const text of ['确认', '确认提交', '没问题']) expect(isConfirm(text)).toBe(true);
    for (const text of ['确认一下地址', '好的', '确认下截止日期']) expect(isConfirm(text)).toBe(false);
    for (const text of ['取消', '退出', '不填了']) expect(isCancel(text)).toBe(true);
    expect(isCancel('退出联盟以后还能加入吗')).toBe(false);
  });

  it('reads yes-no and either-or questions said without a question mark', () => {
    for (const text of ['要交钱不', '秘书处设在哪', '单位地址写注册地址还是办公地址', '代表可不可以是校长'])
      expect(isQuestion(text)).toBe(true);
    for (const text of ['贵州省电化教育馆', '贵阳市云岩区北京路1号', '不', '还是原来那个'])
      expect(isQuestion(text)).toBe(false);
  });

  it('tells questions, cancelling and status apart from answers', () => {
    expect(isQuestion('单位性质怎么选？')).toBe(true);
    expect(isQuestion('截止日期是哪天')).toBe(true);
    expect(isQuestion('贵州省电化教育馆')).toBe(false);
    expect(isQuestion('我们如何服务全省学校……'.repeat(10), true)).toBe(false);
    expect(isCancel('不想申请了')).toBe(true);
    expect(isStatus('申请进度')).toBe(true);
  });
});

describe('edge answers', () => {
  it('asks which field for a change without one, and splits a name given with its type', () => {
    expect(parseCorrection('我想修改一下')).toEqual({});
    expect(extractAnswer(fieldDef('orgName'), '贵州某某信息技术有限公司，企业')).toEqual({
      orgName: '贵州某某信息技术有限公司',
      orgType: '企业',
    });
  });
});
