// The congress's operator commands through the real CLI, held to the contract of issue 12:
// motions create --file --json, status --json, close, cancel --reason, export --csv.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { runCli } from '../support/cli.ts';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { castVote } from '../../src/congress/ballots.ts';

let database: TestDatabase;
let env: Record<string, string>;
let db: Db;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-motions-'));
const file = (name: string, content: string) => {
  const full = path.join(dir, name);
  fs.writeFileSync(full, content);
  return full;
};
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString().replace('Z', '+00:00');

beforeAll(async () => {
  database = await createTestDatabase();
  env = { DATABASE_URL: database.url, LOG_LEVEL: 'warn' };
  const members = file(
    'members.csv',
    'orgName,orgType,repName,channel,userId\n甲单位,企业,甲,console,a\n乙单位,企业,乙,console,b\n丙单位,企业,丙,console,c\n',
  );
  expect((await runCli(['members', 'import', '--csv', members], { env })).code).toBe(0);
  db = await openDatabase({ databaseUrl: database.url, dataDir: dir });
}, 600_000);
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

const vote = async (user: string, id: string, option: string) => {
  const motion = await db.prisma.motion.findUniqueOrThrow({ where: { id } });
  return castVote(db, { actor: `console:${user}`, motion, option, now: new Date() });
};
const statusOf = async (id: string) => {
  const r = await runCli(['motions', 'status', id, '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

describe('motions create', () => {
  it('reports every error with its field and creates nothing', async () => {
    const bad = file(
      'bad.yaml',
      [
        'kind: referendum',
        'title: ""',
        'closes_at: 2026-12-31 18:00',
        'rule: unanimous',
        'quorum: 1.5',
        'secret: true',
        'allow_change: true',
        'member: 不存在单位',
        'colour: blue',
      ].join('\n'),
    );
    const r = await runCli(['motions', 'create', '--file', bad, '--json'], { env });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    for (const field of ['kind:', 'title:', 'text:', 'closes_at:', 'rule:', 'quorum:', 'allow_change:', 'colour:'])
      expect(r.stderr).toContain(field);
    expect(r.stderr).toContain('带时区的 ISO 8601');
    expect(r.stderr).toContain('动议未创建');
    expect(await db.prisma.motion.count()).toBe(0);

    expect(await db.prisma.motion.count()).toBe(0);
  }, 600_000);

  it('creates, reports status, closes with the tally, exports the minutes', async () => {
    const good = file(
      'good.yaml',
      `kind: general\ntitle: 2027 年度工作计划\ntext: 审议秘书处提交的 2027 年度工作计划。\ncloses_at: "${inAWeek()}"\nallow_change: true\n`,
    );
    const created = await runCli(['motions', 'create', '--file', good, '--json'], { env });
    expect(created.code, created.stderr).toBe(0);
    const { id, number } = JSON.parse(created.stdout) as { id: string; number: number };
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(number).toBeGreaterThan(0);
    // The cards are in the outbox, one per representative, for serve/worker to deliver.
    expect(await db.prisma.outboxMessage.count({ where: { dedupeKey: { startsWith: `motion:${id}:card` } } })).toBe(3);

    expect(await statusOf(id)).toEqual({ id, status: 'open', eligible: 3, voted: 0, counts: null, result: null });
    expect((await vote('a', id, '赞成')).kind).toBe('recorded');
    expect((await vote('b', id, '赞成')).kind).toBe('recorded');
    expect(await vote('b', id, '反对')).toMatchObject({ kind: 'changed', from: '赞成', to: '反对' });
    expect(await vote('b', id, '赞成')).toMatchObject({ kind: 'changed' });
    expect((await vote('zz', id, '赞成')).kind).toBe('not_member');
    // By number too.
    expect(await statusOf(String(number))).toEqual({
      id,
      status: 'open',
      eligible: 3,
      voted: 2,
      counts: null,
      result: null,
    });

    const closed = await runCli(['motions', 'close', id], { env });
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout).toContain('获得通过');
    expect(await statusOf(id)).toEqual({
      id,
      status: 'closed',
      eligible: 3,
      voted: 2,
      counts: { 赞成: 2, 反对: 0, 弃权: 0 },
      result: 'passed',
    });
    expect((await vote('c', id, '赞成')).kind).toBe('not_open');
    // The result went to every member once.
    expect(await db.prisma.outboxMessage.count({ where: { dedupeKey: { startsWith: `motion:${id}:result` } } })).toBe(
      3,
    );

    const csv = await runCli(['motions', 'export', id, '--csv'], { env });
    expect(csv.code).toBe(0);
    const lines = csv.stdout
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('orgName,voted,choice,by,votedAt,changedAt');
    expect(lines).toHaveLength(4);
    expect(csv.stdout).toMatch(/乙单位,yes,赞成,console:b,[^,]+,\d{4}-/);
    expect(csv.stdout).toContain('丙单位,no,,,,');
  }, 600_000);

  it("an expulsion's file needs the secretariat's verification, kept and exported with the minutes", async () => {
    const body = `kind: expulsion\ntitle: 关于除名丙单位的动议\ntext: 丙单位一年以上不履行义务，提请除名。\nmember: 丙单位\ncloses_at: "${inAWeek()}"\n`;
    const before = await db.prisma.motion.count();
    const missing = await runCli(['motions', 'create', '--file', file('no-verification.yaml', body), '--json'], {
      env,
    });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('verification: 除名动议应写明秘书处核实的情况');
    const empty = await runCli(['motions', 'create', '--file', file('empty.yaml', `${body}verification: ""\n`)], {
      env,
    });
    expect(empty.code).toBe(3);
    expect(empty.stderr).toContain('verification: 应是非空文字');
    expect(await db.prisma.motion.count()).toBe(before);

    const withIt = file(
      'expel.yaml',
      `${body}verification: |\n  =秘书处 12 月 1 日函询，未获答复；\n  会费两年未交。\n`,
    );
    const created = await runCli(['motions', 'create', '--file', withIt, '--json'], { env });
    expect(created.code, created.stderr).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect(await db.prisma.motion.findUniqueOrThrow({ where: { id } })).toMatchObject({
      kind: 'expulsion',
      verification: '=秘书处 12 月 1 日函询，未获答复；\n会费两年未交。',
      eligibleCount: 2,
    });
    const csv = await runCli(['motions', 'export', id, '--csv'], { env });
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.replace(/^\uFEFF/, '').split('\n');
    // What the minutes are about first (a cell that looks like a formula is defused), then the units.
    expect(lines.slice(0, 5)).toEqual([
      'member,丙单位',
      'verification,"\'=秘书处 12 月 1 日函询，未获答复；',
      '会费两年未交。"',
      '',
      'orgName,voted,choice,by,votedAt,changedAt',
    ]);
    expect(csv.stdout).toContain('甲单位,no,,,,');
    expect(csv.stdout).not.toContain('丙单位,no');
  }, 600_000);

  it('cancels with a reason, and refuses without one', async () => {
    const f = file('c.yaml', `kind: rules\ntitle: 会费细则\ntext: 细则全文\ncloses_at: "${inAWeek()}"\n`);
    const { id } = JSON.parse((await runCli(['motions', 'create', '--file', f, '--json'], { env })).stdout) as {
      id: string;
    };
    const noReason = await runCli(['motions', 'cancel', id], { env });
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason 不能为空');
    const done = await runCli(['motions', 'cancel', id, '--reason', '议题撤回'], { env });
    expect(done.code, done.stderr).toBe(0);
    expect(await statusOf(id)).toMatchObject({ status: 'cancelled', counts: null, result: null });
    expect((await vote('a', id, '赞成')).kind).toBe('not_open');
    const again = await runCli(['motions', 'close', id], { env });
    expect(again.code).toBe(5);
    const unknown = await runCli(['motions', 'status', 'nope', '--json'], { env });
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('没有找到表决');
  }, 600_000);
});
