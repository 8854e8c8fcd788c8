// The submitted form as a DOCX: open the generated file and read the values back out of it.
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app.ts';
import { readFile } from '../../src/db/files.ts';
import { loadCorpus } from '../../src/knowledge/corpus.ts';
import { readNoticeFacts, resolveDeadline } from '../../src/application/notice.ts';
import { loadConfig } from '../../src/config.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ APPLICATION_DEADLINE: 'none' });
});
afterAll(async () => {
  await h?.close();
});

describe('the filled form (附件2) as DOCX', () => {
  it('holds every field in the table of the form, with the chosen 单位性质 ticked', async () => {
    const user = h.user('docx');
    await user.says('我要申请加入联盟');
    await user.says('单位名称：贵州黔教数字科技有限公司；地址：贵阳市观山湖区林城西路99号');
    expect(user.lastText()).toContain('第 3/12 项');
    await user.says('企业');
    await user.says('本公司成立于2012年，员工150人。\n主营数字教育资源开发，年营业额3000万元。\n获得ISO9001认证。');
    await user.says('姓名：王磊，职务：总经理，电话：13812345678，邮箱：wanglei@qianjiao.cn');
    await user.says('李娜，市场部经理，0851-85571487，lina@qianjiao.cn');
    const replies = await user.says('确认提交');
    const file = replies.find((r) => r.kind === 'file');
    expect(file?.kind).toBe('file');
    if (file?.kind !== 'file') return;
    expect(file.mime).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(user.lastText()).toContain('本轮申请未设截止日期');

    const stored = await readFile(h.app.services.db.prisma, file.fileId);
    expect(stored?.data.subarray(0, 2).toString()).toBe('PK');
    const { value: text } = await mammoth.extractRawText({ buffer: stored!.data });
    for (const expected of [
      '国家数字教育资源公共服务体系联盟成员申请表',
      '单位名称',
      '贵州黔教数字科技有限公司',
      '贵阳市观山湖区林城西路99号',
      '企业 ☑',
      '教育部门 ☐',
      '社会团体 ☐',
      '（包括单位简介、单位规模、经营情况、获得的相关资质）',
      '主营数字教育资源开发，年营业额3000万元。',
      '获得ISO9001认证。',
      '单位成员代表（委托人）',
      '总经理',
      '13812345678',
      'wanglei@qianjiao.cn',
      '单位联系人',
      '市场部经理',
      '0851-85571487',
      'lina@qianjiao.cn',
      '申请单位或部门（盖章）',
    ]) {
      expect(text, expected).toContain(expected);
    }
    // The table keeps the form's row order.
    const order = [
      '贵州黔教数字科技有限公司',
      '林城西路',
      '企业 ☑',
      '获得ISO9001认证',
      '王磊',
      'wanglei@',
      '李娜',
      'lina@',
      '盖章',
    ];
    const positions = order.map((s) => text.indexOf(s));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const { row } = { row: await h.app.services.db.prisma.application.findFirst({ where: { userId: 'docx' } }) };
    expect(text).toContain(row!.number!);
  });
});

describe('the deadline', () => {
  it('defaults to the date in the notice and can be switched off', () => {
    const facts = readNoticeFacts(loadCorpus(loadConfig({}).knowledgeDir));
    expect(facts.noticeDeadline).toBe('2019-09-26');
    expect(resolveDeadline(loadConfig({}).application.deadline, facts)?.endsAt.toISOString()).toBe(
      '2019-09-26T15:59:59.999Z',
    );
    expect(resolveDeadline(loadConfig({ APPLICATION_DEADLINE: 'none' }).application.deadline, facts)).toBeUndefined();
    expect(() => loadConfig({ APPLICATION_DEADLINE: '26/09/2019' })).toThrow(/APPLICATION_DEADLINE/);
  });

  it('by default (the notice) refuses new applications with a clear message', async () => {
    const closed = await createHarness();
    try {
      const user = closed.user('closed');
      await user.says('我要申请加入联盟');
      expect(user.lastText()).toContain('已于 2019年9月26日 截止');
    } finally {
      await closed.close();
    }
  });
});
