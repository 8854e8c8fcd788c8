// The application statements that run while applicants fill the form (db.sql, not Prisma), on both
// databases the bot runs on: what they write must read back through Prisma exactly as if Prisma had
// written it, numbers must stay unique when many submit at once, and the rules on organisations
// (one open application, members, two-year lockouts) must hold.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { Applications, type RenderedFile } from '../../src/application/service.ts';
import type { Fields } from '../../src/application/form.ts';
import { BOTH_DATABASES, openMigratedTestDatabase, type OpenedDatabase } from '../support/db.ts';

// 2026-12-31 20:00 UTC is already 2027 in Beijing: numbers follow the Beijing year.
const NOW = new Date('2026-12-31T20:00:00.123Z');

const complete = (orgName: string): Fields => ({
  orgName,
  address: '贵州省贵阳市云岩区北京路1号',
  orgType: '企业',
  orgProfile: '本公司成立于2012年，主营数字教育资源开发。',
  repName: '王磊',
  repTitle: '信息科科长',
  repPhone: '13812345678',
  repEmail: 'wanglei@example.com',
  contactName: '李娜',
  contactTitle: '办公室主任',
  contactPhone: '0851-85571487',
  contactEmail: 'lina@example.com',
});

const render = (number: string, fields: Fields): RenderedFile => ({
  name: `${number}.docx`,
  mime: 'application/octet-stream',
  data: Buffer.from(`${number}|${fields.orgName}|${fields.address}|\u0000\u00ff`, 'utf8'),
});

describe.each(BOTH_DATABASES)('application statements on $name', ({ embedded }) => {
  let opened: OpenedDatabase;
  let db: Db;
  let apps: Applications;

  beforeAll(async () => {
    opened = await openMigratedTestDatabase(embedded);
    db = opened.db;
    apps = new Applications(db, () => NOW, undefined);
  }, 60_000);

  afterAll(async () => opened?.close());

  const draftWith = async (user: string, fields: Fields) => {
    const draft = await apps.createDraft('console', user);
    await apps.patchFields(draft.id, fields);
    return { id: draft.id, number: null, fields, owner: `console:${user}` };
  };

  it('creates, patches and finds a draft with the times Prisma would write', async () => {
    const created = await apps.createDraft('feishu', 'ou_times');
    expect(created).toMatchObject({ status: 'draft', number: null, fields: {}, channel: 'feishu', userId: 'ou_times' });
    expect(created.createdAt.toISOString()).toBe(NOW.toISOString());

    expect(await apps.patchFields(created.id, { orgName: '贵州省 电化教育馆（盖章）' })).toEqual({
      orgName: '贵州省 电化教育馆（盖章）',
    });
    // A merge: a second patch keeps the first field; text that JSON and SQL must escape survives.
    const address = `引号"、反斜杠\\、$1 ::jsonb'); DROP TABLE "Application"; --`;
    expect(await apps.patchFields(created.id, { address })).toEqual({ orgName: '贵州省 电化教育馆（盖章）', address });

    const row = await db.prisma.application.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.createdAt.toISOString()).toBe(NOW.toISOString());
    expect(row.updatedAt.toISOString()).toBe(NOW.toISOString());
    expect(row.orgKey).toBe('贵州省电化教育馆');

    const found = await apps.findDraft('feishu', 'ou_times');
    expect(found).toMatchObject({ id: created.id, fields: { address }, submittedAt: null, scanAt: null });
    expect(found!.updatedAt.toISOString()).toBe(NOW.toISOString());
    expect(await apps.findDraft('feishu', 'ou_nobody')).toBeUndefined();
  });

  it('submits: number by the Beijing year, the document stored with it, read back through Prisma', async () => {
    const draft = await draftWith('submit', complete('贵州压测一号科技有限公司'));
    const result = await apps.submit(draft, render);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { application } = result;
    expect(application.number).toMatch(/^LM-2027-\d{4}$/);
    expect(application.submittedAt?.toISOString()).toBe(NOW.toISOString());

    const row = await db.prisma.application.findUniqueOrThrow({ where: { id: draft.id } });
    expect(row).toMatchObject({ status: 'submitted', number: application.number, openKey: '贵州压测一号科技有限公司' });
    expect(row.submittedAt?.toISOString()).toBe(NOW.toISOString());
    expect(row.documentFileId).toBe(application.documentFileId);

    const expected = render(application.number!, draft.fields).data;
    const file = await db.prisma.storedFile.findUniqueOrThrow({ where: { id: row.documentFileId! } });
    expect(Buffer.from(file.data).equals(expected)).toBe(true);
    expect(file).toMatchObject({
      name: `${application.number}.docx`,
      mime: 'application/octet-stream',
      size: expected.length,
      sha256: createHash('sha256').update(expected).digest('hex'),
      owner: 'console:submit',
    });
    expect(file.createdAt.toISOString()).toBe(NOW.toISOString());
  });

  it('stores nothing for a draft that is no longer a draft', async () => {
    const draft = await draftWith('gone', complete('已放弃的单位名称'));
    await apps.cancel(draft.id);
    const files = await db.prisma.storedFile.count();
    expect(await apps.submit(draft, render)).toEqual({ ok: false, kind: 'gone' });
    expect(await db.prisma.storedFile.count()).toBe(files);
    expect(await apps.patchFields(draft.id, { address: '不会写入的地址' })).toBeUndefined();
  });

  it('files the fields in the database when the caller’s copy is stale', async () => {
    const draft = await draftWith('stale', complete('过时副本测试单位'));
    await apps.patchFields(draft.id, { address: '后来改过的地址' });
    const result = await apps.submit(draft, render);
    expect(result.ok && result.application.fields.address).toBe('后来改过的地址');
    if (!result.ok) return;
    const file = await db.prisma.storedFile.findUniqueOrThrow({ where: { id: result.application.documentFileId! } });
    expect(Buffer.from(file.data).toString('utf8')).toContain('|后来改过的地址|');
  });

  it('gives every concurrent submission its own number, with no gaps', async () => {
    const before = await db.prisma.applicationCounter.findUnique({ where: { year: 2027 } });
    const drafts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => draftWith(`many${i}`, complete(`并发单位${i}号`))),
    );
    const results = await Promise.all(drafts.map((d) => apps.submit(d, render)));
    const numbers = results.map((r) => (r.ok ? Number(r.application.number!.slice(-4)) : NaN)).sort((a, b) => a - b);
    const first = (before?.last ?? 0) + 1;
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => first + i));
  });

  it('lets exactly one of several applicants of one organisation submit at once', async () => {
    const drafts = await Promise.all(
      ['贵州省 同名单位', '贵州省同名单位（盖章）', '贵州省同名单位'].map((name, i) =>
        draftWith(`same${i}`, complete(name)),
      ),
    );
    const results = await Promise.all(drafts.map((d) => apps.submit(d, render)));
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const number = winners[0]!.ok ? winners[0]!.application.number : '';
    for (const r of results.filter((x) => !x.ok))
      expect(r).toEqual({ ok: false, kind: 'org', block: { kind: 'open', number } });
    // Its own application does not block it; another one does.
    const winner = drafts[results.findIndex((r) => r.ok)]!;
    expect(await apps.checkOrganisation('贵州省同名单位', winner.id)).toBeUndefined();
    expect(await apps.checkOrganisation('贵州省同名单位')).toEqual({ kind: 'open', number });
  });

  it('applies the rules on members and the two-year lockout', async () => {
    const day = 86_400_000;
    const leftAt = new Date(NOW.getTime() - 400 * day);
    const lockedUntil = new Date(NOW.getTime() + 10 * day + 7);
    await db.prisma.member.createMany({
      data: [
        { orgName: '在册成员单位', channel: 'console', userId: 'm1', status: 'active' },
        { orgName: '一年前退出的单位', channel: 'console', userId: 'm2', status: 'withdrawn', leftAt },
        { orgName: '被除名的单位', channel: 'console', userId: 'm3', status: 'expelled', leftAt, lockedUntil },
        {
          orgName: '三年前退出的单位',
          channel: 'console',
          userId: 'm4',
          status: 'withdrawn',
          leftAt: new Date(NOW.getTime() - 3 * 365 * day),
        },
      ],
    });
    expect(await apps.checkOrganisation('在册成员单位（盖章）')).toEqual({ kind: 'member' });
    const until = new Date(leftAt);
    until.setUTCFullYear(until.getUTCFullYear() + 2);
    expect(await apps.checkOrganisation('一年前退出的单位')).toEqual({
      kind: 'locked',
      reason: 'withdrawn',
      leftAt,
      until,
      period: { months: 24 },
    });
    expect(await apps.checkOrganisation('被除名的 单位')).toEqual({
      kind: 'locked',
      reason: 'expelled',
      leftAt,
      until: lockedUntil,
      // Set by hand, not a whole number of months after leftAt: the refusal names no period.
      period: undefined,
    });
    expect(await apps.checkOrganisation('三年前退出的单位')).toBeUndefined();
    // A former member stored without its lockedUntil: the period the charter sets now (here 三年).
    const threeYears = new Applications(
      db,
      () => NOW,
      undefined,
      async () => ({ months: 36 }),
    );
    const later = new Date(leftAt);
    later.setUTCFullYear(later.getUTCFullYear() + 3);
    expect(await threeYears.checkOrganisation('一年前退出的单位')).toMatchObject({
      until: later,
      period: { months: 36 },
    });
    expect(await apps.checkOrganisation('从未申请过的单位')).toBeUndefined();
  });
});
