// The secretariat's operator commands through the real CLI: members import (idempotent, bad rows
// reported by line and skipped), members export, broadcast and broadcast status --json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { runCli } from '../support/cli.ts';

let database: TestDatabase;
let env: Record<string, string>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-members-'));
beforeAll(async () => {
  database = await createTestDatabase();
  env = { DATABASE_URL: database.url, LOG_LEVEL: 'warn' };
});
afterAll(async () => database?.drop());

const csv = (name: string, content: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};

describe('members import / export', () => {
  it('imports good rows, reports bad ones by line, and is idempotent', async () => {
    const file = csv(
      'members.csv',
      [
        '\uFEFForgName,orgType,repName,channel,userId',
        '北京市数字教育中心,教育部门,张三,feishu,ou_a1',
        '"上海智慧教育科技有限公司（含,逗号）",企业,李四,wechat,wxid_b2',
        '坏渠道单位,企业,王五,qq,123',
        '缺列单位,企业',
        '北京市数字教育中心,教育部门,张三丰,feishu,ou_a1',
        '坏账号单位,企业,赵六,feishu,ou bad id',
        '=HYPERLINK("x"),企业,吴,feishu,ou_f8',
        '坏性质单位,公司企业,钱七,feishu,ou_c3',
        '无代表单位,企业,,feishu,ou_d4',
        '同账号单位,企业,孙八,feishu,ou_a1',
        '=1+1单位,企业,周九,feishu,ou_e5',
        '',
      ].join('\r\n'),
    );
    const first = await runCli(['members', 'import', '--csv', file], { env });
    expect(first.code).toBe(3);
    expect(first.stdout).toContain('新增 3 家，更新 0 家，未变 0 家，跳过 8 行');
    expect(first.stderr).toContain(
      '第 4 行已跳过：channel 只能是 feishu、wechat、wecom、wechat-mp、console 或 playground（实际“qq”）',
    );
    // A stray quote spoils one line, not the file.
    expect(first.stderr).toContain('第 8 行已跳过：这一行无法按 CSV 读取');
    expect(first.stderr).toContain('第 9 行已跳过：单位性质只能是');
    expect(first.stderr).toContain('第 10 行已跳过：代表姓名为空');
    expect(first.stderr).toContain('第 11 行已跳过：这个账号已在前面的行里代表另一个单位');
    expect(first.stderr).toContain('第 5 行已跳过：列数不对');
    expect(first.stderr).toContain('第 6 行已跳过：与前面的行单位名称重复');
    expect(first.stderr).toContain('第 7 行已跳过：userId 不是有效的平台账号');

    const again = await runCli(['members', 'import', '--csv', file], { env });
    expect(again.stdout).toContain('新增 0 家，更新 0 家，未变 3 家');

    const changed = csv(
      'changed.csv',
      'orgName,orgType,repName,channel,userId\n北京市数字教育中心,教育部门,张三丰,feishu,ou_a9\n',
    );
    const update = await runCli(['members', 'import', '--csv', changed], { env });
    expect(update.code).toBe(0);
    expect(update.stdout).toContain('新增 0 家，更新 1 家');

    const exported = await runCli(['members', 'export', '--csv'], { env });
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trim().split('\n');
    // A BOM for Excel; a name that starts like a formula cannot run as one.
    expect(exported.stdout.startsWith('\uFEFF')).toBe(true);
    expect(lines[0]).toBe('orgName,orgType,repName,channel,userId,status,joinedAt');
    expect(lines).toHaveLength(4);
    expect(exported.stdout).toContain("'=1+1单位,企业,周九,feishu,ou_e5,active");
    expect(exported.stdout).toContain('北京市数字教育中心,教育部门,张三丰,feishu,ou_a9,active');
    expect(exported.stdout).toContain('"上海智慧教育科技有限公司（含,逗号）",企业,李四,wechat,wxid_b2,active');
  }, 120_000);

  it('says clearly when the file cannot be read', async () => {
    const result = await runCli(['members', 'import', '--csv', path.join(dir, 'missing.csv')], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('无法读取文件');
  }, 120_000);
});

describe('broadcast', () => {
  it('queues one card per member, prints its id, and reports status as JSON', async () => {
    const sent = await runCli(['broadcast', '--to', 'members', '--text', '请于月底前报送年度总结。'], { env });
    expect(sent.code, sent.stderr).toBe(0);
    const id = sent.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const status = await runCli(['broadcast', 'status', id, '--json'], { env });
    expect(JSON.parse(status.stdout)).toEqual({ id, total: 3, delivered: 0, pending: 3, failed: 0 });
  }, 120_000);

  it('refuses bad arguments with a clear message', async () => {
    expect((await runCli(['broadcast', '--to', 'everyone', '--text', 'x'], { env })).stderr).toContain(
      '只支持 members',
    );
    expect((await runCli(['broadcast', '--text', '   '], { env })).stderr).toContain('不能为空');
    expect((await runCli(['broadcast', '--text', '。'], { env })).stderr).toContain('不能为空');
    const unknown = await runCli(['broadcast', 'status', 'nope', '--json'], { env });
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('没有找到');
  }, 120_000);
});
