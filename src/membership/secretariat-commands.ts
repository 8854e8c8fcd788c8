// Chat commands for roles and the member list. Roles are read from the database on every command.
import type { Context } from '../bot/context.ts';
import {
  grantSecretariat,
  isSecretariat,
  memberOf,
  parseUserKey,
  revokeSecretariat,
  secretariatKeys,
} from './roles.ts';
import { activeMembers } from './members.ts';
import { AdminTokens, loginUrl } from '../admin/tokens.ts';
import { formatTime } from './format.ts';

const LIST_LIMIT = 200;

export async function changeRole(ctx: Context, op: 'grant' | 'revoke', target: string): Promise<void> {
  const prisma = ctx.services.db.prisma;
  if (!(await isSecretariat(prisma, ctx.user))) return ctx.say(ctx.t('membership.not_secretariat'));
  const key = parseUserKey(target);
  if (!key) return ctx.say(ctx.t('membership.role_bad_key'));
  const result =
    op === 'grant' ? await grantSecretariat(prisma, ctx.user, key) : await revokeSecretariat(prisma, ctx.user, key);
  ctx.say(ctx.t(`membership.role_${result}`, { user: key }));
}

export async function listSecretariat(ctx: Context): Promise<void> {
  const prisma = ctx.services.db.prisma;
  if (!(await isSecretariat(prisma, ctx.user))) return ctx.say(ctx.t('membership.not_secretariat'));
  const keys = await secretariatKeys(prisma);
  ctx.say(ctx.t('membership.role_list', { count: keys.length, list: keys.map((k) => `· ${k}`).join('\n') }));
}

/** 第十四条(三): the published list, for members and the secretariat. */
export async function listMembers(ctx: Context): Promise<void> {
  const prisma = ctx.services.db.prisma;
  const allowed = (await isSecretariat(prisma, ctx.user)) || (await memberOf(prisma, ctx.user)) !== null;
  if (!allowed) return ctx.say(ctx.t('membership.members_forbidden'));
  const members = await activeMembers(prisma);
  if (members.length === 0) return ctx.say(ctx.t('membership.members_empty'));
  const lines = members
    .slice(0, LIST_LIMIT)
    .map((m, i) => ctx.t('membership.members_line', { index: i + 1, orgName: m.orgName, orgType: m.orgType || '—' }));
  if (members.length > LIST_LIMIT) lines.push(ctx.t('membership.members_more', { shown: LIST_LIMIT }));
  ctx.say([ctx.t('membership.members_title', { count: members.length }), ...lines].join('\n'));
}

/**
 * 「后台」: a one-time link to the dashboard for the secretariat, bound to the user's channel-neutral
 * key (`feishu:ou_…`, `wechat:…`, `console:…`), so it works whichever channel it was asked on.
 */
export async function openDashboard(ctx: Context): Promise<void> {
  const { db, config, now } = ctx.services;
  if (!(await isSecretariat(db.prisma, ctx.user))) return ctx.say(ctx.t('membership.not_secretariat'));
  const tokens = new AdminTokens(
    db.prisma,
    { linkMs: config.admin.linkTtlMs, sessionMs: config.admin.sessionTtlMs },
    now,
  );
  const { token, expiresAt } = await tokens.issueLogin(ctx.user);
  const base = config.admin.publicUrl ?? `http://localhost:${config.admin.listeningPort ?? config.http.port}`;
  ctx.say(
    ctx.t('membership.admin_link', {
      url: loginUrl(base, token),
      minutes: Math.round(config.admin.linkTtlMs / 60_000),
      expiresAt: formatTime(expiresAt),
    }),
  );
}
