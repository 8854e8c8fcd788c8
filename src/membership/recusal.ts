// A secretariat member does not decide on their own unit's application, nor on objections to it:
// not when they applied themselves, nor when they represent or applied for the same organisation.
// The refusal is audited; when nobody else in the secretariat could decide, the reply says so and
// the case stays open.
import type { Application } from '../generated/prisma/client.ts';
import type { Tx } from '../delivery/outbox.ts';
import { readFields } from '../application/form.ts';
import { orgKey } from '../application/org-key.ts';
import { audit } from './audit.ts';
import { secretariatKeys, splitKey } from './roles.ts';

export type Recusal = { kind: 'recused'; why: 'own' | 'colleague'; org: string; alone: boolean };

/** Why `actor` may not decide on `app`, or undefined when they may. */
export async function conflictOf(tx: Tx, actor: string, app: Application): Promise<Recusal['why'] | undefined> {
  if (actor === `${app.channel}:${app.userId}`) return 'own';
  const key = app.orgKey ?? orgKey(readFields(app.fields).orgName ?? '');
  if (!key) return undefined;
  const { channel, userId } = splitKey(actor);
  const units = await tx.member.findMany({ where: { channel, userId, status: 'active' }, select: { orgName: true } });
  if (units.some((m) => orgKey(m.orgName) === key)) return 'colleague';
  const applied = await tx.application.count({
    where: { channel, userId, orgKey: key, status: { not: 'cancelled' } },
  });
  return applied > 0 ? 'colleague' : undefined;
}

/** The secretariat accounts that may not decide on `app`. */
export async function recusedAmong(tx: Tx, app: Application, keys: string[]): Promise<Set<string>> {
  const recused = new Set<string>();
  for (const key of keys) if (await conflictOf(tx, key, app)) recused.add(key);
  return recused;
}

/**
 * Refuses (and audits) a decision by a recused actor; undefined when the actor may decide.
 * `action` names what was attempted, e.g. `review.approve`.
 */
export async function recuse(
  tx: Tx,
  actor: string,
  app: Application,
  action: string,
  entity: { type: string; id: string },
): Promise<Recusal | undefined> {
  const why = await conflictOf(tx, actor, app);
  if (!why) return undefined;
  const others = (await secretariatKeys(tx)).filter((k) => k !== actor);
  const able = others.length - (await recusedAmong(tx, app, others)).size;
  await audit(tx, {
    actor,
    action: 'recusal.refused',
    entity: entity.type,
    entityId: entity.id,
    after: { attempted: action, why },
  });
  return { kind: 'recused', why, org: readFields(app.fields).orgName ?? '—', alone: able === 0 };
}

/** The reply to a recused secretariat member. */
export function recusalText(t: (key: string, vars?: Record<string, string | number>) => string, r: Recusal): string {
  const text = t(`membership.recused_${r.why}`, { org: r.org });
  return r.alone ? `${text}\n${t('membership.recused_alone')}` : text;
}
