-- CreateTable
CREATE TABLE "ReviewCase" (
    "id" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "submission" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "reason" TEXT,
    "scanSent" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReviewCase_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReviewCase_status_idx" ON "ReviewCase"("status");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewCase_applicationId_submission_key" ON "ReviewCase"("applicationId", "submission");
