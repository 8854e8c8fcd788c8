// Casting a vote. One vote per member unit is held by the database — the unique (motionId,
// memberId) of VoterRecord, inserted with ON CONFLICT DO NOTHING — so double clicks, two
// representatives of one unit clicking at once and redelivered callbacks all end in one vote,
// without a read-then-write. A secret ballot's choice goes into a Ballot row with a random id and
// nothing else; the voter row keeps only that the unit voted and its receipt code.
// A first vote is one plain SQL statement (it runs for every click: through Prisma the same work
// was seven statements and about 5 ms of CPU): it finds the clicker's unit, checks it may vote,
// takes a share lock on the motion row and inserts. Changing a vote (rare) stays on Prisma.
import { randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Sql } from '../db/sql.ts';
import { splitKey } from '../membership/roles.ts';

export type CastResult =
  | { kind: 'recorded'; org: string; choice: string; receipt?: string }
  | { kind: 'changed'; org: string; from: string; to: string }
  | { kind: 'same'; org: string; choice: string }
  | { kind: 'already'; org: string; choice?: string; secret: boolean }
  | { kind: 'not_member' }
  | { kind: 'former_member'; org: string; status: string }
  | { kind: 'not_eligible'; org: string }
  | { kind: 'concerned'; org: string }
  | { kind: 'not_found' }
  | { kind: 'not_open'; status: string }
  | { kind: 'too_late' }
  | { kind: 'bad_option'; options: string[] };

export type MotionForVote = {
  id: string;
  kind: string;
  status: string;
  closesAt: Date;
  options: unknown;
  secret: boolean;
  allowChange: boolean;
  memberId: string | null;
};

/** A receipt code a person can read out: 10 characters without look-alikes (0/O, 1/I/L). */
export function receiptCode(): string {
  const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
  const bytes = randomBytes(10);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

/**
 * The clicker's unit as unitOf chooses it (an active unit the account is on first, then one it was
 * added to as a representative, then any), whether it is eligible, the motion's status under a
 * share lock — the close (an UPDATE of that row) waits for a vote in flight, and a vote after the
 * close sees it closed — and, when everything allows it ($4, worked out by the caller, plus the
 * unit's own checks here), the inserted vote. One statement, so one transaction.
 */
const CAST_PREFIX = `WITH candidates AS (
    SELECT m.id, m."orgName", m.status, 0 AS via FROM "Member" m WHERE m.channel = $2 AND m."userId" = $3
    UNION ALL
    SELECT m.id, m."orgName", m.status, 1 AS via FROM "MemberAccount" a JOIN "Member" m ON m.id = a."memberId"
      WHERE a.channel = $2 AND a."userId" = $3
  ),
  unit AS MATERIALIZED (
    SELECT id, "orgName", status,
      EXISTS (SELECT 1 FROM "MotionEligible" e WHERE e."motionId" = $1 AND e."memberId" = candidates.id) AS eligible
    FROM candidates
    ORDER BY CASE WHEN via = 0 AND status = 'active' THEN 0 WHEN via = 1 THEN 1 ELSE 2 END
    LIMIT 1
  ),
  motion AS MATERIALIZED (SELECT status FROM "Motion" WHERE id = $1 FOR SHARE),
  allowed AS MATERIALIZED (
    SELECT unit.id FROM unit, motion
    WHERE $4::boolean AND unit.status = 'active' AND unit.id IS DISTINCT FROM $5::text AND unit.eligible
      AND motion.status = 'open'
  )`;
const CAST_SUFFIX = `SELECT unit.id, unit."orgName", unit.status, unit.eligible,
    (SELECT status FROM motion) AS "motionStatus", (SELECT count(*)::int FROM inserted) AS inserted
  FROM (SELECT 1) AS one LEFT JOIN unit ON true`;
const CAST_OPEN = `${CAST_PREFIX},
  inserted AS (
    INSERT INTO "VoterRecord" (id, "motionId", "memberId", actor, choice, "votedAt")
    SELECT $6::text, $1::text, id, $7::text, $8::text, $9::timestamptz FROM allowed
    ON CONFLICT ("motionId", "memberId") DO NOTHING
    RETURNING 1
  )
  ${CAST_SUFFIX}`;
const CAST_SECRET = `${CAST_PREFIX},
  inserted AS (
    INSERT INTO "VoterRecord" (id, "motionId", "memberId", receipt)
    SELECT $6::text, $1::text, id, $7::text FROM allowed
    ON CONFLICT ("motionId", "memberId") DO NOTHING
    RETURNING 1
  ),
  ballot AS (INSERT INTO "Ballot" (id, "motionId", choice) SELECT $8::text, $1::text, $9::text FROM inserted RETURNING 1)
  ${CAST_SUFFIX}`;

type CastRow = {
  id: string | null;
  orgName: string | null;
  status: string | null;
  eligible: boolean | null;
  motionStatus: string | null;
  inserted: number;
};

export type VoteDb = { sql: Sql; prisma: PrismaClient };

export async function castVote(
  db: VoteDb,
  input: { actor: string; motion: MotionForVote | null; option: string; now: Date },
): Promise<CastResult> {
  const { motion, actor, option, now } = input;
  if (!motion) return { kind: 'not_found' };
  const options = motion.options as string[];
  const tooLate = now.getTime() >= motion.closesAt.getTime();
  const mayVote = motion.status === 'open' && !tooLate && options.includes(option);
  const concerned = motion.kind === 'expulsion' ? motion.memberId : null;
  const { channel, userId } = splitKey(actor);
  const receipt = motion.secret ? receiptCode() : undefined;
  const [row] = await db.sql.query<CastRow>(
    motion.secret ? CAST_SECRET : CAST_OPEN,
    motion.secret
      ? [motion.id, channel, userId, mayVote, concerned, randomUUID(), receipt, randomUUID(), option]
      : [motion.id, channel, userId, mayVote, concerned, randomUUID(), actor, option, now],
  );
  // The same checks in the same order as the statement's, to say why a vote was not taken.
  if (!row?.id) return { kind: 'not_member' };
  const org = row.orgName ?? '';
  if (row.status !== 'active') return { kind: 'former_member', org, status: row.status ?? '' };
  if (concerned === row.id) return { kind: 'concerned', org };
  if (motion.status !== 'open') return { kind: 'not_open', status: motion.status };
  if (tooLate) return { kind: 'too_late' };
  if (!options.includes(option)) return { kind: 'bad_option', options };
  if (!row.eligible) return { kind: 'not_eligible', org };
  if (row.motionStatus !== 'open') return { kind: 'not_open', status: row.motionStatus ?? 'closed' };
  if (row.inserted === 1)
    return receipt ? { kind: 'recorded', org, choice: option, receipt } : { kind: 'recorded', org, choice: option };
  if (motion.secret) return { kind: 'already', org, secret: true };
  return voteAgain(db.prisma, { motion, memberId: row.id, org, actor, option, now });
}

/** The unit has voted already (open ballot): the same choice, refused, or changed where the motion allows it. */
async function voteAgain(
  prisma: PrismaClient,
  input: { motion: MotionForVote; memberId: string; org: string; actor: string; option: string; now: Date },
): Promise<CastResult> {
  const { motion, memberId, org, actor, option, now } = input;
  return prisma.$transaction(
    async (tx) => {
      const [row] = await tx.$queryRaw<
        { status: string }[]
      >`SELECT status FROM "Motion" WHERE id = ${motion.id} FOR SHARE`;
      if (!row || row.status !== 'open') return { kind: 'not_open' as const, status: row?.status ?? 'closed' };
      const where = { motionId_memberId: { motionId: motion.id, memberId } };
      const existing = await tx.voterRecord.findUniqueOrThrow({ where });
      const previous = existing.choice ?? '';
      if (previous === option) return { kind: 'same' as const, org, choice: option };
      if (!motion.allowChange) return { kind: 'already' as const, org, choice: previous, secret: false };
      // Compare-and-set on the choice read: of two representatives changing at once, each change is
      // reported against the choice it replaced.
      const changed = await tx.voterRecord.updateMany({
        where: { motionId: motion.id, memberId, choice: previous },
        data: { choice: option, actor, changedAt: now },
      });
      if (changed.count === 0) return { kind: 'same' as const, org, choice: option };
      return { kind: 'changed' as const, org, from: previous, to: option };
      // A busy database must not turn a vote into an error: the transaction is a few short statements.
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}
