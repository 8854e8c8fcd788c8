// The summary a secretariat checks before a motion is created: numbered text (WeChat, the console:
// 「改3」 corrects item 3), or a card with 确认发起 / 修改 / 取消 where buttons are clicked (Feishu,
// WeCom, the playground). A card's buttons carry a digest of the draft it shows, so a card left
// behind by a later correction cannot confirm what its reader never saw.
import { createHash } from 'node:crypto';
import type { Context } from '../bot/context.ts';
import type { Card } from '../bot/outbound.ts';
import type { CongressDeps } from './motions.ts';
import { fieldsFor, rawOf, type Answers, type FieldSpec } from './motion-fields.ts';
import { lockReasonOf, parseLockPeriod, periodText, SEED_LOCK } from '../membership/lock-period.ts';

/** The summary card's buttons (where buttons are clicked; WeChat keeps the numbered text). */
export const CONFIRM_ACTION = 'congress.create.confirm';
export const EDIT_ACTION = 'congress.create.edit';
export const CANCEL_ACTION = 'congress.create.cancel';

type FindArticle = CongressDeps['findArticle'];

const t = (ctx: Context, key: string, vars?: Record<string, string | number>) => ctx.t(`motion-dialog.${key}`, vars);

/** A field's name as the secretariat reads it (类别, 截止时间 …). */
export const fieldLabel = (ctx: Context, key: string): string =>
  ctx.services.texts.has(`motion-dialog.field_${key}`) ? t(ctx, `field_${key}`) : key;

/** A field's value as stored, for the echo and the summary. */
export const fieldValue = (ctx: Context, field: FieldSpec, answers: Answers): string =>
  field.show(answers[field.key] ?? null, answers, ctx.t);

/** What a summary card showed: its buttons act only while the draft is still exactly that. */
export const draftOf = (answers: Answers): string =>
  createHash('sha256')
    .update(JSON.stringify(rawOf(answers)))
    .digest('hex')
    .slice(0, 16);

/**
 * For an amendment of 第十九条 or 第二十条, what it does to the re-application period (两年 → 三年), or a
 * warning that its wording states none the bot can read (then the seed charter's period would go on
 * applying): said before the vote, while the wording can still be corrected.
 */
function lockLine(ctx: Context, answers: Answers, findArticle: FindArticle): string | undefined {
  const article = findArticle(String(answers.article ?? ''));
  const reason = article && lockReasonOf(article.label);
  if (!article || !reason || answers.new_text == null) return undefined;
  const what = ctx.t(`congress.lock_what_${reason}`);
  const now = parseLockPeriod(article.text);
  const next = parseLockPeriod(String(answers.new_text));
  if (!next)
    return t(ctx, 'summary_lock_unreadable', { article: article.label, what, fallback: periodText(SEED_LOCK) });
  if (now?.months === next.months) return undefined;
  return t(ctx, 'summary_lock_change', {
    what,
    old: periodText(now ?? SEED_LOCK),
    new: periodText(next),
  });
}

/** The numbered text summary; 「回复“确认”」 creates the motion. */
export function summaryText(ctx: Context, answers: Answers, findArticle: FindArticle): string {
  const lines = fieldsFor(answers).map((f, i) => {
    if (f.key === 'new_text') {
      const old = findArticle(String(answers.article ?? ''))?.text ?? '';
      return `${i + 1}. ${fieldLabel(ctx, f.key)}：\n   ${t(ctx, 'old_new', { old, new: String(answers.new_text ?? '') })}`;
    }
    return `${i + 1}. ${fieldLabel(ctx, f.key)}：${fieldValue(ctx, f, answers)}`;
  });
  const lock = lockLine(ctx, answers, findArticle);
  if (lock) lines.push(lock);
  return t(ctx, 'summary', { lines: lines.join('\n') });
}

/** The summary as a card: the same numbered items (an article's wording side by side), three buttons. */
export function summaryCard(ctx: Context, answers: Answers, findArticle: FindArticle): Card {
  const lines: string[] = [];
  let sideBySide: number | undefined;
  fieldsFor(answers).forEach((f, i) => {
    if (f.key !== 'new_text') {
      lines.push(`${i + 1}. ${fieldLabel(ctx, f.key)}：${fieldValue(ctx, f, answers)}`);
      return;
    }
    const old = findArticle(String(answers.article ?? ''))?.text ?? '';
    lines.push(`${i + 1}. ${fieldLabel(ctx, f.key)}：`);
    sideBySide = lines.length;
    lines.push(t(ctx, 'card_old', { old }), t(ctx, 'card_new', { new: String(answers.new_text ?? '') }));
  });
  const lock = lockLine(ctx, answers, findArticle);
  if (lock) lines.push(lock);
  const value = { draft: draftOf(answers) };
  return {
    title: t(ctx, 'summary_title'),
    lines: [...lines, t(ctx, 'summary_card_hint')],
    ...(sideBySide === undefined ? {} : { sideBySide }),
    buttons: [
      { label: t(ctx, 'button_confirm'), action: CONFIRM_ACTION, value, style: 'primary' },
      { label: t(ctx, 'button_edit'), action: EDIT_ACTION, value },
      { label: t(ctx, 'button_cancel'), action: CANCEL_ACTION, value, style: 'danger' },
    ],
  };
}
