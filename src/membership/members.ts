// The member registry (第十四条(三) 公布成员名单): import of the existing list, export, and the list
// members and the secretariat see.
import { parse } from 'csv-parse/sync';
import { spreadsheetCsv } from '../spreadsheet.ts';
import { fieldDef, ORG_TYPES } from '../application/form.ts';
import { userKey } from '../bot/inbound.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { CHANNEL_NAMES } from '../channels/registry.ts';
import { audit } from './audit.ts';
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

/** Reads the CSV; a bad row is reported by its line number and skipped, the rest are imported. */
export function parseMemberCsv(content: string): { rows: (Row & { line: number })[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const records = readRecords(content.replace(/^\uFEFF/, ''), problems);
  const rows: (Row & { line: number })[] = [];
  const seen = new Set<string>();
  const reps = new Set<string>();
  for (const [index, { record, info }] of records.entries()) {
    const line = info.lines;
    if (index === 0 && record[0] === 'orgName') continue;
    if (record.length !== IMPORT_COLUMNS.length) {
      problems.push({ line, reason: 'columns', value: String(record.length) });
      continue;
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
    else if (seen.has(orgName)) problems.push({ line, reason: 'duplicate', value: orgName });
    // One representative acts for one member unit (第十三条(四)): withdrawal and votes go by it.
    else if (reps.has(userKey(channel, userId))) problems.push({ line, reason: 'user_twice', value: userId });
    else {
      seen.add(orgName);
      reps.add(userKey(channel, userId));
      rows.push({ line, orgName, orgType, repName, channel, userId });
    }
  }
  return { rows, problems };
}

/**
 * The file's records with the line each starts on. A line the CSV reader cannot read (a stray
 * quote) is reported as a problem and skipped, not the whole file refused.
 */
function readRecords(content: string, problems: ImportProblem[]): { record: string[]; info: { lines: number } }[] {
  const options = { relax_column_count: true, skip_empty_lines: true, trim: true, info: true } as const;
  try {
    return parse(content, options) as unknown as { record: string[]; info: { lines: number } }[];
  } catch {
    const records: { record: string[]; info: { lines: number } }[] = [];
    for (const [index, text] of content.split(/\r?\n/).entries()) {
      if (!text.trim()) continue;
      try {
        for (const { record } of parse(text, options) as unknown as { record: string[] }[])
          records.push({ record, info: { lines: index + 1 } });
      } catch {
        problems.push({ line: index + 1, reason: 'format', value: text.slice(0, 40) });
      }
    }
    return records;
  }
}

/** Idempotent: matched by organisation name; a re-import updates, never duplicates. */
export async function importMembers(prisma: PrismaClient, actor: string, content: string): Promise<ImportResult> {
  const parsed = parseMemberCsv(content);
  const { problems } = parsed;
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, problems };
  for (let i = 0; i < parsed.rows.length; i += 500) {
    await prisma.$transaction(async (tx) => {
      const chunk = await withoutTakenAccounts(tx, parsed.rows.slice(i, i + 500), problems);
      const existing = new Map(
        (await tx.member.findMany({ where: { orgName: { in: chunk.map((r) => r.orgName) } } })).map((m) => [
          m.orgName,
          m,
        ]),
      );
      const fresh = chunk.filter((r) => !existing.has(r.orgName));
      if (fresh.length > 0) {
        await tx.member.createMany({ data: fresh.map(({ line: _line, ...r }) => ({ ...r, status: 'active' })) });
        await tx.auditLog.createMany({
          data: fresh.map((r) => ({
            actor,
            action: 'member.import',
            entity: 'member',
            entityId: r.orgName,
            after: { ...r, line: undefined },
          })),
        });
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
    });
  }
  problems.sort((a, b) => a.line - b.line);
  return result;
}

/**
 * Rows whose account already represents another unit in the database are reported (naming that
 * unit) and left out; the database's unique (channel, userId) is the last word.
 */
async function withoutTakenAccounts(
  tx: Tx,
  rows: (Row & { line: number })[],
  problems: ImportProblem[],
): Promise<(Row & { line: number })[]> {
  const holders = await tx.member.findMany({
    where: { OR: rows.map((r) => ({ channel: r.channel, userId: r.userId })) },
    select: { orgName: true, channel: true, userId: true },
  });
  const holder = new Map(holders.map((m) => [userKey(m.channel, m.userId), m.orgName]));
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

const pick = (m: Row) => ({
  orgName: m.orgName,
  orgType: m.orgType,
  repName: m.repName,
  channel: m.channel,
  userId: m.userId,
});
