// What the applicant reads, composed from prompts/application.yaml: the question for a field, the
// summary card, the reasons an organisation cannot apply, what was taken from an answer.
import type { Context } from '../bot/context.ts';
import type { Outbound } from '../bot/outbound.ts';
import { FORM, nextEmptyField, PARTS, personField, positionOf, type FieldKey, type Fields } from './form.ts';
import { chineseDate } from './notice.ts';
import { periodText } from '../membership/lock-period.ts';
import type { OrgBlock } from './service.ts';
import type { Validated } from './validate.ts';

export const TOTAL = FORM.length;
/** A summary shows this much of the profile; the DOCX has all of it. */
const SUMMARY_PROFILE_CHARS = 300;

export const t = (ctx: Context, key: string, vars?: Record<string, string | number>): string =>
  ctx.t(`application.${key}`, vars);
export const label = (ctx: Context, key: FieldKey): string => ctx.t(`application.field_${key}`);

export function reasonText(ctx: Context, result: Extract<Validated, { ok: false }>, raw: string): string {
  return t(ctx, `reason_${result.reason}`, { value: shorten(raw.trim(), 20), ...result.vars });
}

export function acceptedText(ctx: Context, fields: Fields, keys: FieldKey[]): string {
  const items = keys.map((k) => t(ctx, 'accepted_item', { label: label(ctx, k), value: shorten(fields[k]!, 40) }));
  return t(ctx, 'accepted', { list: items.join(t(ctx, 'list_separator')) });
}

/** A change said as old → new; without an old value, what it is now. */
export function changedText(ctx: Context, key: FieldKey, before: string | undefined, after: string): string {
  if (before === undefined || before === after)
    return t(ctx, 'changed', { label: label(ctx, key), value: shorten(after) });
  return t(ctx, 'changed_from', { label: label(ctx, key), old: shorten(before, 40), value: shorten(after) });
}

/** "代表：王芳（总经理），139…，wang@…" for each person block this answer completed or changed. */
export function personEchoes(ctx: Context, before: Fields, fields: Fields, accepted: FieldKey[]): string[] {
  const out: string[] = [];
  for (const person of ['rep', 'contact'] as const) {
    const keys = PARTS.map((p) => personField(person, p));
    if (!keys.some((k) => accepted.includes(k)) || !keys.every((k) => fields[k])) continue;
    // Shown once when it becomes complete, and again whenever a complete block changes.
    if (keys.every((k) => before[k] === fields[k])) continue;
    out.push(
      t(ctx, `echo_${person}`, {
        name: fields[keys[0]!]!,
        title: fields[keys[1]!]!,
        phone: fields[keys[2]!]!,
        email: fields[keys[3]!]!,
      }),
    );
  }
  return out;
}

export function shorten(value: string, max = 60): string {
  const chars = [...value];
  return chars.length > max ? `${chars.slice(0, max).join('')}……` : value;
}

/** Asks the pending field (or the one being changed), or shows the summary when the form is complete. */
export function askPending(ctx: Context, asking: FieldKey | undefined, fields: Fields, conditions: string[]): void {
  const key = asking ?? nextEmptyField(fields);
  if (!key) return showSummary(ctx, fields, conditions);
  if (asking) {
    const old = fields[key];
    ctx.say(
      t(ctx, old ? 'ask_change' : 'ask_change_empty', {
        label: label(ctx, key),
        old: shorten(old ?? ''),
        example: ctx.t(`application.example_${key}`),
      }),
    );
    return;
  }
  ctx.say(
    t(ctx, 'ask', {
      n: positionOf(key),
      total: TOTAL,
      label: label(ctx, key),
      hint: ctx.t(`application.hint_${key}`),
      example: ctx.t(`application.example_${key}`),
    }),
  );
}

/** The complete form for checking, with the 第十三条 declaration and the two buttons. */
export function showSummary(ctx: Context, fields: Fields, conditions: string[]): void {
  const card: Outbound = {
    kind: 'card',
    card: {
      title: t(ctx, 'summary_title'),
      fields: FORM.map((f) => ({
        label: label(ctx, f.key),
        value: shorten(fields[f.key] ?? '', SUMMARY_PROFILE_CHARS),
      })),
      lines: [t(ctx, 'summary_declaration'), ...conditions],
      buttons: [
        { label: t(ctx, 'button_submit'), action: 'application.submit', value: {}, style: 'primary' },
        { label: t(ctx, 'button_cancel'), action: 'application.cancel', value: {}, style: 'danger' },
      ],
    },
  };
  ctx.reply(card);
  ctx.say(t(ctx, 'summary_hint'));
}

/** Why this organisation cannot apply now, in the charter's words. */
export function blockText(ctx: Context, org: string, block: OrgBlock): string {
  if (block.kind === 'open') return t(ctx, 'org_open', { org, number: block.number });
  if (block.kind === 'member') return t(ctx, 'org_member', { org });
  return t(ctx, `org_locked_${block.reason}`, {
    org,
    left: chineseDate(block.leftAt),
    until: chineseDate(block.until),
    // A lock set by hand (not a whole number of months apart): the sentence without a period.
    lock: block.period ? t(ctx, 'org_locked_period', { period: periodText(block.period) }) : '',
  });
}
