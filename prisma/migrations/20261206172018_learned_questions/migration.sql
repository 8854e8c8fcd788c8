-- CreateTable
CREATE TABLE "UnplacedMessage" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UnplacedMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuestionMapping" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "section" TEXT,
    "mappedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "QuestionMapping_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UnplacedMessage_createdAt_idx" ON "UnplacedMessage"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "QuestionMapping_key_key" ON "QuestionMapping"("key");
