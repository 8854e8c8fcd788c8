// Votes typed rather than clicked, as people type them on phones (vote-phrase.ts reads the words):
// 「投票 12 赞成」「12号 赞成」「第12号投反对」 name the motion; 「赞成」「我投赞成票」「弃权吧」「投方案一」
// do not, and are taken where exactly one motion awaiting the unit's vote has that option. A synonym
// (「同意」「支持」「不同意」) is never taken silently: the bot asks, and the option word confirms.
// A bare option number that no open card answers any more (a ballot already answered, replaced,
// closed, or never sent to this person — a forwarded one) is said so. Whatever cannot be done is
// said in the congress's own words; what is not clearly a vote goes on (to Q&A).
import type { Context } from '../bot/context.ts';
import { parseOptionNumber } from '../bot/option-number.ts';
import type { Motion } from '../generated/prisma/client.ts';
import { isSecretariat } from '../membership/roles.ts';
import { optionsOf } from './cards.ts';
import type { Congress } from './motions.ts';
import { DEFAULT_OPTIONS } from './rules.ts';
import { unitOf } from './units.ts';
import { castText } from './vote-replies.ts';
import { isKnownChoice, matchOption, readVotePhrase, type OptionMatch, type VotePhrase } from './vote-phrase.ts';

export type Vote = (ctx: Context, motion: Motion | null, option: string) => Promise<void>;

/**
 * Where the message was typed. `free`: outside any dialog (the command stage). Inside a dialog
 * (an interruption, bot/dialogs.ts) only what is clearly a vote is taken: a motion number, 投票,
 * 投…/…票/选…, or the option word the bot has just asked to confirm. A bare 「赞成」 or 「同意」 stays
 * the dialog's when its current step can use it (「确定要放弃吗？」 — 「同意」 answers that), and is a
 * vote only when the step cannot (a name, a phone number or an address is asked); a bare number
 * always stays the dialog's (「3」 may pick its third item).
 */
export type Where = 'free' | { dialogTakes: () => boolean };

/** The synonym the bot asked about: confirmed by the option word (or a plain yes, outside a dialog). */
const CONFIRM_SLOT = 'congressVoteConfirm';
type Pending = { motion: string; option: string; at: string };
const CONFIRM_FOR_MS = 30 * 60_000;
const YES = /^(?:是|是的|对|对的|确认|确定|好|好的|可以|嗯+|没错)[。.!！]*$/;

/** Handles the message when it is a typed vote or a stray option number; false: not the congress's. */
export async function typedVote(
  ctx: Context,
  congress: Congress,
  vote: Vote,
  text: string,
  where: Where = 'free',
): Promise<boolean> {
  const inDialog = where !== 'free';
  const phrase = readVotePhrase(text);
  // Asked last time: the answer is read before anything else, and the question holds once only.
  const pending = ctx.session.slots[CONFIRM_SLOT] as Pending | undefined;
  delete ctx.session.slots[CONFIRM_SLOT];
  if (pending && (await confirmed(ctx, congress, vote, pending, phrase, text, inDialog))) return true;

  if (phrase?.number !== undefined) return numbered(ctx, congress, vote, phrase);
  if (!phrase) return inDialog ? false : strayNumber(ctx, congress, text);
  // Nothing vote-like: no database read for it.
  if (!phrase.explicit && !isKnownChoice(phrase.choice)) return false;
  if (inDialog && !phrase.explicit && where.dialogTakes()) return false;
  return choiceVote(ctx, congress, vote, phrase);
}

/** The asked synonym confirmed: the vote cast on the motion asked about. */
async function confirmed(
  ctx: Context,
  congress: Congress,
  vote: Vote,
  pending: Pending,
  phrase: VotePhrase | undefined,
  text: string,
  inDialog: boolean,
): Promise<boolean> {
  if (ctx.services.now().getTime() - Date.parse(pending.at) > CONFIRM_FOR_MS) return false;
  const same = phrase !== undefined && matchOption(phrase.choice, [pending.option])?.certain === true;
  // In a dialog a plain 「是」 answers the dialog's own question, said again after ours.
  if (!same && (inDialog || !YES.test(text.trim()))) return false;
  const motion = await congress.find(pending.motion);
  if (same && phrase.number !== undefined && phrase.number !== motion?.number) return false;
  await vote(ctx, motion, pending.option);
  return true;
}

/** 「投票 12 赞成」「12号 赞成」「第12号投反对」: the motion named. */
async function numbered(ctx: Context, congress: Congress, vote: Vote, phrase: VotePhrase): Promise<boolean> {
  const motion = await congress.find(String(phrase.number));
  const match = motion ? matchOption(phrase.choice, optionsOf(motion)) : undefined;
  // Without 投票 before it, a number and words ("2027年度计划") are a vote only when they name one.
  if (!phrase.command && !match) return false;
  if (!motion || !match) {
    await vote(ctx, motion, phrase.choice);
    return true;
  }
  if (match.certain) await vote(ctx, motion, match.option);
  else ask(ctx, motion, match.option, phrase.choice);
  return true;
}

/** A choice without a motion number: the motion awaiting the unit's vote that has it. */
async function choiceVote(ctx: Context, congress: Congress, vote: Vote, phrase: VotePhrase): Promise<boolean> {
  const { choice } = phrase;
  // An option word itself (not a synonym): clearly meant as a vote, answered as one even where
  // nothing can be voted on.
  const plainVote = matchOption(choice, DEFAULT_OPTIONS)?.certain === true;
  const unit = await unitOf(ctx.services.db.prisma, ctx.user);
  if (unit?.status !== 'active') {
    // Someone outside the alliance answering a ballot (one forwarded to them, say) while a vote is on.
    if (!plainVote || !(await congress.anyOpen())) return false;
    ctx.say(castText(ctx, null, '', refusal(unit)));
    return true;
  }

  const org = unit.orgName;
  const { waiting, voted, concerning } = await congress.standing(unit.id);
  const matching = matchesIn(waiting, choice, (m) => m);
  // The option's own word wins over a synonym of another motion's option.
  const certain = matching.filter((x) => x.match.certain);
  const chosen = certain.length > 0 ? certain : matching;
  if (chosen.length === 1) {
    const { item: motion, match } = chosen[0]!;
    if (match.certain) await vote(ctx, motion, match.option);
    else ask(ctx, motion, match.option, choice);
    return true;
  }
  if (chosen.length > 1) {
    ctx.say(
      ctx.t('congress.vote_which', {
        count: chosen.length,
        number: chosen[0]!.item.number,
        option: chosen[0]!.match.option,
        list: chosen.map(({ item: m }) => `第${m.number}号：${m.title}`).join('\n'),
      }),
    );
    return true;
  }
  if (waiting.length > 0) {
    if (!plainVote) return false;
    ctx.say(waitingList(ctx, waiting));
    return true;
  }
  // Nothing awaits the unit: on the one open motion it has voted on, the choice is a change (made
  // where the motion allows it, refused with the reason where it does not).
  const again = matchesIn(voted, choice, (v) => v.motion);
  if (again.length === 1) {
    const { item, match } = again[0]!;
    if (!match.certain) {
      ask(ctx, item.motion, match.option, choice);
      return true;
    }
    const result = await congress.cast(ctx.user, item.motion, match.option);
    const reply = castText(ctx, item.motion, match.option, result);
    ctx.say(result.kind === 'changed' ? reply : `${ctx.t('congress.vote_nothing_open')}${reply}`);
    return true;
  }
  if (!plainVote && again.length === 0) return false;
  const lines = [ctx.t('congress.vote_nothing_open')];
  if (again.length > 1)
    lines.push(
      ctx.t('congress.vote_change_which', {
        count: again.length,
        number: again[0]!.item.motion.number,
        option: again[0]!.match.option,
      }),
    );
  lines.push(...concerning.map((m) => castText(ctx, m, '', { kind: 'concerned', org })));
  ctx.say(lines.join('\n'));
  return true;
}

/** A number no open card of this person answers: what the unit's ballots stand at. */
async function strayNumber(ctx: Context, congress: Congress, text: string): Promise<boolean> {
  const n = parseOptionNumber(text);
  if (n === undefined) return false;
  const stray = ctx.t('congress.vote_stray_number', { n });
  const unit = await unitOf(ctx.services.db.prisma, ctx.user);
  if (unit?.status !== 'active') {
    // The secretariat's stray numbers belong to its own cards.
    if (!(await congress.anyOpen()) || (await isSecretariat(ctx.services.db.prisma, ctx.user))) return false;
    ctx.say([stray, castText(ctx, null, '', refusal(unit))].join('\n'));
    return true;
  }
  const org = unit.orgName;
  const { waiting, voted, concerning } = await congress.standing(unit.id);
  if (waiting.length === 0 && voted.length === 0 && concerning.length === 0) return false;
  const lines = [stray, ...concerning.map((m) => castText(ctx, m, '', { kind: 'concerned', org }))];
  for (const { motion, choice } of voted)
    lines.push(
      choice !== null && motion.allowChange && !motion.secret
        ? ctx.t('congress.vote_voted_changeable', { org, number: motion.number, choice })
        : castText(ctx, motion, '', { kind: 'already', org, choice: choice ?? undefined, secret: choice === null }),
    );
  if (waiting.length > 0) lines.push(waitingList(ctx, waiting));
  ctx.say(lines.join('\n'));
  return true;
}

/** Unsure what was meant (a synonym): asked, and remembered for the next message. */
function ask(ctx: Context, motion: Motion, option: string, typed: string): void {
  const pending: Pending = { motion: motion.id, option, at: ctx.services.now().toISOString() };
  ctx.session.slots[CONFIRM_SLOT] = pending;
  ctx.say(ctx.t('congress.vote_confirm', { typed, number: motion.number, title: motion.title, option }));
}

function matchesIn<T>(
  items: readonly T[],
  choice: string,
  motionOf: (item: T) => Motion,
): { item: T; match: OptionMatch }[] {
  return items.flatMap((item) => {
    const match = matchOption(choice, optionsOf(motionOf(item)));
    return match ? [{ item, match }] : [];
  });
}

function waitingList(ctx: Context, waiting: readonly Motion[]): string {
  return ctx.t('congress.vote_waiting', {
    count: waiting.length,
    number: waiting[0]!.number,
    list: waiting.map((m) => `第${m.number}号：${m.title}`).join('\n'),
  });
}

function refusal(unit: Awaited<ReturnType<typeof unitOf>>): Parameters<typeof castText>[3] {
  return unit ? { kind: 'former_member', org: unit.orgName, status: unit.status } : { kind: 'not_member' };
}
