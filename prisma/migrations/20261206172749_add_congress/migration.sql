-- CreateTable
CREATE TABLE "MemberAccount" (
    "id" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemberAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Motion" (
    "id" TEXT NOT NULL,
    "number" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "options" JSONB NOT NULL,
    "opensAt" TIMESTAMP(3) NOT NULL,
    "closesAt" TIMESTAMP(3) NOT NULL,
    "rule" TEXT NOT NULL,
    "quorum" DOUBLE PRECISION,
    "secret" BOOLEAN NOT NULL DEFAULT false,
    "allowChange" BOOLEAN NOT NULL DEFAULT false,
    "showCounts" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "result" TEXT,
    "tally" JSONB,
    "memberId" TEXT,
    "article" TEXT,
    "oldText" TEXT,
    "newText" TEXT,
    "consequence" TEXT,
    "eligibleCount" INTEGER NOT NULL DEFAULT 0,
    "createdBy" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "closedBy" TEXT,
    "cancelReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Motion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MotionEligible" (
    "motionId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,

    CONSTRAINT "MotionEligible_pkey" PRIMARY KEY ("motionId","memberId")
);

-- CreateTable
CREATE TABLE "VoterRecord" (
    "id" TEXT NOT NULL,
    "motionId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "actor" TEXT,
    "choice" TEXT,
    "votedAt" TIMESTAMP(3),
    "changedAt" TIMESTAMP(3),
    "receipt" TEXT,

    CONSTRAINT "VoterRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Ballot" (
    "id" TEXT NOT NULL,
    "motionId" TEXT NOT NULL,
    "choice" TEXT NOT NULL,

    CONSTRAINT "Ballot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CharterRevision" (
    "id" TEXT NOT NULL,
    "motionId" TEXT NOT NULL,
    "article" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "publishedBy" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CharterRevision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MemberAccount_memberId_idx" ON "MemberAccount"("memberId");

-- CreateIndex
CREATE UNIQUE INDEX "MemberAccount_channel_userId_key" ON "MemberAccount"("channel", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "Motion_number_key" ON "Motion"("number");

-- CreateIndex
CREATE INDEX "Motion_status_closesAt_idx" ON "Motion"("status", "closesAt");

-- CreateIndex
CREATE UNIQUE INDEX "VoterRecord_motionId_memberId_key" ON "VoterRecord"("motionId", "memberId");

-- CreateIndex
CREATE INDEX "Ballot_motionId_idx" ON "Ballot"("motionId");

-- CreateIndex
CREATE UNIQUE INDEX "CharterRevision_motionId_key" ON "CharterRevision"("motionId");
