// What the application dialog remembers between messages, and what one message's turn holds.
// The draft itself is the Application row; the session keeps the step and a copy of the fields.
import { z } from 'zod';
import type { Context } from '../bot/context.ts';
import { FIELD_KEYS, fieldDef, nextEmptyField, PARTS, readFields, type FieldKey, type Fields } from './form.ts';
import type { DialogEffects } from './dialog-effects.ts';
import { askPending } from './replies.ts';
import type { ApplicationView } from './service.ts';

export const DIALOG_NAME = 'application';

/** Version 1 of the dialog's state (bot/dialogs.ts checks it on every message). */
export const dialogState = z.object({
  applicationId: z.string(),
  step: z.enum(['fill', 'confirmCancel', 'clarify', 'scan']),
  /** A field the applicant asked to change; otherwise the first empty one is asked. */
  asking: z.enum(FIELD_KEYS).optional(),
  /** Which person a contact detail belongs to ("改一下电话" — whose?), and a value already given. */
  clarify: z.object({ part: z.enum(PARTS), value: z.string().optional() }).optional(),
  /** The draft's fields as last written: saves a database read on every message. Writes merge, so
   *  a stale copy cannot lose anything; submission reads the row afresh. */
  fields: z.unknown().transform(readFields).optional(),
  /** Set when the review returned a submitted application for amendment: it keeps its number. */
  number: z.string().optional(),
  /** The fields the last answer filled: a correction that names no field mends one of them. */
  lastAnswered: z.array(z.enum(FIELD_KEYS)).optional(),
  /** Who the applicant said they are ("我是…电教站的王磊"): "我就是联系人" then names them. */
  self: z.object({ name: z.string().optional(), title: z.string().optional() }).optional(),
});
export type DialogData = z.infer<typeof dialogState>;

/** The steps of the table in dialog-steps.ts; the stored `step` plus whether a field is pending. */
export type StepName = 'field' | 'summary' | 'confirmGiveUp' | 'whose' | 'scan';

export function stepOf(state: DialogData, current: FieldKey | undefined): StepName {
  if (state.step === 'scan') return 'scan';
  if (state.step === 'confirmCancel') return 'confirmGiveUp';
  if (state.step === 'clarify') return 'whose';
  return current ? 'field' : 'summary';
}

/** One message in the dialog: what the steps read and change. */
export type Turn = {
  ctx: Context;
  state: DialogData;
  app: ApplicationView;
  /** The draft's fields, updated as answers are taken and saved. */
  fields: Fields;
  text: string;
  /** The field being asked: the one asked to change, else the first empty one; none at the summary. */
  current: FieldKey | undefined;
  /** The current field takes free text (the profile). */
  long: boolean;
  /** In a profile, command words may well be part of the text: only a short message is a command. */
  short: boolean;
  fx: DialogEffects;
};

export function openTurn(ctx: Context, state: DialogData, app: ApplicationView, fx: DialogEffects): Turn {
  const fields = { ...app.fields };
  const current = state.asking ?? nextEmptyField(fields);
  const long = current !== undefined && fieldDef(current).kind === 'paragraphs';
  return { ctx, state, app, fields, text: ctx.text, current, long, short: !long || ctx.text.length <= 30, fx };
}

/** Asks the pending field, or shows the summary when the form is complete. */
export function prompt(turn: Turn): void {
  askPending(turn.ctx, turn.state.asking, turn.fields, turn.fx.conditions);
}

/** A draft as the session remembers it: enough for the dialog, without reading the row. */
export function cachedDraft(state: DialogData, fields: Fields): ApplicationView {
  const epoch = new Date(0);
  return {
    id: state.applicationId,
    number: state.number ?? null,
    status: 'draft',
    channel: '',
    userId: '',
    fields: readFields(fields),
    documentFileId: null,
    scanFileId: null,
    submittedAt: null,
    scanAt: null,
    createdAt: epoch,
    updatedAt: epoch,
  };
}
