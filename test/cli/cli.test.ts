// The command line as operators and scripts use it: real child processes, real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { jsonLines, runCli } from '../support/cli.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('alliance-bot chat --jsonl', () => {
  it('answers interleaved users line by line, reports a bad line and carries on', async () => {
    const input = [
      JSON.stringify({ user: 'alice', text: '我们单位退出以后还能重新申请吗？' }),
      'this is {not json',
      JSON.stringify({ user: 'bob', text: '帮我订一张去北京的机票' }),
      JSON.stringify({ user: 'carol' }),
      JSON.stringify({ user: 'alice', text: '你好' }),
    ].join('\n');
    const result = await runCli(['chat', '--jsonl'], { input, env: { DATABASE_URL: database.url } });
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ user: 'alice', replies: [{ kind: 'text' }] });
    const [reply] = lines[0]!.replies as { citations: { section: string }[] }[];
    expect(reply!.citations[0]!.section).toBe('第二十条');
    expect(JSON.stringify(lines[0])).toContain('两年内');
    expect(lines[1]).toMatchObject({ line: 2 });
    expect(String(lines[1]!.error)).toContain('JSON');
    expect(lines[2]).toMatchObject({ user: 'bob' });
    expect(JSON.stringify(lines[2])).toContain('没有写到这个问题');
    expect(lines[3]).toMatchObject({ line: 4 });
    expect(lines[4]).toMatchObject({ user: 'alice' });
  });

  it('keeps conversation state in the database between runs', async () => {
    await runCli(['chat', '--jsonl'], {
      input: JSON.stringify({ user: 'dave', text: '你好' }),
      env: { DATABASE_URL: database.url },
    });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(
      'SELECT "userId", state FROM "Conversation" WHERE channel = $1 ORDER BY "userId"',
      ['console'],
    );
    await client.end();
    expect(rows.map((r: { userId: string }) => r.userId)).toEqual(expect.arrayContaining(['alice', 'bob', 'dave']));
  });
});

describe('alliance-bot ask', () => {
  it('--jsonl writes id, answer, citations best first, refused and ms', async () => {
    const input = [
      JSON.stringify({ id: 'q1', q: '除名后多久可以重新加入？' }),
      JSON.stringify({ id: 'q2', q: '北京今天天气怎么样' }),
      '{"id": "q3"}',
      'garbage',
    ].join('\n');
    const result = await runCli(['ask', '--jsonl'], { input });
    expect(result.code, result.stderr).toBe(0);
    const [first, second, third, fourth] = jsonLines(result.stdout);
    expect(first).toMatchObject({ id: 'q1', refused: false });
    const citations = first!.citations as { section: string; title: string; quote: string }[];
    expect(citations[0]).toMatchObject({ section: '第十九条', title: '除名' });
    expect(citations[0]!.quote).toContain('两年内');
    expect(typeof first!.ms).toBe('number');
    expect(second).toMatchObject({ id: 'q2', refused: true, citations: [] });
    expect(third).toMatchObject({ id: 'q3' });
    expect(third!.error).toBeDefined();
    expect(fourth!.error).toBeDefined();
  });

  it('prints an answer for a person', async () => {
    const result = await runCli(['ask', '成员大会多久开一次']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('第十七条');
  });
});

describe('operator commands', () => {
  it('index check validates the corpus and prints a summary', async () => {
    const result = await runCli(['index', 'check']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('章程条目 25');
  });

  it('db migrate is idempotent on a brand-new database', async () => {
    const fresh = await createTestDatabase();
    try {
      const first = await runCli(['db', 'migrate'], { env: { DATABASE_URL: fresh.url } });
      expect(first.code, first.stderr).toBe(0);
      const second = await runCli(['db', 'migrate'], { env: { DATABASE_URL: fresh.url } });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('数据库已是最新');
    } finally {
      await fresh.drop();
    }
  });

  it('a bad variable stops with a message that names it', async () => {
    const result = await runCli(['ask', '你好'], { env: { LOG_LEVEL: 'shouting' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('LOG_LEVEL');
  });
});
