-- CreateTable
CREATE TABLE "Application" (
    "id" TEXT NOT NULL,
    "number" TEXT,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "channel" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "fields" JSONB NOT NULL DEFAULT '{}',
    "orgKey" TEXT,
    "openKey" TEXT,
    "documentFileId" TEXT,
    "scanFileId" TEXT,
    "submittedAt" TIMESTAMP(3),
    "scanAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApplicationCounter" (
    "year" INTEGER NOT NULL,
    "last" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ApplicationCounter_pkey" PRIMARY KEY ("year")
);

-- CreateIndex
CREATE UNIQUE INDEX "Application_number_key" ON "Application"("number");

-- CreateIndex
CREATE UNIQUE INDEX "Application_openKey_key" ON "Application"("openKey");

-- CreateIndex
CREATE INDEX "Application_channel_userId_status_idx" ON "Application"("channel", "userId", "status");

-- CreateIndex
CREATE INDEX "Application_orgKey_idx" ON "Application"("orgKey");
