// The application dialog as a table of steps. Each step reads one message top to bottom and
// decides: reply, change the state, or call an effect (dialog-effects.ts). The state's `step` plus
// whether a field is pending picks the step (dialog-state.ts, stepOf):
//   field          a field is asked (or being changed): the message is its answer, a correction, …
//   summary        every field is filled: "确认提交" submits, anything else is a correction or talk
//   confirmGiveUp  "放弃申请?" was asked: yes gives up, anything else calls it off
//   whose          "改一下电话" — whose phone? the representative's or the contact person's
//   scan           submitted: waiting for the stamped scan of the signed form
import { looksLikeInstruction } from '../knowledge/injection.ts';
import { recordUnplaced } from '../knowledge/learned.ts';
import { correctedField, profileContinuation, unnamedCorrectionValue } from './corrections.ts';
import {
  copyRepresentative,
  absorb,
  correct,
  namedPerson,
  readsAsAnswer,
  sameAsParts,
  takeAnswer,
} from './dialog-answers.ts';
import { prompt, type StepName, type Turn } from './dialog-state.ts';
import { fieldDef, filledCount, nextEmptyField, personField, type Person } from './form.ts';
import {
  isCancel,
  isConfirm,
  isGreeting,
  isHelp,
  isLater,
  isNevermind,
  isNo,
  isPause,
  isPlainAgreement,
  isBareFieldHelp,
  isBoxWithParticle,
  isQuestion,
  isResume,
  isSkip,
  isStart,
  isStatus,
  isStrongInstruction,
  isYes,
  parseCorrection,
  parseSameAs,
  personDetails,
} from './intents.ts';
import { label, shorten, t, TOTAL } from './replies.ts';
import { validateField } from './validate.ts';
import { PERSON_WORDS } from './vocabulary.ts';

type Step = (turn: Turn) => Promise<void>;

export const STEPS: Record<StepName, Step> = {
  async field(turn) {
    if (await notAnAnswer(turn)) return;
    return answerField(turn);
  },

  async summary(turn) {
    if (await notAnAnswer(turn)) return;
    return answerSummary(turn);
  },

  async confirmGiveUp(turn) {
    if (await notText(turn)) return;
    const { ctx, state, text, current } = turn;
    if (isYes(text) || isCancel(text)) return turn.fx.giveUp(turn);
    state.step = 'fill';
    ctx.say(t(ctx, 'cancel_aborted'));
    // Only what clearly answers the field asked is kept ("贵州省安顺市西秀区1号"); "继续填写",
    // "我再考虑考虑" and the like just call the cancel off.
    if (isResume(text) || isNo(text) || !current || !readsAsAnswer(fieldDef(current), text)) return prompt(turn);
    return STEPS.field(turn);
  },

  async whose(turn) {
    if (await notAnAnswer(turn)) return;
    const { ctx, state, fields, text } = turn;
    const clarify = state.clarify;
    const person: Person | undefined = PERSON_WORDS.contact.test(text)
      ? 'contact'
      : PERSON_WORDS.rep.test(text)
        ? 'rep'
        : namedPerson(fields, text, state.self?.name);
    if (clarify && person) {
      state.step = 'fill';
      delete state.clarify;
      // "联系人的，13912345678": the new value may come with the answer.
      const names = [fields.repName, fields.contactName].filter((n): n is string => Boolean(n));
      let rest = text.replace(/(单位)?(成员代表|代表|委托人|联系人)(的)?/g, '');
      for (const name of names) rest = rest.split(`${name}的`).join('').split(name).join('');
      rest = rest.replace(/^[\s，,。.:：是]+|(?<![\s，,。.])[\s，,。.]+$/g, '');
      const value = clarify.value ?? ([...rest].length >= 2 ? rest : undefined);
      return correct(turn, { field: personField(person, clarify.part), value });
    }
    if (clarify && isNevermind(text)) {
      state.step = 'fill';
      delete state.clarify;
      ctx.say(t(ctx, 'change_dropped_empty'));
      return prompt(turn);
    }
    // The new value came before saying whose it is: keep it and ask again. Anything else that is
    // not a question or a command does not replace a value already given.
    if (clarify && !isQuestion(text) && !isConfirm(text) && !parseCorrection(text)) {
      if (validateField(fieldDef(personField('rep', clarify.part)), text).ok) clarify.value = text;
      return ctx.say(t(ctx, 'clarify_person', { part: ctx.t(`application.part_${clarify.part}`) }));
    }
    state.step = 'fill';
    delete state.clarify;
    return turn.current ? answerField(turn) : answerSummary(turn);
  },

  async scan(turn) {
    const { ctx, text } = turn;
    const number = turn.app.number ?? '';
    if (ctx.inbound.file) return turn.fx.takeScan(ctx, turn.app);
    if (!text) return ctx.say(t(ctx, 'scan_expected'));
    if (isHelp(text)) return ctx.say(t(ctx, 'help_scan'));
    if (isStatus(text)) return turn.fx.status(ctx);
    if (isLater(text)) {
      turn.fx.leave(ctx);
      return ctx.say(t(ctx, 'scan_later'));
    }
    if (isCancel(text)) return ctx.say(t(ctx, 'cancel_after_submit', { number }));
    if (isQuestion(text)) {
      await turn.fx.answerQuestion(ctx, turn.state);
      return ctx.say(t(ctx, 'scan_reminder', { number }));
    }
    return ctx.say(t(ctx, 'scan_expected'));
  },
};

/** A file or an empty message while the form is open: said so, and the question asked again. */
async function notText(turn: Turn): Promise<boolean> {
  const { ctx } = turn;
  if (!ctx.inbound.file && turn.text) return false;
  ctx.say(t(ctx, ctx.inbound.file ? 'file_not_expected' : 'empty_answer'));
  prompt(turn);
  return true;
}

/**
 * What may be said at any step of the form instead of an answer: help, status, pause, "算了",
 * skip, give up, "继续", and instructions aimed at the bot. True when the message was one of them.
 */
async function notAnAnswer(turn: Turn): Promise<boolean> {
  if (await notText(turn)) return true;
  const { ctx, state, fields, text, short, current, long } = turn;
  if (short && isHelp(text)) {
    ctx.say(t(ctx, 'help'));
    prompt(turn);
    return true;
  }
  if (short && isStatus(text)) {
    await turn.fx.status(ctx);
    prompt(turn);
    return true;
  }
  if (short && isPause(text)) {
    ctx.say(t(ctx, 'paused', { filled: filledCount(fields), total: TOTAL }));
    return true;
  }
  if (short && state.asking && isNevermind(text)) {
    // "算了，还是写综合科科长吧": a change after all, to this.
    const instead = /(?:还是|就)(?:写|填|用|改成|改为)(?:成|为)?[:：]?\s*(\S.*?)(?<![吧。.!！])[吧。.!！]*$/.exec(
      text,
    )?.[1];
    if (instead && validateField(fieldDef(state.asking), instead).ok) {
      await correct(turn, { field: state.asking, value: instead });
      return true;
    }
    const kept = state.asking;
    delete state.asking;
    ctx.say(
      fields[kept]
        ? t(ctx, 'change_dropped', { label: label(ctx, kept), value: shorten(fields[kept]) })
        : t(ctx, 'change_dropped_empty'),
    );
    prompt(turn);
    return true;
  }
  if (short && isSkip(text) && !isQuestion(text)) {
    ctx.say(t(ctx, 'skip_not_possible'));
    prompt(turn);
    return true;
  }
  if (short && isCancel(text) && !isQuestion(text)) {
    state.step = 'confirmCancel';
    ctx.say(t(ctx, 'cancel_confirm', { filled: filledCount(fields) }));
    return true;
  }
  if (short && (isResume(text) || isStart(text) || isGreeting(text))) {
    ctx.say(t(ctx, isAway(turn) ? 'welcome_back' : 'already_filling', { filled: filledCount(fields), total: TOTAL }));
    prompt(turn);
    return true;
  }
  // The broad check would also catch free text ("在教育信息化中扮演…") and addresses like prompt@…;
  // there only instructions aimed at the bot count.
  const freeText = long || (current !== undefined && fieldDef(current).kind === 'email' && text.includes('@'));
  if (isStrongInstruction(text) || (!freeText && looksLikeInstruction(text))) {
    ctx.say(t(ctx, 'instruction_refused'));
    prompt(turn);
    return true;
  }
  return false;
}

/** A field is asked: a correction, "同上", a question, or else the answer. */
async function answerField(turn: Turn): Promise<void> {
  if (await changeOrSameAs(turn)) return;
  const { ctx, state, fields, text, short, long } = turn;
  // Everything is filled: "确认提交" submits, even while a change was asked for and not given.
  if (isConfirm(text) && !nextEmptyField(fields)) {
    delete state.asking;
    return turn.fx.submit(ctx, state);
  }
  if (short && isConfirm(text)) {
    ctx.say(t(ctx, 'not_finished', { filled: filledCount(fields), total: TOTAL }));
    return prompt(turn);
  }
  // "教育部门嘛", "企业吧": one of the boxes with a particle after it answers, it does not ask.
  if (fieldDef(turn.current!).kind === 'orgType' && isBoxWithParticle(text))
    return takeAnswer(turn, turn.current!, text);
  if (isQuestion(text, long)) return question(turn);
  if (isAway(turn)) return welcomeBack(turn);
  // The representative's or contact's details where the profile is asked: theirs, not the profile.
  const person = long ? personDetails(text) : undefined;
  if (person) return takeAnswer(turn, personField(person, 'name'), text);
  return takeAnswer(turn, turn.current!, text);
}

/** The form is complete: "确认提交" submits; a correction, "同上" or a question is taken. */
async function answerSummary(turn: Turn): Promise<void> {
  if (await changeOrSameAs(turn)) return;
  const { ctx, text } = turn;
  if (isConfirm(text) || isPlainAgreement(text)) return turn.fx.submit(ctx, turn.state);
  if (isQuestion(text)) return question(turn);
  if (isAway(turn)) return welcomeBack(turn);
  await recordUnplaced(ctx.services.db.prisma, 'dialog_unplaced', text, ctx.inbound.channel);
  ctx.say(t(ctx, 'summary_waiting'));
  return prompt(turn);
}

/** "电话改成…" or "联系人同上": true when the message was one of them (and was taken). */
async function changeOrSameAs(turn: Turn): Promise<boolean> {
  const { ctx, fields, text, short, current } = turn;
  const correction = short ? parseCorrection(text) : undefined;
  if (correction) {
    await correct(turn, correction);
    return true;
  }
  // More of the profile just given ("另外，…"), or a correction that names no field ("不对，是…"):
  // it mends what the last answer filled.
  const lastAnswered = turn.state.lastAnswered;
  const more = fields.orgProfile && lastAnswered?.includes('orgProfile') ? profileContinuation(text) : undefined;
  if (more) {
    await correct(turn, { field: 'orgProfile', value: `${fields.orgProfile}${more}` });
    return true;
  }
  const unnamed = short && lastAnswered?.length ? unnamedCorrectionValue(text) : undefined;
  if (unnamed !== undefined) {
    const field = unnamed ? correctedField(unnamed, lastAnswered!, fields) : lastAnswered!.at(-1);
    if (field) {
      await correct(turn, { field, value: unnamed || undefined });
      return true;
    }
  }
  const currentDef = current ? fieldDef(current) : undefined;
  const sameAs = short && !isQuestion(text) ? parseSameAs(text) : undefined;
  if (sameAs && (currentDef?.person === 'contact' || /联系人/.test(text))) {
    // "同上，邮箱是…" or the representative's details, then "联系人同上": take the rest first.
    if (sameAs.rest && !(await absorb(turn, current ?? 'contactName', sameAs.rest))) return true;
    const asked = currentDef?.person === 'contact' ? currentDef.part : undefined;
    await copyRepresentative(turn, sameAsParts(sameAs, fields, asked));
    return true;
  }
  if (sameAs && currentDef?.person === 'rep') {
    // "我就是代表，王磊": the rest is the answer. A bare "同上" is for the contact person; here it
    // would be stored as the representative's name.
    if (sameAs.rest) await takeAnswer(turn, current!, sameAs.rest);
    else {
      ctx.say(t(ctx, 'same_as_not_here'));
      prompt(turn);
    }
    return true;
  }
  return false;
}

/** A question mid-form is answered, and the form picks up where it was. */
async function question(turn: Turn): Promise<void> {
  // "这里填谁": what the field asked wants is in its own prompt, said again below.
  if (turn.current && isBareFieldHelp(turn.text)) {
    turn.ctx.say(t(turn.ctx, 'field_help', { label: label(turn.ctx, turn.current) }));
    return prompt(turn);
  }
  await turn.fx.answerQuestion(turn.ctx, turn.state);
  turn.ctx.say(t(turn.ctx, 'question_then'));
  return prompt(turn);
}

/** Back after a long time: show where they are before taking anything as an answer. Commands,
 *  corrections and questions are clear enough to act on at once. */
function welcomeBack(turn: Turn): void {
  turn.ctx.say(t(turn.ctx, 'welcome_back', { filled: filledCount(turn.fields), total: TOTAL }));
  prompt(turn);
}

function isAway(turn: Turn): boolean {
  const { ctx } = turn;
  const last = ctx.session.lastSeenAt ? Date.parse(ctx.session.lastSeenAt) : NaN;
  return Number.isFinite(last) && ctx.services.now().getTime() - last > ctx.services.config.application.resumeAfterMs;
}
