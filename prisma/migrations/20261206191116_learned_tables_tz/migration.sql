-- The learned-questions tables' DateTime columns become timestamptz(3), like every other table since
-- the timestamptz migration. They held UTC wall-clock time (Prisma's timestamp(3)); each ALTER says so
-- explicitly (edited after `alliance-bot db diff`; the data is kept).
-- AlterTable
ALTER TABLE "QuestionMapping" ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC',
ALTER COLUMN "updatedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "updatedAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "UnplacedMessage" ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC';
