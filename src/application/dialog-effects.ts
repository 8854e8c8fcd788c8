// Everything the application dialog does beyond replying, in one place: saving the draft, giving it
// up, submitting (the DOCX), the status list, questions, the scan, the organisation check. The steps
// (dialog-steps.ts) decide; these act and say what they stored.
import type { Context } from '../bot/context.ts';
import type { Dialog } from '../bot/dialogs.ts';
import { createDocxRenderer, DOCX_MIME, type DocxRenderer } from './document.ts';
import type { DialogData, Turn } from './dialog-state.ts';
import { filledCount, type FieldKey, type Fields } from './form.ts';
import { chineseDate, type NoticeFacts } from './notice.ts';
import { receiveScan } from './receive-scan.ts';
import { askPending, blockText, shorten, t, TOTAL } from './replies.ts';
import type { Applications, ApplicationView, OrgBlock } from './service.ts';

export class DialogEffects {
  /** Built on the first submission: the DOCX template derived from the form. */
  private docx?: Promise<DocxRenderer>;

  constructor(
    private readonly apps: Applications,
    private readonly facts: NoticeFacts,
    private readonly dialog: Dialog<DialogData>,
  ) {}

  /** The conditions of 第十三条, shown on the summary. */
  get conditions(): string[] {
    return this.facts.conditions;
  }

  /** Writes the changed fields and empties `clear`; false (and the dialog ends) when the draft is gone. */
  async save(turn: Turn, keys: FieldKey[], clear: FieldKey[] = []): Promise<boolean> {
    const patch: Fields = {};
    for (const key of keys) patch[key] = turn.fields[key];
    const merged = await this.apps.patchFields(turn.state.applicationId, patch, clear);
    if (!merged) {
      this.draftGone(turn.ctx);
      return false;
    }
    turn.state.fields = merged;
    if (keys.length > 0) turn.state.lastAnswered = keys;
    for (const key of clear) delete turn.fields[key];
    Object.assign(turn.fields, merged);
    return true;
  }

  /** Whether an organisation may apply (member, locked out, another open application). */
  checkOrganisation(org: string, applicationId: string): Promise<OrgBlock | undefined> {
    return this.apps.checkOrganisation(org, applicationId);
  }

  async giveUp(turn: Turn): Promise<void> {
    await this.apps.cancel(turn.app.id);
    this.dialog.leave(turn.ctx);
    turn.ctx.say(t(turn.ctx, 'cancelled'));
  }

  async submit(ctx: Context, state: DialogData): Promise<void> {
    const fields = state.fields ?? (await this.apps.get(state.applicationId))?.fields ?? {};
    this.docx ??= createDocxRenderer(ctx.services.texts);
    const render = await this.docx;
    let fileName = '';
    const document = (number: string, filed: Fields) => {
      fileName = t(ctx, 'doc_file_name', { org: fileSafe(filed.orgName ?? ''), number });
      return { name: fileName, mime: DOCX_MIME, data: render(filed, number) };
    };
    const result = await this.apps.submit(
      { id: state.applicationId, number: state.number ?? null, fields, owner: ctx.user },
      document,
    );
    if (!result.ok) {
      if (result.kind === 'gone') return this.submittedBefore(ctx, state);
      if (result.kind === 'deadline') return ctx.say(this.deadlineText(ctx));
      if (result.kind === 'org')
        return ctx.say(`${blockText(ctx, fields.orgName ?? '', result.block)}\n${t(ctx, 'submit_blocked_hint')}`);
      return askPending(ctx, state.asking, fields, this.conditions);
    }
    this.sayDocument(ctx, state, result.application, fileName);
  }

  /**
   * The draft is no longer a draft. If this very message submitted it on an earlier try whose
   * reply was lost (the database went away before the conversation was saved, and the message is
   * being tried again — issue 16), answer as that try would have, with the document; otherwise the
   * draft really is gone.
   */
  private async submittedBefore(ctx: Context, state: DialogData): Promise<void> {
    const application = await this.apps.get(state.applicationId);
    if (application?.status !== 'submitted' || !application.number || !application.documentFileId)
      return this.draftGone(ctx);
    const fileName = t(ctx, 'doc_file_name', {
      org: fileSafe(application.fields.orgName ?? ''),
      number: application.number,
    });
    this.sayDocument(ctx, state, application, fileName);
  }

  /** Submitted: the number, the document, what to do next; the dialog waits for the stamped scan. */
  private sayDocument(ctx: Context, state: DialogData, application: ApplicationView, fileName: string): void {
    const number = application.number!;
    state.step = 'scan';
    delete state.asking;
    delete state.fields;
    ctx.say(t(ctx, 'submitted', { number }));
    ctx.reply({
      kind: 'file',
      name: fileName,
      mime: DOCX_MIME,
      fileId: application.documentFileId!,
      caption: t(ctx, 'file_caption', { number }),
    });
    ctx.say(
      t(ctx, 'submitted_instructions', {
        deadline: this.deadlineName(ctx),
        howTo: this.facts.howToApply,
        contact: this.facts.contact,
      }),
    );
  }

  /** "我的申请": every application of this user, with its status and, if any, why it came back. */
  async status(ctx: Context): Promise<void> {
    const list = await this.apps.listForUser(ctx.inbound.channel, ctx.inbound.actor);
    if (list.length === 0) return ctx.say(t(ctx, 'status_none'));
    const reasons = await this.apps.decisionReasons(list.filter((a) => a.number).map((a) => a.id));
    const lines = list.map((app) => {
      const org = app.fields.orgName ?? t(ctx, 'org_unnamed');
      const why = reasons.get(app.id);
      // Returned for amendment, or rejected: the applicant sees why, whenever they ask.
      const reason = why ? t(ctx, `status_reason_${why.decision}`, { reason: shorten(why.reason, 200) }) : '';
      if (app.status === 'draft')
        return t(ctx, 'status_line_draft', { org, filled: filledCount(app.fields), total: TOTAL }) + reason;
      const key = `application.status_${app.status}`;
      let status = ctx.services.texts.has(key) ? ctx.t(key) : t(ctx, 'status_unknown', { status: app.status });
      if (app.status !== 'cancelled' && app.number)
        status += t(ctx, 'list_separator') + t(ctx, app.scanFileId ? 'status_scan_yes' : 'status_scan_no');
      return t(ctx, 'status_line', { number: app.number ?? '—', org, status }) + reason;
    });
    ctx.say([t(ctx, 'status_header'), ...lines].join('\n'));
  }

  /** A question mid-form: answered from the corpus (the dialog's afterQuestion adds the deadline). */
  answerQuestion(ctx: Context, state: DialogData): Promise<void> {
    return this.dialog.answerQuestion(ctx, state);
  }

  /** The notice's date may have been extended by configuration: say which one applies now. */
  deadlineNote(ctx: Context): void {
    if (/截止|期限|最晚|deadline|什么时候(交|提交|报送)/i.test(ctx.text))
      ctx.say(t(ctx, 'deadline_note', { deadline: this.deadlineName(ctx) }));
  }

  /** The stamped scan: received, the wait for it is over. */
  async takeScan(ctx: Context, app: ApplicationView): Promise<void> {
    if (await receiveScan(ctx, this.apps, app)) this.dialog.leave(ctx);
  }

  leave(ctx: Context): void {
    this.dialog.leave(ctx);
  }

  draftGone(ctx: Context): void {
    this.dialog.leave(ctx);
    ctx.say(t(ctx, 'draft_gone'));
  }

  deadlineText(ctx: Context): string {
    return t(ctx, 'deadline_passed', { deadline: chineseDate(this.apps.deadline!.date) });
  }

  private deadlineName(ctx: Context): string {
    return this.apps.deadline ? chineseDate(this.apps.deadline.date) : t(ctx, 'deadline_none');
  }
}

const fileSafe = (name: string): string => name.replace(/[\\/:*?"<>|\s]+/g, '').slice(0, 40);
