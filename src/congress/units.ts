// Member units and the accounts their representatives act through: the Member row's own account
// plus any MemberAccount rows. A vote belongs to the unit, whichever of its accounts casts it.
import type { Tx } from '../delivery/outbox.ts';
import { userKey } from '../bot/inbound.ts';
import { splitKey } from '../membership/roles.ts';

export type Unit = { id: string; orgName: string; status: string };

/** The unit this account represents (an active one first), whatever its status now. */
export async function unitOf(db: Tx, key: string): Promise<Unit | undefined> {
  const { channel, userId } = splitKey(key);
  const select = { id: true, orgName: true, status: true } as const;
  const direct = await db.member.findMany({ where: { channel, userId }, select });
  const active = direct.find((m) => m.status === 'active');
  if (active) return active;
  const extra = await db.memberAccount.findUnique({ where: { channel_userId: { channel, userId } } });
  if (extra) {
    const member = await db.member.findUnique({ where: { id: extra.memberId }, select });
    if (member) return member;
  }
  return direct[0];
}

/** Every account of these units, as user keys. */
export async function accountsOf(db: Tx, memberIds: string[]): Promise<Map<string, string[]>> {
  const accounts = new Map<string, string[]>();
  const add = (id: string, key: string) => {
    const list = accounts.get(id) ?? [];
    if (!list.includes(key)) list.push(key);
    accounts.set(id, list);
  };
  for (let i = 0; i < memberIds.length; i += 5_000) {
    const ids = memberIds.slice(i, i + 5_000);
    for (const m of await db.member.findMany({
      where: { id: { in: ids } },
      select: { id: true, channel: true, userId: true },
    }))
      add(m.id, userKey(m.channel, m.userId));
    for (const a of await db.memberAccount.findMany({ where: { memberId: { in: ids } } }))
      add(a.memberId, userKey(a.channel, a.userId));
  }
  return accounts;
}

/** The name of the unit an expulsion concerns (undefined for other motions). */
export async function concernedName(db: Tx, motion: { memberId: string | null }): Promise<string | undefined> {
  if (!motion.memberId) return undefined;
  const member = await db.member.findUnique({ where: { id: motion.memberId }, select: { orgName: true } });
  return member?.orgName;
}
