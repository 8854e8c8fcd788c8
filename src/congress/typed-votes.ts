// Votes typed rather than clicked: a bare 赞成 / 反对 / 弃权, and a bare option number that no open
// card answers any more (a ballot already answered, replaced, closed, or never sent to this person —
// a forwarded one). Each is taken as what the person most likely means, and anything that cannot be
// done is said in the congress's own words instead of being answered as a question.
import type { Context } from '../bot/context.ts';
import { parseOptionNumber } from '../bot/option-number.ts';
import type { Motion } from '../generated/prisma/client.ts';
import { isSecretariat } from '../membership/roles.ts';
import { optionsOf } from './cards.ts';
import type { Congress } from './motions.ts';
import { DEFAULT_OPTIONS } from './rules.ts';
import { unitOf } from './units.ts';
import { castText } from './vote-replies.ts';

export type Vote = (ctx: Context, motion: Motion | null, option: string) => Promise<void>;

/** Handles the message when it is a typed vote or a stray option number; false: not the congress's. */
export async function typedVote(ctx: Context, congress: Congress, vote: Vote, text: string): Promise<boolean> {
  const option = (DEFAULT_OPTIONS as readonly string[]).includes(text) ? text : undefined;
  const n = option ? undefined : parseOptionNumber(text);
  if (!option && n === undefined) return false;
  const stray = n === undefined ? '' : ctx.t('congress.vote_stray_number', { n });

  const unit = await unitOf(ctx.services.db.prisma, ctx.user);
  if (unit?.status !== 'active') {
    // Someone outside the alliance answering a ballot (one forwarded to them, say) while a vote is on;
    // the secretariat's stray numbers belong to its own cards.
    if (!(await congress.anyOpen())) return false;
    if (n !== undefined && (await isSecretariat(ctx.services.db.prisma, ctx.user))) return false;
    const refused: Parameters<typeof castText>[3] = unit
      ? { kind: 'former_member', org: unit.orgName, status: unit.status }
      : { kind: 'not_member' };
    ctx.say([stray, castText(ctx, null, '', refused)].filter(Boolean).join('\n'));
    return true;
  }

  const org = unit.orgName;
  const waiting = await congress.awaiting(unit.id);
  const { voted, concerning } = await congress.openFor(unit.id);
  const lines: string[] = [];
  const concerned = concerning.map((m) => castText(ctx, m, '', { kind: 'concerned', org }));
  const waitingList = () =>
    ctx.t('congress.vote_waiting', {
      count: waiting.length,
      number: waiting[0]!.number,
      list: waiting.map((m) => `第${m.number}号：${m.title}`).join('\n'),
    });

  if (option) {
    const matching = waiting.filter((m) => optionsOf(m).includes(option));
    if (matching.length === 1) {
      await vote(ctx, matching[0]!, option);
      return true;
    }
    if (matching.length > 1) {
      ctx.say(
        ctx.t('congress.vote_which', {
          count: matching.length,
          number: matching[0]!.number,
          option,
          list: matching.map((m) => `第${m.number}号：${m.title}`).join('\n'),
        }),
      );
      return true;
    }
    if (waiting.length > 0) {
      ctx.say(waitingList());
      return true;
    }
    // Nothing awaits the unit: on the one open motion it has voted on, the choice is a change (made
    // where the motion allows it, refused with the reason where it does not).
    const again = voted.filter((v) => optionsOf(v.motion).includes(option));
    if (again.length === 1) {
      const motion = again[0]!.motion;
      const result = await congress.cast(ctx.user, motion, option);
      const reply = castText(ctx, motion, option, result);
      ctx.say(result.kind === 'changed' ? reply : `${ctx.t('congress.vote_nothing_open')}${reply}`);
      return true;
    }
    lines.push(ctx.t('congress.vote_nothing_open'));
    if (again.length > 1)
      lines.push(ctx.t('congress.vote_change_which', { count: again.length, number: again[0]!.motion.number, option }));
    ctx.say([...lines, ...concerned].join('\n'));
    return true;
  }

  // A number no open card of this person answers: what the unit's ballots stand at.
  if (waiting.length === 0 && voted.length === 0 && concerning.length === 0) return false;
  lines.push(stray, ...concerned);
  for (const { motion, choice } of voted)
    lines.push(
      choice !== null && motion.allowChange && !motion.secret
        ? ctx.t('congress.vote_voted_changeable', { org, number: motion.number, choice })
        : castText(ctx, motion, '', { kind: 'already', org, choice: choice ?? undefined, secret: choice === null }),
    );
  if (waiting.length > 0) lines.push(waitingList());
  ctx.say(lines.join('\n'));
  return true;
}
