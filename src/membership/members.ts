// The member registry (第十四条(三) 公布成员名单): import of the existing list, export, and the list
// members and the secretariat see.
import type { Readable } from 'node:stream';
import { spreadsheetCsv } from '../spreadsheet.ts';
import { fieldDef, ORG_TYPES } from '../application/form.ts';
import { userKey } from '../bot/inbound.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { CHANNEL_NAMES } from '../channels/registry.ts';
import { audit } from './audit.ts';
import { csvRecords } from './csv-records.ts';
import type { Tx } from '../delivery/outbox.ts';

export const IMPORT_COLUMNS = ['orgName', 'orgType', 'repName', 'channel', 'userId'] as const;

export type ImportProblem = {
  line: number;
  reason:
    | 'format'
    | 'columns'
    | 'org_name'
    | 'org_type'
    | 'rep_name'
    | 'channel'
    | 'user_id'
    | 'duplicate'
    | 'user_twice'
    | 'user_taken';
  value?: string;
  /** user_taken: the unit that account already represents. */
  org?: string;
};
export type ImportResult = { created: number; updated: number; unchanged: number; problems: ImportProblem[] };

type Row = { orgName: string; orgType: string; repName: string; channel: string; userId: string };

/** Checks rows one at a time, remembering the names and accounts already seen in the file. */
class RowChecker {
  private readonly seen = new Set<string>();
  private readonly reps = new Set<string>();

  check(record: string[], line: number, problems: ImportProblem[]): (Row & { line: number }) | undefined {
    if (record.length !== IMPORT_COLUMNS.length) {
      problems.push({ line, reason: 'columns', value: String(record.length) });
      return undefined;
    }
    const [orgName, orgType, repName, channel, userId] = record as [string, string, string, string, string];
    if (!orgName || orgName.length > 200) problems.push({ line, reason: 'org_name', value: orgName });
    else if (!(ORG_TYPES as readonly string[]).includes(orgType))
      problems.push({ line, reason: 'org_type', value: orgType });
    else if (!repName || repName.length > fieldDef('repName').max)
      problems.push({ line, reason: 'rep_name', value: repName });
    else if (!(CHANNEL_NAMES as readonly string[]).includes(channel))
      problems.push({ line, reason: 'channel', value: channel });
    else if (!/^[A-Za-z0-9_@.-]{1,100}$/.test(userId)) problems.push({ line, reason: 'user_id', value: userId });
    else if (this.seen.has(orgName)) problems.push({ line, reason: 'duplicate', value: orgName });
    // One representative acts for one member unit (第十三条(四)): withdrawal and votes go by it.
    else if (this.reps.has(userKey(channel, userId))) problems.push({ line, reason: 'user_twice', value: userId });
    else {
      this.seen.add(orgName);
      this.reps.add(userKey(channel, userId));
      return { line, orgName, orgType, repName, channel, userId };
    }
    return undefined;
  }
}

/** The file's checked rows in batches; a bad line is reported by its number and skipped, the rest kept. */
async function* checkedRows(
  input: string | Readable,
  problems: ImportProblem[],
  size: number,
): AsyncGenerator<(Row & { line: number })[]> {
  const checker = new RowChecker();
  let batch: (Row & { line: number })[] = [];
  let first = true;
  for await (const item of csvRecords(input)) {
    if ('malformed' in item) {
      problems.push({ line: item.line, reason: 'format', value: item.malformed.slice(0, 40) });
      continue;
    }
    const header = first && item.record[0] === 'orgName';
    first = false;
    if (header) continue;
    const row = checker.check(item.record, item.line, problems);
    if (row) batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Idempotent: matched by organisation name; a re-import updates, never duplicates. The file is read
 * as a stream and written in batches, so memory stays flat however long the list is.
 */
export async function importMembers(
  prisma: PrismaClient,
  actor: string,
  input: string | Readable,
): Promise<ImportResult> {
  const problems: ImportProblem[] = [];
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, problems };
  for await (const rows of checkedRows(input, problems, 500)) {
    await prisma.$transaction(
      async (tx) => {
        const chunk = await withoutTakenAccounts(tx, rows, problems);
        const existing = new Map(
          (await tx.member.findMany({ where: { orgName: { in: chunk.map((r) => r.orgName) } } })).map((m) => [
            m.orgName,
            m,
          ]),
        );
        const fresh = chunk.filter((r) => !existing.has(r.orgName));
        if (fresh.length > 0) {
          await insertMembers(tx, actor, fresh);
          result.created += fresh.length;
        }
        for (const { line: _line, ...row } of chunk) {
          const before = existing.get(row.orgName);
          if (!before) continue;
          const same = (['orgType', 'repName', 'channel', 'userId'] as const).every((k) => before[k] === row[k]);
          if (same) {
            result.unchanged += 1;
            continue;
          }
          await tx.member.update({ where: { id: before.id }, data: row });
          await audit(tx, {
            actor,
            action: 'member.import',
            entity: 'member',
            entityId: before.id,
            before: pick(before),
            after: row,
          });
          result.updated += 1;
        }
      },
      { timeout: 60_000 },
    );
  }
  problems.sort((a, b) => a.line - b.line);
  return result;
}

/**
 * Rows whose account already represents another unit in the database (as its Member account or one
 * of its MemberAccount rows) are reported (naming that unit) and left out; the database's unique
 * (channel, userId) and the one-unit-per-account trigger are the last word.
 */
/**
 * The unit holding each of these accounts, as its Member account or one of its further
 * representative accounts (MemberAccount), matched on the (channel, userId) unique indexes:
 * orgName by `channel:userId`; accounts no unit holds are absent.
 */
export async function unitNamesByAccount(
  db: Pick<Tx, '$queryRawUnsafe'>,
  accounts: { channel: string; userId: string }[],
): Promise<Map<string, string>> {
  if (accounts.length === 0) return new Map();
  const holders = await db.$queryRawUnsafe<{ channel: string; userId: string; orgName: string }[]>(
    `WITH x(channel, "userId") AS (SELECT * FROM unnest($1::text[], $2::text[]))
     SELECT m.channel, m."userId", m."orgName" FROM "Member" m JOIN x USING (channel, "userId")
     UNION ALL
     SELECT a.channel, a."userId", m."orgName" FROM "MemberAccount" a JOIN x USING (channel, "userId")
       JOIN "Member" m ON m.id = a."memberId"`,
    accounts.map((a) => a.channel),
    accounts.map((a) => a.userId),
  );
  return new Map(holders.map((m) => [userKey(m.channel, m.userId), m.orgName]));
}

async function withoutTakenAccounts(
  tx: Tx,
  rows: (Row & { line: number })[],
  problems: ImportProblem[],
): Promise<(Row & { line: number })[]> {
  const holder = await unitNamesByAccount(tx, rows);
  return rows.filter((row) => {
    const org = holder.get(userKey(row.channel, row.userId));
    if (org === undefined || org === row.orgName) return true;
    problems.push({ line: row.line, reason: 'user_taken', value: userKey(row.channel, row.userId), org });
    return false;
  });
}

export async function activeMembers(prisma: PrismaClient) {
  return prisma.member.findMany({ where: { status: 'active' }, orderBy: [{ joinedAt: 'asc' }, { orgName: 'asc' }] });
}

export async function exportMembersCsv(prisma: PrismaClient, all = false): Promise<string> {
  const members = await prisma.member.findMany({
    where: all ? {} : { status: 'active' },
    orderBy: [{ joinedAt: 'asc' }, { orgName: 'asc' }],
  });
  return spreadsheetCsv(
    [...IMPORT_COLUMNS, 'status', 'joinedAt'],
    members.map((m) => [m.orgName, m.orgType, m.repName, m.channel, m.userId, m.status, m.joinedAt.toISOString()]),
  );
}

/**
 * New units and their audit entries, one statement each for the whole batch: through Prisma's
 * createMany a 100k-row import spent about 1.5 ms of CPU per row in the query compiler.
 */
async function insertMembers(tx: Tx, actor: string, rows: Row[]): Promise<void> {
  const columns = [
    rows.map((r) => r.orgName),
    rows.map((r) => r.orgType),
    rows.map((r) => r.repName),
    rows.map((r) => r.channel),
    rows.map((r) => r.userId),
  ];
  const batch = `unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(o, t, r, c, u)`;
  await tx.$executeRawUnsafe(
    `INSERT INTO "Member" (id, "orgName", "orgType", "repName", channel, "userId", status, "updatedAt")
     SELECT gen_random_uuid()::text, o, t, r, c, u, 'active', now() FROM ${batch}`,
    ...columns,
  );
  await tx.$executeRawUnsafe(
    `INSERT INTO "AuditLog" (id, actor, action, entity, "entityId", after)
     SELECT gen_random_uuid()::text, $6, 'member.import', 'member', o,
            jsonb_build_object('orgName', o, 'orgType', t, 'repName', r, 'channel', c, 'userId', u)
     FROM ${batch}`,
    ...columns,
    actor,
  );
}

const pick = (m: Row) => ({
  orgName: m.orgName,
  orgType: m.orgType,
  repName: m.repName,
  channel: m.channel,
  userId: m.userId,
});
