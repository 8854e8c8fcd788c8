// Names, posts and how people refer to each other, as applicants type them (src/application/name-title.ts,
// extract.ts), and the small intents around them. None of these phrasings comes from a blind set.
import { describe, expect, it } from 'vitest';
import { extractAnswer, labelledRows } from '../../src/application/extract.ts';
import { fieldDef } from '../../src/application/form.ts';
import { addressForm, selfIntroduction, splitPostAndName } from '../../src/application/name-title.ts';
import { completedAddress, correctedField, unnamedCorrectionValue } from '../../src/application/corrections.ts';
import { isBoxWithParticle, isPlainAgreement, parseCorrection, personDetails } from '../../src/application/intents.ts';

describe('a post and a name written together', () => {
  it('splits post-then-name and unit-的-name-post, and leaves plain posts whole', () => {
    expect(splitPostAndName('常务副校长吴敏')).toEqual({ name: '吴敏', title: '常务副校长' });
    expect(splitPostAndName('馆长刘德胜')).toEqual({ name: '刘德胜', title: '馆长' });
    expect(splitPostAndName('财务科的肖芳科长')).toEqual({ name: '肖芳', title: '财务科科长' });
    for (const post of ['信息科科长', '党委书记', '校长助理', '办公室主任', '主任科员', '高新区主任'])
      expect(splitPostAndName(post)).toBeUndefined();
  });

  it('tells how someone is addressed from a name', () => {
    expect(addressForm('王老师')).toEqual({ surname: '王' });
    expect(addressForm('覃主任')).toEqual({ surname: '覃', title: '主任' });
    expect(addressForm('信息中心的小周')).toEqual({ surname: '周' });
    expect(addressForm('王晓东')).toBeUndefined();
  });

  it('reads people out of one sentence, address forms and pronouns dropped', () => {
    const contact = fieldDef('contactName');
    expect(extractAnswer(contact, '联系人王老师，王晓东，教务处副主任')).toEqual({
      contactName: '王晓东',
      contactTitle: '教务处副主任',
    });
    expect(extractAnswer(contact, '联系人请写信息中心的小周，周瑞，网管')).toEqual({
      contactName: '周瑞',
      contactTitle: '网管',
    });
    expect(extractAnswer(fieldDef('repName'), '代表是主任石磊他手机13811112222邮箱shilei@x.cn')).toEqual({
      repName: '石磊',
      repTitle: '主任',
      repPhone: '13811112222',
      repEmail: 'shilei@x.cn',
    });
    expect(extractAnswer(contact, '好的 联系人是李娜')).toEqual({ contactName: '李娜' });
    // Alone, the address form keeps its post and the name is asked for.
    expect(extractAnswer(fieldDef('repName'), '覃主任')).toEqual({ repTitle: '主任' });
  });
});

describe('who the applicant says they are', () => {
  it('finds a name or a post only where they introduce themselves', () => {
    expect(selfIntroduction('您好，我是毕节市电教站的陈刚，想申请入盟')).toEqual({ name: '陈刚' });
    expect(selfIntroduction('我叫周莉')).toEqual({ name: '周莉' });
    expect(selfIntroduction('我是某某中学的副校长')).toEqual({ title: '副校长' });
    for (const text of ['王磊想帮忙', '我就是联系人', '我们学校的王老师', '我校是中职学校'])
      expect(selfIntroduction(text)).toBeUndefined();
  });
});

describe('the form, rows and corrections', () => {
  it('counts labelled rows pasted in one message', () => {
    expect(labelledRows('单位名称：某某中学\n地址：某市某路1号')).toBe(2);
    expect(labelledRows('单位名称要写全称吗')).toBe(0);
    expect(labelledRows('代表：王磊 校长\n联系人：李娜')).toBe(2);
  });

  it('reads the whole form pasted, people included', () => {
    expect(
      extractAnswer(fieldDef('orgName'), '单位名称：某某科技有限公司\n单位性质：企业\n代表：王磊，总经理，13912345678'),
    ).toEqual({
      orgName: '某某科技有限公司',
      orgType: '企业',
      repName: '王磊',
      repTitle: '总经理',
      repPhone: '13912345678',
    });
  });

  it('ends a correction cue at a space, and finds the phone it is about', () => {
    expect(unnamedCorrectionValue('哦不对 是13912345679')).toBe('13912345679');
    const fields = { repPhone: '13912345678', repEmail: 'a@b.cn', contactPhone: '13800000000' };
    expect(correctedField('13912345679', ['repEmail'], fields)).toBe('repPhone');
    expect(correctedField('13912345679', ['orgType'], fields)).toBeUndefined();
    expect(parseCorrection('哦不对我邮箱是x@y.cn')).toEqual({ part: 'email', value: 'x@y.cn' });
    // One of the three boxes mends 单位性质, not the name answered last.
    const contact = { orgType: '教育部门', contactName: '李娜', contactTitle: '主任' };
    expect(correctedField('企业', ['contactName', 'contactTitle'], contact)).toBe('orgType');
  });

  it('completes an address given again from the street on', () => {
    expect(completedAddress('遵义市红花岗区丁字口路3号', '丁字口路30号')).toBe('遵义市红花岗区丁字口路30号');
    expect(completedAddress('遵义市红花岗区丁字口路3号', '遵义市汇川区上海路1号')).toBeUndefined();
    expect(completedAddress('遵义市红花岗区丁字口路3号', '延安路1号')).toBeUndefined();
  });

  it('tells agreement, a box with a particle and a person’s details from other answers', () => {
    for (const yes of ['ok', 'OK了', '对没问题', '没问题了', '好的可以', '👌'])
      expect(isPlainAgreement(yes)).toBe(true);
    for (const no of ['先别提交', '好的我再看看', '对了地址要改', '可以吗']) expect(isPlainAgreement(no)).toBe(false);
    expect(isBoxWithParticle('企业吧')).toBe(true);
    expect(isBoxWithParticle('是企业吗')).toBe(false);
    expect(personDetails('联系人：李娜，13912345678')).toBe('contact');
    expect(personDetails('代表性成果有三项，获奖12次')).toBeUndefined();
  });
});
