// The application, field by field, the way a patient secretariat clerk would on the phone. The form
// declaration (form.ts) decides what is asked and in which order; this file decides what a message
// means at the current step. State: the draft in the Application row, the step in the session.
import type { Context } from '../bot/context.ts';
import { looksLikeInstruction } from '../knowledge/injection.ts';
import { countContacts, extractAnswer } from './extract.ts';
import {
  FIELD_KEYS,
  fieldDef,
  readFields,
  filledCount,
  nextEmptyField,
  PARTS,
  personField,
  type FieldDef,
  type FieldKey,
  type Fields,
  type Part,
  type Person,
} from './form.ts';
import {
  isCancel,
  isConfirm,
  isGreeting,
  isHelp,
  isLater,
  isNevermind,
  isNo,
  isPause,
  isSkip,
  isQuestion,
  isResume,
  isStart,
  isStatus,
  isStrongInstruction,
  isYes,
  parseCorrection,
  parseSameAs,
  type Correction,
  type SameAs,
} from './intents.ts';
import { chineseDate, type NoticeFacts } from './notice.ts';
import { receiveScan } from './receive-scan.ts';
import { acceptedText, askPending, blockText, label, reasonText, shorten, t, TOTAL } from './replies.ts';
import type { Applications, ApplicationView } from './service.ts';
import { validateField } from './validate.ts';
import { ORG_NAME_ENDING, PERSON_WORDS, TITLE_WORDS } from './vocabulary.ts';
import { createDocxRenderer, DOCX_MIME, type DocxRenderer } from './document.ts';

export const DIALOG_NAME = 'application';

type Step = 'fill' | 'confirmCancel' | 'clarify' | 'scan';
export type DialogData = {
  applicationId: string;
  step: Step;
  /** A field the applicant asked to change; otherwise the first empty one is asked. */
  asking?: FieldKey;
  clarify?: { part: Part; value?: string };
  /** The draft's fields as last written: saves a database read on every message. Writes merge, so
   *  a stale copy cannot lose anything; submission reads the row afresh. */
  fields?: Fields;
  /** Set when the review returned a submitted application for amendment: it keeps its number. */
  number?: string;
};

export class ApplicationFlow {
  /** Built on the first submission: the DOCX template derived from the form. */
  private docx?: Promise<DocxRenderer>;

  constructor(
    private readonly apps: Applications,
    private readonly facts: NoticeFacts,
  ) {}

  // ── Entry points when no application dialog is active ─────────────────────────────────────────

  async start(ctx: Context): Promise<void> {
    if (this.apps.isPastDeadline()) return ctx.say(this.deadlineText(ctx));
    const draft = await this.apps.findDraft(ctx.inbound.channel, ctx.inbound.actor);
    if (draft) {
      const data = this.open(ctx, draft);
      ctx.say(t(ctx, 'welcome_back', { filled: filledCount(draft.fields), total: TOTAL }));
      return this.prompt(ctx, data, draft.fields);
    }
    const created = await this.apps.createDraft(ctx.inbound.channel, ctx.inbound.actor);
    const data = this.open(ctx, created);
    ctx.say(t(ctx, 'start', { total: TOTAL }));
    return this.prompt(ctx, data, created.fields);
  }

  async resume(ctx: Context): Promise<void> {
    const draft = await this.apps.findDraft(ctx.inbound.channel, ctx.inbound.actor);
    if (!draft) return ctx.say(t(ctx, 'resume_none'));
    const data = this.open(ctx, draft);
    ctx.say(t(ctx, 'welcome_back', { filled: filledCount(draft.fields), total: TOTAL }));
    return this.prompt(ctx, data, draft.fields);
  }

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

  /** A file outside the dialog: the stamped scan for the latest submitted application, if any. */
  async fileWithoutDialog(ctx: Context): Promise<boolean> {
    const app = await this.apps.latestSubmitted(ctx.inbound.channel, ctx.inbound.actor);
    if (!app) return false;
    await this.takeScan(ctx, app);
    return true;
  }

  // ── The active dialog ─────────────────────────────────────────────────────────────────────────

  /** Handles a message while the dialog is active; false when the dialog turned out stale. */
  async continue(ctx: Context): Promise<boolean> {
    const data = ctx.session.dialog!.data as DialogData;
    const app: ApplicationView | undefined =
      data.step !== 'scan' && data.fields ? cachedDraft(data, data.fields) : await this.apps.get(data.applicationId);
    if (app?.status === 'draft') {
      // Waiting for a scan, but the review returned the application for amendment: fill again.
      if (data.step === 'scan')
        Object.assign(data, {
          step: 'fill',
          fields: app.fields,
          number: app.number ?? undefined,
        } satisfies Partial<DialogData>);
      await this.fillStep(ctx, data, app);
      return true;
    }
    if (app?.status === 'submitted' && data.step === 'scan') {
      await this.scanStep(ctx, app);
      return true;
    }
    // Cancelled, decided by the review, or gone: this dialog is over.
    delete ctx.session.dialog;
    return false;
  }

  async submitAction(ctx: Context): Promise<boolean> {
    const data = this.activeData(ctx);
    if (!data || data.step === 'scan') return false;
    await this.submit(ctx, data);
    return true;
  }

  async cancelAction(ctx: Context): Promise<boolean> {
    const data = this.activeData(ctx);
    if (!data || data.step === 'scan') return false;
    data.step = 'confirmCancel';
    ctx.say(t(ctx, 'cancel_confirm', { filled: filledCount(data.fields ?? {}) }));
    return true;
  }

  private async fillStep(ctx: Context, data: DialogData, app: ApplicationView): Promise<void> {
    const fields = { ...app.fields };
    const text = ctx.text;
    const current = data.asking ?? nextEmptyField(fields);
    const long = current !== undefined && fieldDef(current).kind === 'paragraphs';
    // In a profile, command words may well be part of the text: only a short message is a command.
    const short = !long || text.length <= 30;

    if (ctx.inbound.file) {
      ctx.say(t(ctx, 'file_not_expected'));
      return this.prompt(ctx, data, fields);
    }
    if (!text) {
      ctx.say(t(ctx, 'empty_answer'));
      return this.prompt(ctx, data, fields);
    }
    if (data.step === 'confirmCancel') {
      if (isYes(text) || isCancel(text)) {
        await this.apps.cancel(app.id);
        delete ctx.session.dialog;
        return ctx.say(t(ctx, 'cancelled'));
      }
      data.step = 'fill';
      ctx.say(t(ctx, 'cancel_aborted'));
      // Only what clearly answers the field asked is kept ("贵州省安顺市西秀区1号"); "继续填写",
      // "我再考虑考虑" and the like just call the cancel off.
      if (isResume(text) || isNo(text) || !current || !readsAsAnswer(fieldDef(current), text))
        return this.prompt(ctx, data, fields);
    }
    if (short && isHelp(text)) {
      ctx.say(t(ctx, 'help'));
      return this.prompt(ctx, data, fields);
    }
    if (short && isStatus(text)) {
      await this.status(ctx);
      return this.prompt(ctx, data, fields);
    }
    if (short && isPause(text)) return ctx.say(t(ctx, 'paused', { filled: filledCount(fields), total: TOTAL }));
    if (short && data.asking && isNevermind(text)) {
      // "算了，还是写综合科科长吧": a change after all, to this.
      const instead = /(?:还是|就)(?:写|填|用|改成|改为)(?:成|为)?[:：]?\s*(.+?)[吧。.!！]*$/.exec(text)?.[1];
      if (instead && validateField(fieldDef(data.asking), instead).ok)
        return this.correct(ctx, data, app, fields, { field: data.asking, value: instead });
      const kept = data.asking;
      delete data.asking;
      ctx.say(
        fields[kept]
          ? t(ctx, 'change_dropped', { label: label(ctx, kept), value: shorten(fields[kept]) })
          : t(ctx, 'change_dropped_empty'),
      );
      return this.prompt(ctx, data, fields);
    }
    if (short && isSkip(text) && !isQuestion(text)) {
      ctx.say(t(ctx, 'skip_not_possible'));
      return this.prompt(ctx, data, fields);
    }
    if (short && isCancel(text) && !isQuestion(text)) {
      data.step = 'confirmCancel';
      return ctx.say(t(ctx, 'cancel_confirm', { filled: filledCount(fields) }));
    }
    if (short && (isResume(text) || isStart(text) || isGreeting(text))) {
      ctx.say(
        t(ctx, this.isAway(ctx) ? 'welcome_back' : 'already_filling', { filled: filledCount(fields), total: TOTAL }),
      );
      return this.prompt(ctx, data, fields);
    }
    // The broad check would also catch free text ("在教育信息化中扮演…") and addresses like prompt@…;
    // there only instructions aimed at the bot count.
    const freeText = long || (current !== undefined && fieldDef(current).kind === 'email' && text.includes('@'));
    if (isStrongInstruction(text) || (!freeText && looksLikeInstruction(text))) {
      ctx.say(t(ctx, 'instruction_refused'));
      return this.prompt(ctx, data, fields);
    }
    if (data.step === 'clarify') {
      const clarify = data.clarify;
      const person: Person | undefined = PERSON_WORDS.contact.test(text)
        ? 'contact'
        : PERSON_WORDS.rep.test(text)
          ? 'rep'
          : this.namedPerson(fields, text);
      if (clarify && person) {
        data.step = 'fill';
        delete data.clarify;
        // "联系人的，13912345678": the new value may come with the answer.
        const names = [fields.repName, fields.contactName].filter((n): n is string => Boolean(n));
        let rest = text.replace(/(单位)?(成员代表|代表|委托人|联系人)(的)?/g, '');
        for (const name of names) rest = rest.split(`${name}的`).join('').split(name).join('');
        rest = rest.replace(/^[\s，,。.:：是]+|[\s，,。.]+$/g, '');
        const value = clarify.value ?? ([...rest].length >= 2 ? rest : undefined);
        return this.correct(ctx, data, app, fields, { field: personField(person, clarify.part), value });
      }
      if (clarify && isNevermind(text)) {
        data.step = 'fill';
        delete data.clarify;
        ctx.say(t(ctx, 'change_dropped_empty'));
        return this.prompt(ctx, data, fields);
      }
      // The new value came before saying whose it is: keep it and ask again. Anything else that is
      // not a question or a command does not replace a value already given.
      if (clarify && !isQuestion(text) && !isConfirm(text) && !parseCorrection(text)) {
        if (validateField(fieldDef(personField('rep', clarify.part)), text).ok) clarify.value = text;
        return ctx.say(t(ctx, 'clarify_person', { part: ctx.t(`application.part_${clarify.part}`) }));
      }
      data.step = 'fill';
      delete data.clarify;
    }
    const correction = short ? parseCorrection(text) : undefined;
    if (correction) return this.correct(ctx, data, app, fields, correction);
    const currentDef = current ? fieldDef(current) : undefined;
    const sameAs = short && !isQuestion(text) ? parseSameAs(text) : undefined;
    if (sameAs && (currentDef?.person === 'contact' || /联系人/.test(text))) {
      // "同上，邮箱是…" or the representative's details, then "联系人同上": take the rest first.
      if (sameAs.rest && !(await this.absorb(ctx, data, app, fields, current ?? 'contactName', sameAs.rest))) return;
      const asked = currentDef?.person === 'contact' ? currentDef.part : undefined;
      return this.copyRepresentative(ctx, data, fields, this.sameAsParts(sameAs, fields, asked));
    }
    if (sameAs && currentDef?.person === 'rep') {
      // "我就是代表，王磊": the rest is the answer. A bare "同上" is for the contact person; here it
      // would be stored as the representative's name.
      if (sameAs.rest) return this.takeAnswer(ctx, data, app, fields, current!, sameAs.rest);
      ctx.say(t(ctx, 'same_as_not_here'));
      return this.prompt(ctx, data, fields);
    }

    if (!current && isConfirm(text)) return this.submit(ctx, data);
    if (current && short && isConfirm(text)) {
      ctx.say(t(ctx, 'not_finished', { filled: filledCount(fields), total: TOTAL }));
      return this.prompt(ctx, data, fields);
    }
    if (isQuestion(text, long)) {
      await this.answerQuestion(ctx);
      ctx.say(t(ctx, 'question_then'));
      return this.prompt(ctx, data, fields);
    }
    if (this.isAway(ctx)) {
      // Back after a long time: show where they are before taking anything as an answer. Commands,
      // corrections and questions above are clear enough to act on at once.
      ctx.say(t(ctx, 'welcome_back', { filled: filledCount(fields), total: TOTAL }));
      return this.prompt(ctx, data, fields);
    }
    if (!current) {
      ctx.say(t(ctx, 'summary_waiting'));
      return this.prompt(ctx, data, fields);
    }
    return this.takeAnswer(ctx, data, app, fields, current, text);
  }

  private async takeAnswer(
    ctx: Context,
    data: DialogData,
    app: ApplicationView,
    fields: Fields,
    current: FieldKey,
    text: string,
  ): Promise<void> {
    if (await this.absorb(ctx, data, app, fields, current, text)) return this.prompt(ctx, data, fields);
  }

  /**
   * Takes what an answer holds and says what was kept and what not; the fields accepted, or
   * undefined when the draft is gone. `replacing`: a new value for a whole person block replaces
   * what is there; an answer only adds to it.
   */
  private async absorb(
    ctx: Context,
    data: DialogData,
    app: ApplicationView,
    fields: Fields,
    current: FieldKey,
    text: string,
    replacing = false,
  ): Promise<FieldKey[] | undefined> {
    const extracted = extractAnswer(fieldDef(current), text, replacing ? {} : fields);
    const accepted: FieldKey[] = [];
    const problems: string[] = [];
    let currentProblem: string | undefined;
    for (const key of FIELD_KEYS) {
      const raw = extracted[key];
      if (raw === undefined) continue;
      const problem = await this.accept(ctx, app, fields, key, raw);
      if (problem === undefined) accepted.push(key);
      else if (key === current) currentProblem = problem;
      else problems.push(t(ctx, 'reason_other_field', { label: label(ctx, key), reason: problem }));
    }
    if (accepted.length === 0 && currentProblem === undefined && problems.length === 0) {
      currentProblem = t(ctx, 'reason_blank');
    }
    if (accepted.length > 0) {
      if (!(await this.save(ctx, data, fields, accepted))) return undefined;
      if (data.asking && accepted.includes(data.asking)) delete data.asking;
    }
    const lines: string[] = [];
    if (accepted.length > 0) lines.push(acceptedText(ctx, fields, accepted));
    lines.push(...problems);
    if (currentProblem) lines.push(currentProblem);
    // "13812345678，座机0851-85571487": one of each is kept; say so rather than drop the rest quietly.
    if (fieldDef(current).person) {
      const given = countContacts(text);
      for (const part of ['phone', 'email'] as const)
        if (given[part] > 1) lines.push(t(ctx, 'one_kept', { part: ctx.t(`application.part_${part}`) }));
    }
    ctx.say(lines.join('\n'));
    return accepted;
  }

  /** Validates and sets one field; returns the reason text when it cannot be taken. */
  private async accept(
    ctx: Context,
    app: ApplicationView,
    fields: Fields,
    key: FieldKey,
    raw: string,
  ): Promise<string | undefined> {
    const result = validateField(fieldDef(key), raw);
    if (!result.ok) return reasonText(ctx, result, raw);
    if (key === 'orgName') {
      const block = await this.apps.checkOrganisation(result.value, app.id);
      if (block) return blockText(ctx, result.value, block);
    }
    fields[key] = result.value;
    return undefined;
  }

  private async correct(
    ctx: Context,
    data: DialogData,
    app: ApplicationView,
    fields: Fields,
    correction: Correction,
  ): Promise<void> {
    let key = correction.field;
    if (!key && !correction.part && correction.person) {
      if (correction.value) return this.replacePerson(ctx, data, app, fields, correction.person, correction.value);
      key = personField(correction.person, 'name');
    }
    if (!key && correction.part) {
      const person =
        correction.person ?? this.namedPerson(fields, ctx.text) ?? this.guessPerson(fields, correction.part, data);
      if (!person) {
        data.step = 'clarify';
        data.clarify = { part: correction.part, value: correction.value };
        return ctx.say(t(ctx, 'clarify_person', { part: ctx.t(`application.part_${correction.part}`) }));
      }
      key = personField(person, correction.part);
    }
    if (!key) {
      ctx.say(t(ctx, 'which_field'));
      return this.prompt(ctx, data, fields);
    }
    if (correction.value) {
      const problem = await this.accept(ctx, app, fields, key, correction.value);
      if (problem === undefined) {
        if (!(await this.save(ctx, data, fields, [key]))) return;
        if (data.asking === key) delete data.asking;
        ctx.say(t(ctx, 'changed', { label: label(ctx, key), value: shorten(fields[key]!) }));
        return this.prompt(ctx, data, fields);
      }
      ctx.say(problem);
    }
    data.asking = key;
    return this.prompt(ctx, data, fields);
  }

  /**
   * "联系人改成韩梅梅，办公室主任，…", "联系人改为代表本人": the person block given anew. A different
   * person's name clears what belonged to the one before, and that is asked again.
   */
  private async replacePerson(
    ctx: Context,
    data: DialogData,
    app: ApplicationView,
    fields: Fields,
    person: Person,
    value: string,
  ): Promise<void> {
    const sameAs = parseSameAs(value);
    if (sameAs) {
      if (person === 'contact')
        return this.copyRepresentative(ctx, data, fields, sameAs.said === 'parts' ? sameAs.parts : PARTS);
      ctx.say(t(ctx, 'same_as_not_here'));
      return this.prompt(ctx, data, fields);
    }
    const nameKey = personField(person, 'name');
    const before = fields[nameKey];
    const accepted = await this.absorb(ctx, data, app, fields, nameKey, value, true);
    if (!accepted) return;
    // Only a new person with details of their own: "联系人改成李雅" alone mends a name.
    if (before !== undefined && accepted.includes(nameKey) && accepted.length > 1 && fields[nameKey] !== before) {
      const stale = PARTS.map((p) => personField(person, p)).filter((k) => !accepted.includes(k) && fields[k]);
      if (stale.length > 0) {
        if (!(await this.save(ctx, data, fields, [], stale))) return;
        ctx.say(t(ctx, 'person_cleared', { parts: stale.map((k) => label(ctx, k)).join(t(ctx, 'separator')) }));
      }
    }
    return this.prompt(ctx, data, fields);
  }

  /** "王磊的电话改成…": the person whose saved name the message uses, when only one of them does. */
  private namedPerson(fields: Fields, text: string): Person | undefined {
    const rep = fields.repName !== undefined && text.includes(fields.repName);
    const contact = fields.contactName !== undefined && text.includes(fields.contactName);
    if (rep === contact) return undefined;
    return rep ? 'rep' : 'contact';
  }

  /** "改一下电话": whose? The only one filled, else the person being asked about, else ask. */
  private guessPerson(fields: Fields, part: Part, data: DialogData): Person | undefined {
    const rep = Boolean(fields[personField('rep', part)]);
    const contact = Boolean(fields[personField('contact', part)]);
    if (rep !== contact) return rep ? 'rep' : 'contact';
    const asking = data.asking ?? nextEmptyField(fields);
    const person = asking ? fieldDef(asking).person : undefined;
    if (person) return person;
    return rep ? undefined : 'rep';
  }

  /**
   * A bare "同上" answers the part asked, and the parts after it still empty while the contact may
   * be the representative; once the contact has a name of their own, only the part asked.
   */
  private sameAsParts(sameAs: SameAs, fields: Fields, asked: Part | undefined): readonly Part[] {
    if (sameAs.said !== 'bare' || !asked) return sameAs.parts;
    const own = fields.contactName !== undefined && fields.contactName !== fields.repName;
    if (own) return [asked];
    return PARTS.slice(PARTS.indexOf(asked)).filter((p) => p === asked || !fields[personField('contact', p)]);
  }

  private async copyRepresentative(
    ctx: Context,
    data: DialogData,
    fields: Fields,
    parts: readonly Part[],
  ): Promise<void> {
    const copied = PARTS.filter((p) => parts.includes(p) && fields[personField('rep', p)]);
    if (copied.length === 0) {
      ctx.say(t(ctx, 'same_as_no_rep'));
      return this.prompt(ctx, data, fields);
    }
    for (const part of copied) fields[personField('contact', part)] = fields[personField('rep', part)];
    if (
      !(await this.save(
        ctx,
        data,
        fields,
        copied.map((p) => personField('contact', p)),
      ))
    )
      return;
    if (data.asking && copied.some((p) => personField('contact', p) === data.asking)) delete data.asking;
    const names = copied.map((p) => ctx.t(`application.part_${p}`)).join(t(ctx, 'separator'));
    ctx.say(t(ctx, 'same_as_done', { parts: names }));
    return this.prompt(ctx, data, fields);
  }

  private async answerQuestion(ctx: Context): Promise<void> {
    const result = await ctx.services.knowledge.answer(ctx.text);
    ctx.say(result.answer, result.citations);
    // The notice's date may have been extended by configuration: say which one applies now.
    if (/截止|期限|最晚|deadline|什么时候(交|提交|报送)/i.test(ctx.text)) {
      const deadline = this.apps.deadline ? chineseDate(this.apps.deadline.date) : t(ctx, 'deadline_none');
      ctx.say(t(ctx, 'deadline_note', { deadline }));
    }
  }

  private async submit(ctx: Context, data: DialogData): Promise<void> {
    const fields = data.fields ?? (await this.apps.get(data.applicationId))?.fields ?? {};
    this.docx ??= createDocxRenderer(ctx.services.texts);
    const render = await this.docx;
    let fileName = '';
    const document = (number: string, filed: Fields) => {
      fileName = t(ctx, 'doc_file_name', { org: fileSafe(filed.orgName ?? ''), number });
      return { name: fileName, mime: DOCX_MIME, data: render(filed, number) };
    };
    const result = await this.apps.submit(
      { id: data.applicationId, number: data.number ?? null, fields, owner: ctx.user },
      document,
    );
    if (!result.ok) {
      if (result.kind === 'gone') return this.submittedBefore(ctx, data);
      if (result.kind === 'deadline') return ctx.say(this.deadlineText(ctx));
      if (result.kind === 'org')
        return ctx.say(`${blockText(ctx, fields.orgName ?? '', result.block)}\n${t(ctx, 'submit_blocked_hint')}`);
      return this.prompt(ctx, data, fields);
    }
    this.sayDocument(ctx, data, result.application, fileName);
  }

  /**
   * The draft is no longer a draft. If this very message submitted it on an earlier try whose
   * reply was lost (the database went away before the conversation was saved, and the message is
   * being tried again — issue 16), answer as that try would have, with the document; otherwise the
   * draft really is gone.
   */
  private async submittedBefore(ctx: Context, data: DialogData): Promise<void> {
    const application = await this.apps.get(data.applicationId);
    if (application?.status !== 'submitted' || !application.number || !application.documentFileId)
      return this.draftGone(ctx);
    const fileName = t(ctx, 'doc_file_name', {
      org: fileSafe(application.fields.orgName ?? ''),
      number: application.number,
    });
    this.sayDocument(ctx, data, application, fileName);
  }

  /** Submitted: the number, the document, what to do next; the dialog waits for the stamped scan. */
  private sayDocument(ctx: Context, data: DialogData, application: ApplicationView, fileName: string): void {
    const number = application.number!;
    data.step = 'scan';
    delete data.asking;
    delete data.fields;
    const deadline = this.apps.deadline ? chineseDate(this.apps.deadline.date) : t(ctx, 'deadline_none');
    ctx.say(t(ctx, 'submitted', { number }));
    ctx.reply({
      kind: 'file',
      name: fileName,
      mime: DOCX_MIME,
      fileId: application.documentFileId!,
      caption: t(ctx, 'file_caption', { number }),
    });
    ctx.say(t(ctx, 'submitted_instructions', { deadline, howTo: this.facts.howToApply, contact: this.facts.contact }));
  }

  private async scanStep(ctx: Context, app: ApplicationView): Promise<void> {
    const text = ctx.text;
    const number = app.number ?? '';
    if (ctx.inbound.file) return this.takeScan(ctx, app);
    if (!text) return ctx.say(t(ctx, 'scan_expected'));
    if (isHelp(text)) return ctx.say(t(ctx, 'help_scan'));
    if (isStatus(text)) return this.status(ctx);
    if (isLater(text)) {
      delete ctx.session.dialog;
      return ctx.say(t(ctx, 'scan_later'));
    }
    if (isCancel(text)) return ctx.say(t(ctx, 'cancel_after_submit', { number }));
    if (isQuestion(text)) {
      await this.answerQuestion(ctx);
      return ctx.say(t(ctx, 'scan_reminder', { number }));
    }
    return ctx.say(t(ctx, 'scan_expected'));
  }

  private async takeScan(ctx: Context, app: ApplicationView): Promise<void> {
    // Received: the wait for it is over.
    if ((await receiveScan(ctx, this.apps, app)) && this.activeData(ctx)) delete ctx.session.dialog;
  }

  /** Writes the changed fields and empties `clear`; false (and the dialog ends) when the draft is gone. */
  private async save(
    ctx: Context,
    data: DialogData,
    fields: Fields,
    keys: FieldKey[],
    clear: FieldKey[] = [],
  ): Promise<boolean> {
    const patch: Fields = {};
    for (const key of keys) patch[key] = fields[key];
    const merged = await this.apps.patchFields(data.applicationId, patch, clear);
    if (!merged) {
      this.draftGone(ctx);
      return false;
    }
    data.fields = merged;
    for (const key of clear) delete fields[key];
    Object.assign(fields, merged);
    return true;
  }

  private draftGone(ctx: Context): void {
    delete ctx.session.dialog;
    ctx.say(t(ctx, 'draft_gone'));
  }

  // ── Replies ───────────────────────────────────────────────────────────────────────────────────

  /** Asks the pending field, or shows the summary when the form is complete. */
  private prompt(ctx: Context, data: DialogData, fields: Fields): void {
    askPending(ctx, data.asking, fields, this.facts.conditions);
  }

  private deadlineText(ctx: Context): string {
    return t(ctx, 'deadline_passed', { deadline: chineseDate(this.apps.deadline!.date) });
  }

  // ── State ─────────────────────────────────────────────────────────────────────────────────────

  private open(ctx: Context, app: ApplicationView): DialogData {
    const data: DialogData = {
      applicationId: app.id,
      step: 'fill',
      fields: app.fields,
      number: app.number ?? undefined,
    };
    ctx.session.dialog = { name: DIALOG_NAME, data, startedAt: ctx.services.now().toISOString() };
    return data;
  }

  private activeData(ctx: Context): DialogData | undefined {
    return ctx.session.dialog?.name === DIALOG_NAME ? (ctx.session.dialog.data as DialogData) : undefined;
  }

  private isAway(ctx: Context): boolean {
    const last = ctx.session.lastSeenAt ? Date.parse(ctx.session.lastSeenAt) : NaN;
    return Number.isFinite(last) && ctx.services.now().getTime() - last > ctx.services.config.application.resumeAfterMs;
  }
}

const fileSafe = (name: string): string => name.replace(/[\\/:*?"<>|\s]+/g, '').slice(0, 40);

/** A draft as the session remembers it: enough for the dialog, without reading the row. */
function cachedDraft(data: DialogData, fields: Fields): ApplicationView {
  const epoch = new Date(0);
  return {
    id: data.applicationId,
    number: data.number ?? null,
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

/** While asked whether to give up: does this clearly answer the field (kept), or is it talk (re-asked)? */
function readsAsAnswer(def: FieldDef, text: string): boolean {
  if (!validateField(def, text).ok) return false;
  switch (def.kind) {
    case 'phone':
    case 'email':
    case 'orgType':
      return true;
    case 'paragraphs':
      return text.length >= 20;
    case 'jobTitle':
      return TITLE_WORDS.test(text);
    case 'personName':
      // Two to four characters are as likely a short reply ("再想想") as a name.
      return false;
    default:
      return def.key === 'orgName'
        ? ORG_NAME_ENDING.test(text)
        : /\d/.test(text) && /[省市区县路街道巷村镇乡号楼]/.test(text);
  }
}
