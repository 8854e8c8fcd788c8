// Pause and resume across two separate processes of `alliance-bot chat --jsonl`, then the operator's
// `applications --json` and `applications export --csv`, all through the real command.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { jsonLines, runCli } from '../support/cli.ts';

let database: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  database = await createTestDatabase();
  env = { DATABASE_URL: database.url, APPLICATION_DEADLINE: '2099-12-31', LOG_LEVEL: 'warn' };
});
afterAll(async () => {
  await database?.drop();
});

const lines = (...messages: { user: string; text?: string }[]) =>
  messages.map((m) => JSON.stringify(m)).join('\n') + '\n';
const replyText = (line: Record<string, unknown>) =>
  (line.replies as { kind: string; text?: string; card?: { title: string } }[])
    .map((r) => r.text ?? r.card?.title ?? '')
    .join('\n');

describe('resume across processes', () => {
  it('keeps the draft and the step when the bot restarts', async () => {
    const first = await runCli(['chat', '--jsonl'], {
      env,
      input: lines(
        { user: 'zhang', text: '我要申请加入联盟' },
        { user: 'zhang', text: '黔西南州教育局' },
        { user: 'zhang', text: '兴义市桔山大道1号' },
        { user: 'zhang', text: '教育局' },
      ),
    });
    expect(first.code, first.stderr).toBe(0);
    const out1 = jsonLines(first.stdout);
    expect(replyText(out1.at(-1)!)).toContain('第 4/12 项');

    const second = await runCli(['chat', '--jsonl'], {
      env,
      input: lines(
        { user: 'zhang', text: '继续申请' },
        { user: 'zhang', text: '本局负责全州教育工作，已接入国家体系。' },
      ),
    });
    expect(second.code, second.stderr).toBe(0);
    const out2 = jsonLines(second.stdout);
    expect(replyText(out2[0]!)).toContain('第 4/12 项：单位基本情况');
    expect(replyText(out2[1]!)).toContain('第 5/12 项');

    const listed = await runCli(['applications', '--json'], { env });
    expect(listed.code, listed.stderr).toBe(0);
    const all = JSON.parse(listed.stdout) as {
      number: string | null;
      status: string;
      applicant: { channel: string; userId: string };
      fields: Record<string, string>;
    }[];
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      number: null,
      status: 'draft',
      applicant: { channel: 'console', userId: 'zhang' },
      fields: {
        orgName: '黔西南州教育局',
        address: '兴义市桔山大道1号',
        orgType: '教育部门',
        orgProfile: '本局负责全州教育工作，已接入国家体系。',
      },
    });

    const csv = await runCli(['applications', 'export', '--csv'], { env });
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.charCodeAt(0)).toBe(0xfeff);
    expect(csv.stdout).toContain('单位名称');
    expect(csv.stdout).toContain('黔西南州教育局');
    expect(csv.stdout).toContain('填写中');
  }, 120_000);
});
