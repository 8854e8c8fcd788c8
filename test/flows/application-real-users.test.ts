// Applicants as they really type, through the whole bot (console channel, real PostgreSQL): the form
// pasted whole before anything was asked, "我就是联系人" after saying who they are, posts written before
// names, a bare "不对 是…" for a number given two answers ago, half an address given again, the
// representative's details where the profile is asked, and "ok" at the summary. None of these phrasings
// comes from a blind set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFields, type Fields } from '../../src/application/form.ts';
import { createHarness, type Harness, type TestUser } from '../support/app.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ APPLICATION_DEADLINE: 'none' });
});
afterAll(async () => h?.close());

const rowOf = (user: TestUser) =>
  h.app.services.db.prisma.application.findFirst({ where: { userId: user.id }, orderBy: { createdAt: 'desc' } });
const fieldsOf = async (user: TestUser): Promise<Fields> => readFields((await rowOf(user))?.fields ?? {});

describe('an applicant who pastes the form and names themselves', () => {
  it('starts on the pasted rows, takes them all, and fills "我就是联系人" with the name given at the start', async () => {
    const user = h.user('real-1');
    await user.says(
      '老师好，我是黔西南州电教站的罗敏，下面是我们的信息：\n单位名称：黔西南州电化教育站\n地址：兴义市瑞金南路12号\n单位性质：教育部门',
    );
    expect(await fieldsOf(user)).toMatchObject({
      orgName: '黔西南州电化教育站',
      address: '兴义市瑞金南路12号',
      orgType: '教育部门',
    });
    expect(user.lastText()).toContain('第 4/12 项');
    await user.says('基本情况：州级电教机构，负责全州中小学数字资源推广，已接入国家平台');
    await user.says('代表是站长韦刚，13908590001，weigang@qxn.cn');
    await user.says('我就是联系人，职务是技术科科长，电话15308590002，邮箱luomin@qxn.cn');
    expect(user.lastText()).toContain('罗敏');
    await user.says('ok');
    const row = await rowOf(user);
    expect(row?.status).toBe('submitted');
    expect(readFields(row?.fields ?? {})).toMatchObject({
      orgProfile: '州级电教机构，负责全州中小学数字资源推广，已接入国家平台',
      repName: '韦刚',
      repTitle: '站长',
      contactName: '罗敏',
      contactTitle: '技术科科长',
      contactPhone: '15308590002',
    });
  });

  it('asks for the name when "我就是联系人" comes from someone who never said it', async () => {
    const user = h.user('real-2');
    await user.says('我要申请加入联盟');
    await user.says('单位名称：凯里市第五中学\n地址：凯里市北京西路3号\n单位性质：教育部门');
    await user.says('公办初中，学生1500人');
    await user.says('代表 副校长杨帆 13985509999 yf@kl5z.cn');
    await user.says('我就是联系人');
    expect(user.lastText()).toContain('您的姓名');
    expect((await fieldsOf(user)).contactName).toBeUndefined();
  });
});

describe('an applicant who mends things in passing', () => {
  it('mends the phone a bare "不对 是…" is about, completes half an address, and takes details out of place', async () => {
    const user = h.user('real-3');
    await user.says('我要申请');
    await user.says('凯里市第三小学');
    await user.says('凯里市大十字街道文化北路15号');
    await user.says('教育部门吧');
    await user.says('代表是校长杨光，电话13985501111，邮箱yg@kl3x.cn');
    expect(await fieldsOf(user)).toMatchObject({ repName: '杨光', repTitle: '校长', repPhone: '13985501111' });
    expect((await fieldsOf(user)).orgProfile).toBeUndefined();
    expect(user.lastText()).toContain('第 4/12 项');
    await user.says('公办小学，学生1300人');
    await user.says('联系人是教导处的龙燕主任');
    await user.says('13985502222');
    await user.says('longyan@kl3x.cn');
    await user.says('不对不对 是13985502223');
    expect(user.lastText()).toContain('13985502223');
    await user.says('地址写错了，是文化北路51号');
    expect(user.lastText()).toContain('凯里市大十字街道文化北路51号');
    await user.says('没问题了');
    const row = await rowOf(user);
    expect(row?.status).toBe('submitted');
    expect(readFields(row?.fields ?? {})).toMatchObject({
      address: '凯里市大十字街道文化北路51号',
      orgType: '教育部门',
      orgProfile: '公办小学，学生1300人',
      repPhone: '13985501111',
      contactName: '龙燕',
      contactTitle: '教导处主任',
      contactPhone: '13985502223',
    });
  });

  it('does not take a plain "好的" for a field, nor "对" before the form is complete', async () => {
    const user = h.user('real-4');
    await user.says('我要申请加入联盟');
    await user.says('好的');
    expect((await fieldsOf(user)).orgName).toBeUndefined();
    await user.says('对没问题');
    expect((await rowOf(user))?.status).toBe('draft');
  });
});
