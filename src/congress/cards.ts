// The congress's cards and notices as neutral Cards (rendered as Feishu cards or numbered WeChat
// text by the channels), built from prompts/congress.yaml.
import type { Card, Outbound } from '../bot/outbound.ts';
import type { Motion } from '../generated/prisma/client.ts';
import { formatTime } from '../membership/format.ts';

export type T = (key: string, vars?: Record<string, string | number>) => string;

export const VOTE_ACTION = 'congress.vote';
export const PUBLISH_ACTION = 'congress.publish';
export const CLOSE_ACTION = 'congress.close';

export const optionsOf = (motion: Pick<Motion, 'options'>): string[] => motion.options as string[];

export function ruleText(t: T, motion: Pick<Motion, 'rule' | 'quorum'>): string {
  const rule = t(`congress.rule_${motion.rule}`);
  return motion.quorum ? `${rule}；${t('congress.quorum_line', { percent: percent(motion.quorum) })}` : rule;
}

export const percent = (share: number): string => String(Math.round(share * 1000) / 10);

/** The motion as every card describes it: kind, text, old and new wording, rule, ballot, deadline. */
export function motionLines(t: T, motion: Motion, memberName?: string): string[] {
  const lines = [t('congress.card_kind', { kind: t(`congress.kind_${motion.kind}`) }), motion.text];
  if (motion.article && motion.newText) {
    lines.push(t('congress.card_article_old', { article: motion.article, text: motion.oldText ?? '' }));
    lines.push(t('congress.card_article_new', { article: motion.article, text: motion.newText }));
  }
  if (memberName) lines.push(t('congress.card_member', { org: memberName }));
  if (motion.verification) lines.push(t('congress.card_verification', { text: motion.verification }));
  lines.push(
    t('congress.card_rule', { rule: ruleText(t, motion) }),
    t('congress.card_ballot', {
      ballot: t(motion.secret ? 'congress.ballot_secret' : 'congress.ballot_open'),
      change: t(motion.allowChange ? 'congress.change_allowed' : 'congress.change_not_allowed'),
    }),
    t('congress.card_closes', { closesAt: formatTime(motion.closesAt) }),
  );
  return lines;
}

/** Where an amendment's current wording is in these lines: it and the new wording go side by side. */
function sideBySide(t: T, motion: Motion, lines: string[]): Pick<Card, 'sideBySide'> {
  if (!motion.article || !motion.newText) return {};
  const at = lines.indexOf(t('congress.card_article_old', { article: motion.article, text: motion.oldText ?? '' }));
  return at >= 0 ? { sideBySide: at } : {};
}

export function voteCard(t: T, motion: Motion, memberName?: string): Outbound {
  const options = optionsOf(motion);
  const lines = [
    ...motionLines(t, motion, memberName),
    t('congress.card_footer', { example: `投票 ${motion.number} ${options[0]}` }),
  ];
  const card: Card = {
    title: t('congress.card_title', { number: motion.number, title: motion.title }),
    lines,
    ...sideBySide(t, motion, lines),
    buttons: options.map((option, i) => ({
      label: option,
      action: VOTE_ACTION,
      value: { motion: motion.id, option },
      style: i === 0 ? 'primary' : 'default',
    })),
    expiresAt: motion.closesAt.toISOString(),
  };
  return { kind: 'card', card };
}

function voteButtons(motion: Motion): Card['buttons'] {
  return optionsOf(motion).map((option, i) => ({
    label: option,
    action: VOTE_ACTION,
    value: { motion: motion.id, option },
    style: i === 0 ? 'primary' : 'default',
  }));
}

/**
 * The vote card as the voter's unit now sees it (the clicked card, replaced at once): the motion, and
 * what the unit voted — on a secret ballot only that it voted. The buttons stay only while the
 * choice may still be changed; where there are none to click (WeChat, the Official Account) the
 * hint says to reply with a number instead.
 */
export function votedCard(
  t: T,
  motion: Motion,
  org: string,
  choice: string | null,
  memberName?: string,
  clickable = true,
): Card {
  const open = !motion.secret && motion.allowChange;
  const lines = [
    ...motionLines(t, motion, memberName),
    choice && !motion.secret ? t('congress.card_voted', { org, choice }) : t('congress.card_voted_secret', { org }),
    ...(open ? [t(clickable ? 'congress.card_change_hint' : 'congress.card_change_hint_numbered')] : []),
  ];
  return {
    title: t('congress.card_title', { number: motion.number, title: motion.title }),
    lines,
    ...sideBySide(t, motion, lines),
    ...(open ? { buttons: voteButtons(motion), expiresAt: motion.closesAt.toISOString() } : {}),
  };
}

/** Every vote and reminder card once the motion is closed or cancelled: no buttons, and why. */
export function endedCard(t: T, motion: Motion, line: string, memberName?: string): Card {
  const lines = [...motionLines(t, motion, memberName), line];
  return {
    title: t('congress.card_title', { number: motion.number, title: motion.title }),
    lines,
    ...sideBySide(t, motion, lines),
  };
}

export function reminderCard(t: T, motion: Motion, org: string): Outbound {
  return {
    kind: 'card',
    card: {
      title: t('congress.reminder_title', { number: motion.number, title: motion.title }),
      lines: [t('congress.reminder_lines', { org, closesAt: formatTime(motion.closesAt) })],
      buttons: optionsOf(motion).map((option, i) => ({
        label: option,
        action: VOTE_ACTION,
        value: { motion: motion.id, option },
        style: i === 0 ? 'primary' : 'default',
      })),
      expiresAt: motion.closesAt.toISOString(),
    },
  };
}

export function countsText(options: string[], counts: Record<string, number>): string {
  return options.map((o) => `${o} ${counts[o] ?? 0}`).join('，');
}
