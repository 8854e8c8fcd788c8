-- One account represents at most one member unit (issue 17). Accounts already on several rows stay
-- with the unit that is active and joined first; the other rows get "#duplicate-<id>" appended to
-- their userId (recorded in the audit log) so the secretariat sees them in `members export --all`
-- and re-imports them with the right account.
WITH ranked AS (
  SELECT id, "userId", ROW_NUMBER() OVER (
    PARTITION BY channel, "userId" ORDER BY (status = 'active') DESC, "joinedAt" ASC, id
  ) AS n
  FROM "Member"
)
INSERT INTO "AuditLog" (id, actor, action, entity, "entityId", before, after)
SELECT gen_random_uuid()::text, 'migration', 'member.account_duplicate', 'member', id,
       jsonb_build_object('userId', "userId"), jsonb_build_object('userId', "userId" || '#duplicate-' || id)
FROM ranked WHERE n > 1;

UPDATE "Member" m SET "userId" = m."userId" || '#duplicate-' || m.id
FROM (
  SELECT id, ROW_NUMBER() OVER (
    PARTITION BY channel, "userId" ORDER BY (status = 'active') DESC, "joinedAt" ASC, id
  ) AS n
  FROM "Member"
) d
WHERE d.id = m.id AND d.n > 1;

-- DropIndex
DROP INDEX "Member_channel_userId_idx";

-- CreateIndex
CREATE UNIQUE INDEX "Member_channel_userId_key" ON "Member"("channel", "userId");
