// Who may do what, always read from the database at the moment of the action — never from anything
// the user typed, nor from a card they hold. Secretariat accounts are role grants; member
// representatives are the platform identities on active Member rows.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Tx } from '../delivery/outbox.ts';
import { audit } from './audit.ts';
import { CHANNEL_NAMES } from '../channels/registry.ts';

export const SECRETARIAT = 'secretariat';

export async function isSecretariat(db: Tx, userKey: string): Promise<boolean> {
  return (await db.roleGrant.count({ where: { userKey, role: SECRETARIAT } })) > 0;
}

export async function secretariatKeys(db: Tx): Promise<string[]> {
  const rows = await db.roleGrant.findMany({ where: { role: SECRETARIAT }, orderBy: { createdAt: 'asc' } });
  return rows.map((r) => r.userKey);
}

/** The active member unit this user represents, if any (the database keeps it to one). */
export async function memberOf(db: Tx, userKey: string) {
  const { channel, userId } = splitKey(userKey);
  const member = await db.member.findUnique({ where: { channel_userId: { channel, userId } } });
  return member?.status === 'active' ? member : null;
}

/** Config-listed accounts become secretariat at start-up (idempotent). */
export async function bootstrapSecretariat(prisma: PrismaClient, keys: string[]): Promise<void> {
  for (const userKey of keys) {
    await prisma.$transaction(async (tx) => {
      const existing = await tx.roleGrant.findUnique({ where: { userKey_role: { userKey, role: SECRETARIAT } } });
      if (existing) return;
      await tx.roleGrant.create({ data: { userKey, role: SECRETARIAT, grantedBy: 'config' } });
      await audit(tx, {
        actor: 'config',
        action: 'role.grant',
        entity: 'role',
        entityId: userKey,
        after: { role: SECRETARIAT },
      });
    });
  }
}

export type RoleChange = 'granted' | 'already' | 'revoked' | 'absent' | 'last';

export async function grantSecretariat(prisma: PrismaClient, actor: string, userKey: string): Promise<RoleChange> {
  return prisma.$transaction(async (tx) => {
    const existing = await tx.roleGrant.findUnique({ where: { userKey_role: { userKey, role: SECRETARIAT } } });
    if (existing) return 'already';
    await tx.roleGrant.create({ data: { userKey, role: SECRETARIAT, grantedBy: actor } });
    await audit(tx, { actor, action: 'role.grant', entity: 'role', entityId: userKey, after: { role: SECRETARIAT } });
    return 'granted';
  });
}

export async function revokeSecretariat(prisma: PrismaClient, actor: string, userKey: string): Promise<RoleChange> {
  return prisma.$transaction(async (tx) => {
    const existing = await tx.roleGrant.findUnique({ where: { userKey_role: { userKey, role: SECRETARIAT } } });
    if (!existing) return 'absent';
    // Someone must remain able to review applications.
    if ((await tx.roleGrant.count({ where: { role: SECRETARIAT } })) <= 1) return 'last';
    await tx.roleGrant.delete({ where: { id: existing.id } });
    await audit(tx, { actor, action: 'role.revoke', entity: 'role', entityId: userKey, before: { role: SECRETARIAT } });
    return 'revoked';
  });
}

export function splitKey(userKey: string): { channel: string; userId: string } {
  const cut = userKey.indexOf(':');
  return { channel: userKey.slice(0, cut), userId: userKey.slice(cut + 1) };
}

/** A user key typed by the secretariat: `<channel>:<id>`, the channel one of the registry's. */
export function parseUserKey(text: string): string | undefined {
  // "：console:sec4" (a colon after the command), "FEISHU:ou_…": as people type it.
  const match = /^[:：]?\s*([A-Za-z][\w-]*)\s*[:：]\s*([A-Za-z0-9_@.-]{1,100})$/.exec(text.trim());
  const channel = match?.[1]!.toLowerCase();
  return channel && (CHANNEL_NAMES as readonly string[]).includes(channel) ? `${channel}:${match![2]}` : undefined;
}
