-- The congress tables' DateTime columns become timestamptz(3), as every other table's did in
-- 20261206175010_timestamptz (which sorts after 20261206172749_add_congress). They held UTC
-- wall-clock time, so each ALTER says so (edited after `alliance-bot db diff congress_timestamptz`).
-- AlterTable
ALTER TABLE "CharterRevision" ALTER COLUMN "publishedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "publishedAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "MemberAccount" ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "Motion" ALTER COLUMN "opensAt" SET DATA TYPE TIMESTAMPTZ(3) USING "opensAt" AT TIME ZONE 'UTC',
ALTER COLUMN "closesAt" SET DATA TYPE TIMESTAMPTZ(3) USING "closesAt" AT TIME ZONE 'UTC',
ALTER COLUMN "openedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "openedAt" AT TIME ZONE 'UTC',
ALTER COLUMN "closedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "closedAt" AT TIME ZONE 'UTC',
ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC',
ALTER COLUMN "updatedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "updatedAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "VoterRecord" ALTER COLUMN "votedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "votedAt" AT TIME ZONE 'UTC',
ALTER COLUMN "changedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "changedAt" AT TIME ZONE 'UTC';
