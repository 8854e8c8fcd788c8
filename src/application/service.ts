// Applications in the database: drafts, the rules on organisations (第十九条, 第二十条, one open
// application each), the deadline, submission with a readable number, and the stamped scan.
import type { PrismaClient, Application } from '../generated/prisma/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { FIELD_KEYS, FORM, filledCount, readFields, type Fields } from './form.ts';
import { orgKey } from './org-key.ts';
import type { Deadline } from './notice.ts';

export type ApplicationStatus = 'draft' | 'submitted' | 'cancelled' | (string & {});

export type ApplicationView = {
  id: string;
  number: string | null;
  status: ApplicationStatus;
  channel: string;
  userId: string;
  fields: Fields;
  documentFileId: string | null;
  scanFileId: string | null;
  submittedAt: Date | null;
  scanAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

/** What submitting needs of a draft: the dialog's copy, no database read. */
export type DraftRef = { id: string; number: string | null; fields: Fields };

/** Why an organisation may not apply now. */
export type OrgBlock =
  | { kind: 'open'; number: string }
  | { kind: 'member' }
  | { kind: 'locked'; reason: 'withdrawn' | 'expelled'; leftAt: Date; until: Date };

export type SubmitResult =
  | { ok: true; application: ApplicationView }
  | { ok: false; kind: 'deadline'; deadline: string }
  | { ok: false; kind: 'incomplete' }
  | { ok: false; kind: 'gone' }
  | { ok: false; kind: 'org'; block: OrgBlock };

/** 第十九条、第二十条: two years after leaving. */
const LOCK_YEARS = 2;
const OPEN_STATUSES_EXCLUDED = ['draft', 'cancelled'];

export const view = (row: Application): ApplicationView => ({ ...row, fields: readFields(row.fields) });

export class Applications {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date,
    readonly deadline: Deadline,
  ) {}

  async get(id: string): Promise<ApplicationView | undefined> {
    const row = await this.prisma.application.findUnique({ where: { id } });
    return row ? view(row) : undefined;
  }

  async findDraft(channel: string, userId: string): Promise<ApplicationView | undefined> {
    const row = await this.prisma.application.findFirst({
      where: { channel, userId, status: 'draft' },
      orderBy: { updatedAt: 'desc' },
    });
    return row ? view(row) : undefined;
  }

  async listForUser(channel: string, userId: string): Promise<ApplicationView[]> {
    const rows = await this.prisma.application.findMany({
      where: { channel, userId },
      orderBy: { createdAt: 'desc' },
      take: 10,
    });
    return rows.map(view);
  }

  async listAll(): Promise<ApplicationView[]> {
    const rows = await this.prisma.application.findMany({ orderBy: { createdAt: 'asc' } });
    return rows.map(view);
  }

  /** The most recent submitted application of this user that a scan can be attached to. */
  async latestSubmitted(channel: string, userId: string): Promise<ApplicationView | undefined> {
    const row = await this.prisma.application.findFirst({
      where: { channel, userId, status: { notIn: OPEN_STATUSES_EXCLUDED }, number: { not: null } },
      orderBy: { submittedAt: 'desc' },
    });
    return row ? view(row) : undefined;
  }

  isPastDeadline(): boolean {
    return this.deadline !== undefined && this.now() > this.deadline.endsAt;
  }

  async createDraft(channel: string, userId: string): Promise<ApplicationView> {
    return view(await this.prisma.application.create({ data: { channel, userId } }));
  }

  /**
   * Merges changed fields into a draft and returns all its fields; undefined when it is no longer a
   * draft. A merge (not a replace) so that a stale copy of the fields can never erase saved ones.
   */
  async patchFields(id: string, patch: Fields): Promise<Fields | undefined> {
    const key = patch.orgName ? orgKey(patch.orgName) : null;
    const rows = await this.prisma.$queryRaw<{ fields: unknown }[]>`
      UPDATE "Application"
      SET "fields" = "fields" || ${JSON.stringify(patch)}::jsonb,
          "orgKey" = COALESCE(${key}, "orgKey"),
          "updatedAt" = ${this.now()}
      WHERE "id" = ${id} AND "status" = 'draft'
      RETURNING "fields"`;
    return rows[0] ? readFields(rows[0].fields) : undefined;
  }

  async cancel(id: string): Promise<void> {
    await this.prisma.application.updateMany({ where: { id, status: 'draft' }, data: { status: 'cancelled' } });
  }

  /** Whether an organisation may apply now: not a member, not locked out, no other open application. */
  async checkOrganisation(orgName: string, exceptId?: string): Promise<OrgBlock | undefined> {
    const key = orgKey(orgName);
    const [open, members] = await Promise.all([
      this.prisma.application.findFirst({
        where: { openKey: key, ...(exceptId ? { id: { not: exceptId } } : {}) },
        select: { number: true },
      }),
      // Member names are few (hundreds): compare normalised names here rather than in SQL.
      this.prisma.member.findMany({
        where: { status: { in: ['active', 'withdrawn', 'expelled'] } },
        select: { orgName: true, status: true, leftAt: true, lockedUntil: true },
      }),
    ]);
    if (open) return { kind: 'open', number: open.number ?? '' };
    const now = this.now();
    for (const m of members.filter((x) => orgKey(x.orgName) === key)) {
      if (m.status === 'active') return { kind: 'member' };
      const leftAt = m.leftAt ?? now;
      const until = m.lockedUntil ?? addYears(leftAt, LOCK_YEARS);
      if (until > now) return { kind: 'locked', reason: m.status as 'withdrawn' | 'expelled', leftAt, until };
    }
    return undefined;
  }

  /**
   * Draft → submitted. The organisation checks and the number are fetched together; `store` files
   * the document for that number; one conditional update then submits — the database keeps one open
   * application per organisation (openKey is unique). A number drawn for a submission that fails
   * leaves a gap in the sequence, nothing worse.
   */
  async submit(draft: DraftRef, store: (number: string, fields: Fields) => Promise<string>): Promise<SubmitResult> {
    if (this.isPastDeadline()) return { ok: false, kind: 'deadline', deadline: this.deadline!.date };
    const orgName = draft.fields.orgName;
    if (filledCount(draft.fields) < FORM.length || !orgName) return { ok: false, kind: 'incomplete' };
    const now = this.now();
    // A draft returned by the review for amendment keeps the number it was given.
    const [block, number] = await Promise.all([
      this.checkOrganisation(orgName, draft.id),
      draft.number ?? this.nextNumber(now),
    ]);
    if (block) return { ok: false, kind: 'org', block };
    const key = orgKey(orgName);
    try {
      const documentFileId = await store(number, draft.fields);
      const row = await this.prisma.application.update({
        where: { id: draft.id, status: 'draft' },
        data: { status: 'submitted', number, orgKey: key, openKey: key, submittedAt: now, documentFileId },
      });
      const application = view(row);
      // The caller's copy of the fields was stale (a crash between two writes): file the real ones.
      if (FIELD_KEYS.some((k) => application.fields[k] !== draft.fields[k])) {
        application.documentFileId = await store(number, application.fields);
        await this.prisma.application.update({
          where: { id: draft.id },
          data: { documentFileId: application.documentFileId },
        });
      }
      return { ok: true, application };
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025')
        return { ok: false, kind: 'gone' };
      // Another applicant of the same organisation submitted in between: openKey is unique.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        const again = await this.checkOrganisation(orgName, draft.id);
        if (again) return { ok: false, kind: 'org', block: again };
      }
      throw error;
    }
  }

  /** `LM-2026-0007`: one atomic statement (an upsert through Prisma held the counter row across
   *  round trips, and every submission of the year queued behind it). */
  private async nextNumber(now: Date): Promise<string> {
    const year = beijingYear(now);
    const [counter] = await this.prisma.$queryRaw<{ last: number }[]>`
      INSERT INTO "ApplicationCounter" ("year", "last") VALUES (${year}, 1)
      ON CONFLICT ("year") DO UPDATE SET "last" = "ApplicationCounter"."last" + 1
      RETURNING "last"`;
    return `LM-${year}-${String(counter!.last).padStart(4, '0')}`;
  }

  async attachScan(id: string, fileId: string): Promise<{ replaced: boolean }> {
    const before = await this.prisma.application.findUnique({ where: { id }, select: { scanFileId: true } });
    await this.prisma.application.update({ where: { id }, data: { scanFileId: fileId, scanAt: this.now() } });
    return { replaced: Boolean(before?.scanFileId) };
  }
}

function addYears(date: Date, years: number): Date {
  const next = new Date(date);
  next.setUTCFullYear(next.getUTCFullYear() + years);
  return next;
}

const beijingYear = (date: Date): number => new Date(date.getTime() + 8 * 3_600_000).getUTCFullYear();
