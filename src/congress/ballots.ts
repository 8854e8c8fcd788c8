// Casting a vote. One vote per member unit is held by the database — the unique (motionId,
// memberId) of VoterRecord, inserted with ON CONFLICT DO NOTHING — so double clicks, two
// representatives of one unit clicking at once and redelivered callbacks all end in one vote,
// without a read-then-write. A secret ballot's choice goes into a Ballot row with a random id and
// nothing else; the voter row keeps only that the unit voted and its receipt code.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { unitOf } from './units.ts';

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

export async function castVote(
  prisma: PrismaClient,
  input: { actor: string; motion: MotionForVote | null; option: string; now: Date },
): Promise<CastResult> {
  const { motion, actor, option, now } = input;
  if (!motion) return { kind: 'not_found' };
  const unit = await unitOf(prisma, actor);
  if (!unit) return { kind: 'not_member' };
  if (unit.status !== 'active') return { kind: 'former_member', org: unit.orgName, status: unit.status };
  if (motion.kind === 'expulsion' && motion.memberId === unit.id) return { kind: 'concerned', org: unit.orgName };
  if (motion.status !== 'open') return { kind: 'not_open', status: motion.status };
  if (now.getTime() >= motion.closesAt.getTime()) return { kind: 'too_late' };
  const options = motion.options as string[];
  if (!options.includes(option)) return { kind: 'bad_option', options };
  const eligible = await prisma.motionEligible.findUnique({
    where: { motionId_memberId: { motionId: motion.id, memberId: unit.id } },
  });
  if (!eligible) return { kind: 'not_eligible', org: unit.orgName };

  return prisma.$transaction(
    async (tx) => {
      // A share lock on the motion: the close (an UPDATE of this row) waits for votes in flight, and
      // a vote that comes after the close sees it closed.
      const [row] = await tx.$queryRaw<
        { status: string }[]
      >`SELECT status FROM "Motion" WHERE id = ${motion.id} FOR SHARE`;
      if (!row || row.status !== 'open') return { kind: 'not_open' as const, status: row?.status ?? 'closed' };
      if (motion.secret) {
        const receipt = receiptCode();
        const inserted = await tx.voterRecord.createMany({
          data: [{ motionId: motion.id, memberId: unit.id, receipt }],
          skipDuplicates: true,
        });
        if (inserted.count === 0) return { kind: 'already' as const, org: unit.orgName, secret: true };
        await tx.ballot.create({ data: { motionId: motion.id, choice: option } });
        return { kind: 'recorded' as const, org: unit.orgName, choice: option, receipt };
      }
      const inserted = await tx.voterRecord.createMany({
        data: [{ motionId: motion.id, memberId: unit.id, actor, choice: option, votedAt: now }],
        skipDuplicates: true,
      });
      if (inserted.count === 1) return { kind: 'recorded' as const, org: unit.orgName, choice: option };
      const where = { motionId_memberId: { motionId: motion.id, memberId: unit.id } };
      const existing = await tx.voterRecord.findUniqueOrThrow({ where });
      const previous = existing.choice ?? '';
      if (previous === option) return { kind: 'same' as const, org: unit.orgName, choice: option };
      if (!motion.allowChange) return { kind: 'already' as const, org: unit.orgName, choice: previous, secret: false };
      // Compare-and-set on the choice read: of two representatives changing at once, each change is
      // reported against the choice it replaced.
      const changed = await tx.voterRecord.updateMany({
        where: { motionId: motion.id, memberId: unit.id, choice: previous },
        data: { choice: option, actor, changedAt: now },
      });
      if (changed.count === 0) return { kind: 'same' as const, org: unit.orgName, choice: option };
      return { kind: 'changed' as const, org: unit.orgName, from: previous, to: option };
      // A busy database must not turn a vote into an error: the transaction is two short statements.
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}
