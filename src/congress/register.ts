// The congress in chat: 「发起表决」 (motion-dialog.ts), vote buttons (`congress.vote`), typed votes (`投票 12 赞成`, or just 赞成
// where one motion awaits the person's vote), the secretariat's status and early close, and the
// timers that open, remind and close. Thin: the rules live in motions.ts and ballots.ts.
import type { Bot } from '../bot/bot.ts';
import type { Context } from '../bot/context.ts';
import type { Motion } from '../generated/prisma/client.ts';
import { isSecretariat } from '../membership/roles.ts';
import { formatTime } from '../membership/format.ts';
import { statusText } from '../commands/motions.ts';
import { CLOSE_ACTION, PUBLISH_ACTION, VOTE_ACTION, votedCard } from './cards.ts';
import type { PublishResult } from './publish.ts';
import { Congress, type CongressDeps } from './motions.ts';
import { concernedName } from './units.ts';
import { lockReasonOf, parseLockPeriod, periodText, SEED_LOCK } from '../membership/lock-period.ts';
import { registerMotionDialog, START_MOTION } from './motion-dialog.ts';
import { castText, votedChoice } from './vote-replies.ts';
import { typedVote } from './typed-votes.ts';
import { CLOSE_COMMAND, STATUS_COMMAND, VOTE_COMMAND } from './command-words.ts';

// Linear (eslint-plugin-regexp): no two adjacent quantifiers can trade characters; the motion number
// ends where its digits end.

export type CongressHooks = {
  /** Publishes a passed amendment and reloads the knowledge index. */
  publish?(motion: Motion, actor: string): Promise<PublishResult>;
};

export function registerCongress(
  bot: Bot,
  findArticle: CongressDeps['findArticle'],
  hooks: CongressHooks = {},
): Congress {
  const { services } = bot;
  const congress = new Congress({ ...services, findArticle });
  const motionDialog = registerMotionDialog(bot, congress, findArticle);

  const vote = async (ctx: Context, motion: Motion | null, option: string) => {
    const result = await congress.cast(ctx.user, motion, option);
    const sentence = castText(ctx, motion, option, result);
    const voted = motion ? votedChoice(result) : undefined;
    if (!motion || !voted) return ctx.say(sentence);
    // The same choice again: where a card cannot be edited (a changed card is a new message), the
    // ballot as it was stays valid and is not sent once more; the sentence says it all.
    if (result.kind === 'same' && !ctx.clickable) return ctx.say(sentence);
    // A click: the clicked card shows the unit's vote at once, and the sentence goes with it (on
    // Feishu the callback's answer carries both: no message per click). A secret ballot's receipt
    // code is sent as a message all the same: the card changes at the close, the message stays.
    const memberName = await concernedName(services.db.prisma, motion);
    const card = votedCard(ctx.t, motion, voted.org, voted.choice, memberName, ctx.clickable);
    if (motion.secret) {
      ctx.say(sentence);
      ctx.replaceCard(card);
    } else ctx.replaceCard(card, sentence);
  };

  bot.action(VOTE_ACTION, async (ctx) =>
    vote(ctx, await congress.findForVote(ctx.action.value.motion ?? ''), ctx.action.value.option ?? ''),
  );
  bot.action(CLOSE_ACTION, async (ctx) => {
    if (!(await isSecretariat(services.db.prisma, ctx.user))) return ctx.say(ctx.t('congress.not_secretariat'));
    return closeNow(ctx, await congress.find(ctx.action.value.motion ?? ''));
  });
  bot.action(PUBLISH_ACTION, async (ctx) => {
    if (!(await isSecretariat(services.db.prisma, ctx.user))) return ctx.say(ctx.t('congress.not_secretariat'));
    const motion = await congress.find(ctx.action.value.motion ?? '');
    if (!motion || motion.kind !== 'amendment' || motion.result !== 'passed' || !hooks.publish)
      return ctx.say(ctx.t('congress.publish_not_passed'));
    return ctx.say(publishText(ctx, motion, await hooks.publish(motion, ctx.user)));
  });

  const closeNow = async (ctx: Context, motion: Motion | null) => {
    if (!motion) return ctx.say(ctx.t('congress.vote_not_found'));
    const result = await congress.close(motion.id, ctx.user);
    if (result.kind !== 'closed')
      return ctx.say(
        ctx.t('congress.close_not_open', { number: motion.number, status: ctx.t(`congress.status_${motion.status}`) }),
      );
    ctx.say(
      ctx.t('congress.closed_by_you', {
        number: motion.number,
        result: ctx.t(result.passed ? 'congress.result_passed' : 'congress.result_failed'),
      }),
    );
  };

  bot.use('command', async (ctx, next) => {
    if (!ctx.text || ctx.inbound.file) return next();
    const text = withoutFinalStop(ctx.text);

    if (START_MOTION.test(text)) return motionDialog.start(ctx);

    const status = STATUS_COMMAND.exec(text) ?? CLOSE_COMMAND.exec(text);
    if (status) {
      if (!(await isSecretariat(services.db.prisma, ctx.user))) return ctx.say(ctx.t('congress.not_secretariat'));
      const motion = await congress.find(status[1]!);
      if (!motion) return ctx.say(ctx.t('congress.status_not_found', { id: status[1]! }));
      if (STATUS_COMMAND.test(text)) return ctx.say(statusText(services.texts, await congress.status(motion)));
      if (motion.status !== 'open')
        return ctx.say(
          ctx.t('congress.close_not_open', {
            number: motion.number,
            status: ctx.t(`congress.status_${motion.status}`),
          }),
        );
      // Closing early cannot be undone: the secretariat confirms on a card.
      const s = await congress.status(motion);
      return ctx.reply({
        kind: 'card',
        card: {
          title: ctx.t('congress.close_confirm_title', { number: motion.number }),
          lines: [
            ctx.t('congress.close_confirm_lines', {
              title: motion.title,
              closesAt: formatTime(motion.closesAt),
              voted: s.voted,
              eligible: s.eligible,
            }),
          ],
          buttons: [
            {
              label: ctx.t('congress.close_confirm_button'),
              action: CLOSE_ACTION,
              value: { motion: motion.id },
              style: 'danger',
            },
          ],
        },
      });
    }

    if (await voteTyped(ctx, text)) return;
    return next();
  });

  /**
   * `投票 12 赞成`, 「12号 赞成」, or 赞成 / 我投赞成票 / 投方案一 where exactly one motion awaiting this
   * unit's vote has that option; a synonym (同意) is asked about; a number left over from a ballot.
   * Then what the phrase reader leaves (a longer or odd choice after `投票 N`): the cast says what is wrong.
   */
  const voteTyped = async (ctx: Context, text: string, where?: Parameters<typeof typedVote>[4]): Promise<boolean> => {
    if (await typedVote(ctx, congress, vote, text, where)) return true;
    const typed = VOTE_COMMAND.exec(text);
    if (!typed) return false;
    await vote(ctx, await congress.find(typed[1]!), typed[2]!);
    return true;
  };

  // Mid-dialog (the application form, say), a vote typed clearly is cast all the same, and the
  // dialog then says where it picks up; see typed-votes.ts (Where) for what stays the dialog's.
  bot.interrupt((ctx, dialogTakes) => voteTyped(ctx, withoutFinalStop(ctx.text), { dialogTakes }));

  const timers = services.delivery?.scheduler;
  if (timers) {
    timers.on('congress.open', async (data) => void (await congress.open(data.motion ?? '')));
    timers.on('congress.close', async (data) => void (await congress.close(data.motion ?? '', 'timer')));
    timers.on('congress.remind', async (data) => void (await congress.remind(data.motion ?? '', Number(data.offset))));
    timers.onReconcile(() => congress.reconcile());
  }
  return congress;
}

/**
 * For an amendment of 第十九条 or 第二十条: the re-application period it sets from now on (locks
 * already given keep their dates), or a warning that its wording states none the bot can read and
 * the seed charter's period goes on applying.
 */
function lockNote(ctx: Context, article: string, motion: Motion): string | undefined {
  const reason = lockReasonOf(article);
  if (!reason) return undefined;
  const what = ctx.t(`congress.lock_what_${reason}`);
  const period = parseLockPeriod(motion.newText ?? '');
  return period
    ? ctx.t('congress.published_lock', { what, period: periodText(period) })
    : ctx.t('congress.published_lock_unreadable', { article, what, fallback: periodText(SEED_LOCK) });
}

/** The message without the full stops or exclamation marks it ends with (「赞成。」, 「投票 3 反对！」). */
const withoutFinalStop = (text: string): string => text.replace(/(?<![。.!！])[。.!！]+$/, '').trim();

function publishText(ctx: Context, motion: Motion, r: PublishResult): string {
  switch (r.kind) {
    case 'published':
      return [ctx.t('congress.published', { article: r.article, date: r.since }), lockNote(ctx, r.article, motion)]
        .filter(Boolean)
        .join('\n');
    case 'already':
      return ctx.t('congress.publish_already', { number: motion.number, date: r.since });
    case 'not_passed':
      return ctx.t('congress.publish_not_passed');
    case 'invalid':
      return ctx.t('congress.publish_invalid', { problems: r.problems.join('；') });
  }
}
