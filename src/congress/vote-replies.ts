// What a voter is told about a vote, cast by a click, a numbered reply or typed: one sentence per
// outcome of castVote (ballots.ts), from prompts/congress.yaml.
import type { Context } from '../bot/context.ts';
import type { Motion } from '../generated/prisma/client.ts';
import { formatTime } from '../membership/format.ts';
import type { CastResult } from './ballots.ts';

/** The unit and its choice (null on a secret ballot) when the unit has voted on the motion. */
export function votedChoice(r: CastResult): { org: string; choice: string | null } | undefined {
  switch (r.kind) {
    case 'recorded':
      return { org: r.org, choice: r.receipt ? null : r.choice };
    case 'changed':
      return { org: r.org, choice: r.to };
    case 'same':
      return { org: r.org, choice: r.choice };
    case 'already':
      return { org: r.org, choice: r.secret ? null : (r.choice ?? null) };
    default:
      return undefined;
  }
}

export function castText(ctx: Context, motion: Motion | null, option: string, r: CastResult): string {
  const number = motion?.number ?? '';
  const title = motion?.title ?? '';
  switch (r.kind) {
    case 'recorded':
      return r.receipt
        ? ctx.t('congress.vote_recorded_secret', { org: r.org, number, title, receipt: r.receipt })
        : ctx.t('congress.vote_recorded', {
            org: r.org,
            number,
            title,
            choice: r.choice,
            change: ctx.t(motion?.allowChange ? 'congress.change_allowed' : 'congress.change_not_allowed'),
          });
    case 'changed':
      return ctx.t('congress.vote_changed', { org: r.org, number, from: r.from, to: r.to });
    case 'same':
      return ctx.t('congress.vote_same', { org: r.org, number, choice: r.choice });
    case 'already':
      return r.secret
        ? ctx.t('congress.vote_already_secret', { org: r.org, number })
        : ctx.t('congress.vote_already', { org: r.org, number, choice: r.choice ?? '' });
    case 'not_member':
      return ctx.t('congress.vote_not_member');
    case 'former_member':
      return ctx.t('congress.vote_former_member', { org: r.org, status: ctx.t(`congress.member_${r.status}`) });
    case 'not_eligible':
      return ctx.t('congress.vote_not_eligible', { org: r.org, number });
    case 'concerned':
      return ctx.t('congress.vote_concerned', { org: r.org, number });
    case 'not_found':
      return ctx.t('congress.vote_not_found');
    case 'not_open':
      if (r.status === 'draft')
        return ctx.t('congress.vote_not_open', { number, opensAt: motion ? formatTime(motion.opensAt) : '' });
      return ctx.t(r.status === 'cancelled' ? 'congress.vote_cancelled' : 'congress.vote_closed', { number });
    case 'too_late':
      return ctx.t('congress.vote_too_late', { number, closesAt: motion ? formatTime(motion.closesAt) : '' });
    case 'bad_option':
      return ctx.t('congress.vote_bad_option', { number, option, options: r.options.join('、') });
  }
}
