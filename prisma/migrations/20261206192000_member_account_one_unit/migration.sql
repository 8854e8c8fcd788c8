-- One account represents at most one member unit (issue 17), across Member and MemberAccount: an
-- account in MemberAccount must not be another unit's Member account (MemberAccount's own unique
-- (channel, userId) keeps it from being two units' extra account). Not expressible in the Prisma
-- schema, so a trigger on both tables; both take the same per-account advisory lock so two
-- concurrent writers cannot both pass the check. Hand-written (db diff does not see triggers).

-- Existing extra accounts that are another unit's Member account give way to the Member row
-- (recorded in the audit log).
INSERT INTO "AuditLog" (id, actor, action, entity, "entityId", before, after)
SELECT gen_random_uuid()::text, 'migration', 'member.account_duplicate', 'member', a."memberId",
       jsonb_build_object('channel', a.channel, 'userId', a."userId", 'heldBy', m.id), 'null'::jsonb
FROM "MemberAccount" a JOIN "Member" m ON m.channel = a.channel AND m."userId" = a."userId" AND m.id <> a."memberId";

DELETE FROM "MemberAccount" a USING "Member" m
WHERE m.channel = a.channel AND m."userId" = a."userId" AND m.id <> a."memberId";

CREATE FUNCTION "account_one_unit"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('account:' || NEW.channel || ':' || NEW."userId"));
  IF TG_TABLE_NAME = 'MemberAccount' THEN
    IF EXISTS (SELECT 1 FROM "Member" WHERE channel = NEW.channel AND "userId" = NEW."userId" AND id <> NEW."memberId") THEN
      RAISE EXCEPTION 'account % % already represents another member unit', NEW.channel, NEW."userId"
        USING ERRCODE = 'unique_violation';
    END IF;
  ELSIF EXISTS (SELECT 1 FROM "MemberAccount" WHERE channel = NEW.channel AND "userId" = NEW."userId" AND "memberId" <> NEW.id) THEN
    RAISE EXCEPTION 'account % % already represents another member unit', NEW.channel, NEW."userId"
      USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "MemberAccount_one_unit" BEFORE INSERT OR UPDATE OF channel, "userId", "memberId" ON "MemberAccount"
FOR EACH ROW EXECUTE FUNCTION "account_one_unit"();

CREATE TRIGGER "Member_one_unit" BEFORE INSERT OR UPDATE OF channel, "userId" ON "Member"
FOR EACH ROW EXECUTE FUNCTION "account_one_unit"();
