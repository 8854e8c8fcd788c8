// 500 member units voting at once through the card callback endpoint, with redelivered callbacks,
// double clicks and two representatives of one unit clicking at once: the tally equals the distinct
// unit votes exactly. Then a secret ballot: after voting, every table, the logs and the CLI output
// are searched for anything that ties a unit to its choice.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS, startFeishuWorld, type FeishuWorld } from '../channels/support/feishu-service.ts';
import { cardActionEvent, signedRequest } from '../channels/support/feishu-requests.ts';
import { outboxSettled } from '../channels/support/outbox.ts';
import { importMembers } from '../../src/membership/members.ts';
import { runCli } from '../support/cli.ts';

const UNITS = 500;
/** How many of them vote in the secret ballot (the leak scan's cost grows with the votes). */
const SECRET_VOTERS = 200;
const TWO_ACCOUNTS = 20;
const OPTIONS = ['赞成', '反对', '弃权'];

let w: FeishuWorld;
const prisma = () => w.service.app.services.db.prisma;
const congress = () => w.service.app.congress;

beforeAll(async () => {
  w = await startFeishuWorld({ SECRETARIAT_FEISHU_OPEN_IDS: 'ou_sec' });
  const rows = Array.from({ length: UNITS }, (_, i) => `单位${String(i).padStart(3, '0')},企业,代表,feishu,ou_u${i}`);
  await importMembers(prisma(), 'test', ['orgName,orgType,repName,channel,userId', ...rows].join('\n'));
  const members = await prisma().member.findMany({
    where: { userId: { in: rows.slice(0, TWO_ACCOUNTS).map((_, i) => `ou_u${i}`) } },
  });
  await prisma().memberAccount.createMany({
    data: members.map((m) => ({ memberId: m.id, channel: 'feishu', userId: m.userId.replace('ou_u', 'ou_v') })),
  });
}, 120_000);
afterAll(async () => w?.close());

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

/** A signed click on the vote button as the card renders it (addressed to the clicker). */
function click(openId: string, motion: string, option: string, eventId = randomUUID()) {
  const event = cardActionEvent(SECRETS.verificationToken, {
    operatorId: openId,
    value: { action: 'congress.vote', value: { motion, option }, to: openId, exp: inAnHour() },
    messageId: `om_${randomUUID()}`,
    chatId: `oc_${openId}`,
    eventId,
  });
  return () => w.post('/feishu/events', signedRequest(event, SECRETS.encryptKey));
}

async function votes(motion: string, units = UNITS) {
  const clicks: (() => Promise<unknown>)[] = [];
  const expected: Record<string, number> = { 赞成: 0, 反对: 0, 弃权: 0 };
  for (let i = 0; i < units; i += 1) {
    const option = OPTIONS[i % 3]!;
    const eventId = randomUUID();
    clicks.push(click(`ou_u${i}`, motion, option, eventId));
    // Feishu redelivers the same callback; the person double-clicks.
    clicks.push(click(`ou_u${i}`, motion, option, eventId));
    clicks.push(click(`ou_u${i}`, motion, option));
    // The unit's other representative clicks the same choice at the same moment.
    if (i < TWO_ACCOUNTS) clicks.push(click(`ou_v${i}`, motion, option));
    expected[option]! += 1;
  }
  clicks.sort(() => Math.random() - 0.5);
  // Many at a time, as Feishu's callbacks arrive (some hundreds of connections open, not thousands:
  // past the listen backlog a real server resets connections, a test should not).
  const limit = pLimit(128);
  const answers = (await Promise.all(clicks.map((c) => limit(c)))) as { status: number }[];
  expect(answers.every((a) => a.status === 200)).toBe(true);
  await w.service.channel.idle();
  return expected;
}

describe('votes at once', () => {
  it('tally equals the distinct unit votes', async () => {
    const created = await congress().create('feishu:ou_sec', {
      kind: 'general',
      title: '并发表决',
      text: '并发表决',
      closes_at: inAnHour(),
    });
    if (!created.ok) throw new Error('not created');
    const id = created.motion.id;
    const expected = await votes(id);
    // Two accounts of one unit with different choices at once: one of them is the unit's vote.
    await Promise.all([click('ou_u0', id, '反对')(), click('ou_v0', id, '弃权')()]);
    await w.service.channel.idle();
    expect(await prisma().voterRecord.count({ where: { motionId: id } })).toBe(UNITS);
    const result = await congress().close(id, 'test');
    if (result.kind !== 'closed') throw new Error('not closed');
    expect(result.tally.counts).toEqual(expected);
    expect(result.tally.voted).toBe(UNITS);
  }, 300_000);
});

describe('a secret ballot', () => {
  it('leaves nothing that ties a unit to its choice', async () => {
    const created = await congress().create('feishu:ou_sec', {
      kind: 'rules',
      title: '会费细则',
      text: '会费细则全文',
      closes_at: inAnHour(),
      secret: true,
    });
    if (!created.ok) throw new Error('not created');
    const motion = created.motion;
    const expected = await votes(motion.id, SECRET_VOTERS);
    await outboxSettled(w.service.app);
    const result = await congress().close(motion.id, 'test');
    if (result.kind !== 'closed') throw new Error('not closed');
    expect(result.tally.counts).toEqual(expected);

    // The ballot table holds a random id, the motion and a choice — nothing else.
    const client = new pg.Client({ connectionString: w.database.url });
    await client.connect();
    const columns = await client.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'Ballot' ORDER BY column_name`,
    );
    expect(columns.rows.map((r: { column_name: string }) => r.column_name)).toEqual(['choice', 'id', 'motionId']);
    const voters = await prisma().voterRecord.findMany({ where: { motionId: motion.id } });
    expect(voters.every((v) => v.choice === null && v.actor === null && v.votedAt === null && v.receipt)).toBe(true);

    // Every row of every table, every log line, the CLI's status and minutes.
    const tables = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    const texts: string[] = [];
    for (const { tablename } of tables.rows as { tablename: string }[]) {
      const rows = await client.query(`SELECT * FROM "${tablename}"`);
      for (const row of rows.rows) texts.push(`${tablename} ${JSON.stringify(row)}`);
    }
    await client.end();
    for (const line of w.logs) texts.push(JSON.stringify(line));
    const env = { DATABASE_URL: w.database.url, LOG_LEVEL: 'debug' };
    const [status, minutes] = await Promise.all([
      runCli(['motions', 'status', motion.id, '--json'], { env }),
      runCli(['motions', 'export', motion.id, '--csv'], { env }),
    ]);
    expect(minutes.code, minutes.stderr).toBe(0);
    for (const r of [status, minutes]) texts.push(...`${r.stdout}\n${r.stderr}`.split('\n'));
    expect(minutes.stdout).toContain('count,赞成,67');
    expect(minutes.stdout).not.toMatch(/单位\d{3}/);

    // A unit's identifiers: its id, name, accounts and receipt code.
    const members = await prisma().member.findMany();
    const receipts = new Map(voters.map((v) => [v.memberId, v.receipt!]));
    const leaks: string[] = [];
    for (const [i, m] of members.entries()) {
      const choice = OPTIONS[Number(m.userId.replace('ou_u', '')) % 3]!;
      const others = OPTIONS.filter((o) => o !== choice);
      const ids = [m.id, m.orgName, m.userId, m.userId.replace('ou_u', 'ou_v'), receipts.get(m.id)!];
      for (const text of texts) {
        // A line naming the unit and its choice alone (a vote card lists every option: no link).
        if (ids.some((id) => text.includes(`"${id}"`) || text.includes(`${id},`) || text.includes(`:${id}`))) {
          if ([motion.id, motion.title, receipts.get(m.id)!].some((s) => text.includes(s)))
            if (text.includes(choice) && !others.every((o) => text.includes(o))) leaks.push(text.slice(0, 300));
        }
      }
      if (i > 40) break;
    }
    expect(leaks).toEqual([]);
  }, 600_000);
});
