// Secretariat roles from the database, the member list, and 群发通知 through the delivery backbone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMembershipHarness, type MembershipHarness } from '../support/membership-harness.ts';

let h: MembershipHarness;
beforeAll(async () => {
  h = await createMembershipHarness();
  await h.importMembers([
    ['北京市数字教育中心', 'm1'],
    ['上海智慧教育科技有限公司', 'm2'],
  ]);
});
afterAll(async () => h?.close());

const audits = () => h.app.services.db.prisma.auditLog.count();

describe('secretariat roles', () => {
  it('lists the bootstrapped secretariat, only to the secretariat', async () => {
    await h.user('sec1').says('秘书处名单');
    expect(h.user('sec1').lastText()).toContain('console:sec1');
    expect(h.user('sec1').lastText()).toContain('console:sec2');
    await h.user('alice').says('秘书处名单');
    expect(h.user('alice').lastText()).toContain('仅限联盟秘书处');
  });

  it('refuses a non-secretariat user who tries to grant themself the role, changing nothing', async () => {
    const before = await audits();
    await h.user('alice').says('添加秘书处 console:alice');
    expect(h.user('alice').lastText()).toContain('仅限联盟秘书处');
    await h.user('m1').says('添加秘书处 console:m1');
    expect(h.user('m1').lastText()).toContain('仅限联盟秘书处');
    expect(await audits()).toBe(before);
    await h.user('alice').says('群发通知');
    expect(h.user('alice').lastText()).toContain('仅限联盟秘书处');
  });

  it('grants and revokes with an audit entry, and never removes the last one', async () => {
    await h.user('sec1').says('添加秘书处 console:carol');
    expect(h.user('sec1').lastText()).toContain('已将 console:carol 设为秘书处成员');
    await h.user('sec1').says('添加秘书处 console:carol');
    expect(h.user('sec1').lastText()).toContain('已经是秘书处成员');
    const entry = await h.app.services.db.prisma.auditLog.findFirstOrThrow({
      where: { action: 'role.grant', entityId: 'console:carol' },
    });
    expect(entry).toMatchObject({ actor: 'console:sec1', after: { role: 'secretariat' } });
    // carol acts as secretariat right away: the role is read from the database.
    await h.user('carol').says('秘书处名单');
    expect(h.user('carol').lastText()).toContain('console:carol');
    await h.user('carol').says('移除秘书处 console:carol');
    expect(h.user('carol').lastText()).toContain('已移除');
    await h.user('carol').says('秘书处名单');
    expect(h.user('carol').lastText()).toContain('仅限联盟秘书处');
    await h.user('sec1').says('添加秘书处 bob');
    expect(h.user('sec1').lastText()).toContain('请写明平台和账号');
    // As people type it: a colon after the command, capitals, 移出.
    await h.user('sec1').says('添加秘书处：CONSOLE：dave');
    expect(h.user('sec1').lastText()).toContain('已将 console:dave 设为秘书处成员');
    await h.user('sec1').says('移出秘书处 console:dave');
    expect(h.user('sec1').lastText()).toContain('已移除');
  });
});

describe('member list', () => {
  it('is shown to members and the secretariat, not to others', async () => {
    await h.user('m1').says('成员名单');
    expect(h.user('m1').lastText()).toContain('共 2 家');
    expect(h.user('m1').lastText()).toContain('上海智慧教育科技有限公司');
    await h.user('sec2').says('成员名单');
    expect(h.user('sec2').lastText()).toContain('北京市数字教育中心');
    await h.user('alice').says('成员名单');
    expect(h.user('alice').lastText()).toContain('仅向联盟成员单位代表和秘书处提供');
  });
});

describe('群发通知', () => {
  it('guides the secretariat through text, file and confirmation; each member gets one card', async () => {
    const sec = h.user('sec1');
    await sec.says('群发通知');
    expect(sec.lastText()).toContain('通知正文');
    await sec.says('');
    expect(sec.lastText()).toContain('不能为空');
    await sec.says('请各成员单位于12月20日前报送年度工作总结。');
    expect(sec.lastText()).toContain('需要附带文件吗');
    await sec.says('不需要');
    expect(sec.lastText()).toContain('即将群发给 2 家成员单位');
    await sec.says('嗯嗯');
    expect(sec.lastText()).toContain('请回复“确认”');
    await sec.says('确认');
    const id = /编号 ([0-9a-f-]{36})/.exec(sec.lastText())?.[1];
    expect(id).toBeDefined();
    await h.user('m1').waitFor('年度工作总结');
    await h.user('m2').waitFor('年度工作总结');
    await h.settle();
    expect(h.user('m1').inbox).toHaveLength(1);
    expect(h.user('m2').inbox).toHaveLength(1);
    expect(h.user('alice').inbox).toHaveLength(0);
    await sec.says(`群发状态 ${id}`);
    expect(sec.lastText()).toContain('共 2，已送达 2，待发 0，失败 0');
    await sec.says('群发状态 not-an-id');
    expect(sec.lastText()).toContain('没有找到');
  });

  it('sends an attached file with the card, in order, and re-checks the role at the moment of sending', async () => {
    const sec = h.user('sec2');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ab-bc-')), '年度工作总结模板.docx');
    fs.writeFileSync(file, 'PK fake docx');
    await sec.says('群发通知');
    await sec.says('附件是年度工作总结模板，请查收。');
    await sec.sendsFile(file);
    expect(sec.lastText()).toContain('附件：年度工作总结模板.docx');
    await sec.says('确认');
    await h.user('m1').waitFor('年度工作总结模板.docx');
    const m1 = h.user('m1').inbox;
    const cardAt = m1.findIndex(
      (o) => o.kind === 'card' && (o.card.lines ?? []).join('').includes('附件是年度工作总结模板'),
    );
    expect(m1[cardAt + 1]).toMatchObject({ kind: 'file', name: '年度工作总结模板.docx' });

    // Revoked while the dialog was open: nothing is sent.
    await h.user('sec1').says('添加秘书处 console:dora');
    const dora = h.user('dora');
    await dora.says('群发通知');
    await dora.says('不该发出的通知');
    await dora.says('不需要');
    await h.user('sec1').says('移除秘书处 console:dora');
    await dora.says('确认');
    expect(dora.lastText()).toContain('仅限联盟秘书处');
    expect(await h.app.services.db.prisma.broadcast.count({ where: { actor: 'console:dora' } })).toBe(0);
  });

  it('can be cancelled, sending nothing', async () => {
    const sec = h.user('sec2');
    const before = await h.app.services.db.prisma.broadcast.count();
    await sec.says('群发通知');
    await sec.says('测试');
    await sec.says('取消');
    expect(sec.lastText()).toContain('已取消');
    expect(await h.app.services.db.prisma.broadcast.count()).toBe(before);
  });
});
