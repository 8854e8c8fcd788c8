// Applications in the database: drafts, the rules on organisations (第十九条, 第二十条, one open
// application each), the deadline, submission with a readable number, and the stamped scan.
// What runs while an applicant fills the form (start, every answer, the organisation check,
// submission) is plain SQL through `db.sql` (see db/sql.ts: Prisma's runtime costs several times the
// CPU per statement); the rest stays on Prisma.
import { randomUUID } from 'node:crypto';
import type { Application } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';
import { sha256Of } from '../db/files.ts';
import { FIELD_KEYS, FORM, filledCount, readFields, type FieldKey, type Fields } from './form.ts';
import { orgKey } from './org-key.ts';
import type { Deadline } from './notice.ts';
import { beijingYear } from '../time/beijing.ts';
import { lockEnd, SEED_LOCK, storedPeriod, type LeaveReason, type LockPeriod } from '../membership/lock-period.ts';

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
export type DraftRef = {
  id: string;
  number: string | null;
  fields: Fields;
  /** Who the document belongs to, e.g. `console:alice`. */
  owner?: string;
};

/** The filled form as a file, for the number it is submitted under. */
export type RenderedFile = { name: string; mime: string; data: Buffer };

/** Why an organisation may not apply now. */
export type OrgBlock =
  | { kind: 'open'; number: string }
  | { kind: 'member' }
  | {
      kind: 'locked';
      reason: LeaveReason;
      leftAt: Date;
      until: Date;
      /** The period this unit was given (两年 for a unit expelled before a 三年 amendment). */
      period: LockPeriod | undefined;
    };

export type SubmitResult =
  | { ok: true; application: ApplicationView }
  | { ok: false; kind: 'deadline'; deadline: string }
  | { ok: false; kind: 'incomplete' }
  | { ok: false; kind: 'gone' }
  | { ok: false; kind: 'org'; block: OrgBlock };

const OPEN_STATUSES_EXCLUDED = ['draft', 'cancelled'];

export const view = (row: Application): ApplicationView => ({ ...row, fields: readFields(row.fields) });

/** An Application row as plain SQL returns it (timestamptz columns come back as Dates). */
type SqlRow = Omit<Application, 'orgKey' | 'openKey'>;

const COLUMNS = `id, number, status, channel, "userId", fields, "documentFileId", "scanFileId",
  "submittedAt", "scanAt", "createdAt", "updatedAt"`;

const sqlView = (row: SqlRow): ApplicationView => ({
  ...row,
  fields: readFields(row.fields),
});

/** name, mime, size, sha256, data — the StoredFile columns of a file (as db/files.ts stores them). */
const fileColumns = (file: RenderedFile): unknown[] => [
  file.name,
  file.mime,
  file.data.length,
  sha256Of(file.data),
  file.data,
];

/** PostgreSQL's unique_violation, as pg and PGlite report it. */
const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

type MemberRow = { orgName: string; status: string; leftAt: string | null; lockedUntil: string | null };

export class Applications {
  private readonly prisma: Db['prisma'];
  private readonly sql: Db['sql'];

  constructor(
    db: Pick<Db, 'prisma' | 'sql'>,
    private readonly now: () => Date,
    readonly deadline: Deadline,
    /**
     * The period the charter sets now for units that leave this way (membership/lock-period.ts); only
     * for a former member stored without its lockedUntil. Without it, the seed charter's period.
     */
    private readonly lockPeriod: (reason: LeaveReason) => Promise<LockPeriod> = async () => SEED_LOCK,
  ) {
    this.prisma = db.prisma;
    this.sql = db.sql;
  }

  async get(id: string): Promise<ApplicationView | undefined> {
    const row = await this.prisma.application.findUnique({ where: { id } });
    return row ? view(row) : undefined;
  }

  async findDraft(channel: string, userId: string): Promise<ApplicationView | undefined> {
    const [row] = await this.sql.query<SqlRow>(
      `SELECT ${COLUMNS} FROM "Application"
      WHERE channel = $1 AND "userId" = $2 AND status = 'draft'
      ORDER BY "updatedAt" DESC LIMIT 1`,
      [channel, userId],
    );
    return row ? sqlView(row) : undefined;
  }

  async listForUser(channel: string, userId: string): Promise<ApplicationView[]> {
    const rows = await this.prisma.application.findMany({
      where: { channel, userId },
      orderBy: { createdAt: 'desc' },
      take: 10,
    });
    return rows.map(view);
  }

  /**
   * The secretariat's reason, for applications whose latest review decision returned or rejected
   * them (what 我的申请 shows the applicant).
   */
  async decisionReasons(ids: string[]): Promise<Map<string, { decision: string; reason: string }>> {
    if (ids.length === 0) return new Map();
    const cases = await this.prisma.reviewCase.findMany({
      where: { applicationId: { in: ids }, decidedAt: { not: null } },
      orderBy: { decidedAt: 'desc' },
      select: { applicationId: true, status: true, reason: true },
    });
    const latest = new Map<string, { decision: string; reason: string }>();
    for (const c of cases)
      if (!latest.has(c.applicationId)) latest.set(c.applicationId, { decision: c.status, reason: c.reason ?? '' });
    for (const [id, d] of latest) if (!['returned', 'rejected'].includes(d.decision) || !d.reason) latest.delete(id);
    return latest;
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
    const [row] = await this.sql.query<SqlRow>(
      `INSERT INTO "Application" (id, status, channel, "userId", fields, "createdAt", "updatedAt")
      VALUES ($1, 'draft', $2, $3, '{}'::jsonb, $4, $4)
      RETURNING ${COLUMNS}`,
      [randomUUID(), channel, userId, this.now()],
    );
    return sqlView(row!);
  }

  /**
   * Merges changed fields into a draft, removes `clear`, and returns all its fields; undefined when
   * it is no longer a draft. A merge (not a replace) so that a stale copy of the fields can never
   * erase saved ones.
   */
  async patchFields(id: string, patch: Fields, clear: FieldKey[] = []): Promise<Fields | undefined> {
    const key = patch.orgName ? orgKey(patch.orgName) : null;
    const rows = await this.sql.query<{ fields: unknown }>(
      `UPDATE "Application"
      SET fields = (fields || $1::jsonb) - $5::text[], "orgKey" = COALESCE($2, "orgKey"), "updatedAt" = $3
      WHERE id = $4 AND status = 'draft'
      RETURNING fields`,
      [JSON.stringify(patch), key, this.now(), id, clear],
    );
    return rows[0] ? readFields(rows[0].fields) : undefined;
  }

  async cancel(id: string): Promise<void> {
    await this.prisma.application.updateMany({ where: { id, status: 'draft' }, data: { status: 'cancelled' } });
  }

  /** Whether an organisation may apply now: not a member, not locked out, no other open application. */
  async checkOrganisation(orgName: string, exceptId?: string): Promise<OrgBlock | undefined> {
    const key = orgKey(orgName);
    // One statement: the other open application, if any, and the member list. Member names are few
    // (hundreds): they are compared normalised here rather than in SQL.
    const [row] = await this.sql.query<{ open: string | null; members: MemberRow[] }>(
      `SELECT
        (SELECT COALESCE(number, '') FROM "Application"
          WHERE "openKey" = $1 AND ($2::text IS NULL OR id <> $2) LIMIT 1) AS open,
        COALESCE((SELECT json_agg(json_build_object('orgName', "orgName", 'status', status,
            'leftAt', "leftAt", 'lockedUntil', "lockedUntil"))
          FROM "Member" WHERE status IN ('active', 'withdrawn', 'expelled')), '[]'::json) AS members`,
      [key, exceptId ?? null],
    );
    if (row!.open !== null) return { kind: 'open', number: row!.open };
    const now = this.now();
    for (const m of row!.members.filter((x) => orgKey(x.orgName) === key)) {
      if (m.status === 'active') return { kind: 'member' };
      // Inside JSON the timestamps are ISO text with their offset.
      const reason = m.status as LeaveReason;
      const leftAt = m.leftAt ? new Date(m.leftAt) : now;
      // The lock a unit was given when it left is stored and kept: an amendment published since
      // (第十九条 两年 → 三年) changes neither its date nor the period its refusal states.
      const until = m.lockedUntil ? new Date(m.lockedUntil) : lockEnd(leftAt, await this.lockPeriod(reason));
      if (until > now) return { kind: 'locked', reason, leftAt, until, period: storedPeriod(leftAt, until) };
    }
    return undefined;
  }

  /**
   * Draft → submitted. The organisation checks and the number are fetched together; `render` makes
   * the document for that number; one statement then stores it and submits — both or neither, and
   * only while the row is still a draft. The database keeps one open application per organisation
   * (openKey is unique). A number drawn for a submission that fails leaves a gap in the sequence,
   * nothing worse.
   */
  async submit(draft: DraftRef, render: (number: string, fields: Fields) => RenderedFile): Promise<SubmitResult> {
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
    const file = render(number, draft.fields);
    const fileId = randomUUID();
    let rows: SqlRow[];
    try {
      rows = await this.sql.query<SqlRow>(
        `WITH submitted AS (
          UPDATE "Application"
          SET status = 'submitted', number = $2, "orgKey" = $3, "openKey" = $3, "submittedAt" = $4,
              "documentFileId" = $5, "updatedAt" = $4
          WHERE id = $1 AND status = 'draft'
          RETURNING ${COLUMNS}
        ), stored AS (
          INSERT INTO "StoredFile" (id, name, mime, size, sha256, data, owner, "createdAt")
          SELECT $5, $6, $7, $8, $9, $10, $11, $4 FROM submitted
        )
        SELECT * FROM submitted`,
        [draft.id, number, key, now, fileId, ...fileColumns(file), draft.owner ?? null],
      );
    } catch (error) {
      // Another applicant of the same organisation submitted in between: openKey is unique.
      if (isUniqueViolation(error)) {
        const again = await this.checkOrganisation(orgName, draft.id);
        if (again) return { ok: false, kind: 'org', block: again };
      }
      throw error;
    }
    if (!rows[0]) return { ok: false, kind: 'gone' };
    const application = sqlView(rows[0]);
    // The caller's copy of the fields was stale (a crash between two writes): file the real ones.
    if (FIELD_KEYS.some((k) => application.fields[k] !== draft.fields[k])) {
      await this.sql.query(
        `UPDATE "StoredFile" SET name = $2, mime = $3, size = $4, sha256 = $5, data = $6 WHERE id = $1`,
        [fileId, ...fileColumns(render(number, application.fields))],
      );
    }
    return { ok: true, application };
  }

  /**
   * `LM-2026-0007`: one atomic statement, so concurrent submissions never share a number.
   * Every submission of the year updates this one row, and a row lock is held until commit — with
   * the usual synchronous commit that is until the WAL is flushed to disk, so submissions queued
   * behind each other's fsync (~1,300 numbers/s at most here, p99 ~70 ms with 20 at once). This
   * statement commits asynchronously instead (`set_config(…, true)` lasts for its own transaction
   * only), which is safe: the submission that uses the number commits synchronously afterwards, and
   * flushing its WAL flushes this earlier record too. A crash can only lose a number that no stored
   * application uses yet.
   */
  private async nextNumber(now: Date): Promise<string> {
    const year = beijingYear(now);
    const [counter] = await this.sql.query<{ last: number }>(
      `INSERT INTO "ApplicationCounter" (year, last)
      SELECT $1, 1 WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL
      ON CONFLICT (year) DO UPDATE SET last = "ApplicationCounter".last + 1
      RETURNING last`,
      [year],
    );
    return `LM-${year}-${String(counter!.last).padStart(4, '0')}`;
  }

  async attachScan(id: string, fileId: string): Promise<{ replaced: boolean }> {
    const before = await this.prisma.application.findUnique({ where: { id }, select: { scanFileId: true } });
    await this.prisma.application.update({ where: { id }, data: { scanFileId: fileId, scanAt: this.now() } });
    return { replaced: Boolean(before?.scanFileId) };
  }
}
