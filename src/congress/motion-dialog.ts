// 「发起表决」: the secretariat creates a motion in chat, field by field (motion-fields.ts declares
// them), each answer checked by the same validateMotion the CLI's YAML file goes through and echoed
// as stored; 「改截止时间」 or a summary number corrects a field, 「取消」 drops the draft, a charter
// question is answered and the dialog picks up. Confirming creates the motion through Congress.create:
// by 「确认」, or where buttons are clicked by 确认发起 on the summary card (motion-summary.ts).
import { z } from 'zod';
import type { Bot } from '../bot/bot.ts';
import type { ActionContext } from '../bot/actions.ts';
import type { Context } from '../bot/context.ts';
import type { Card } from '../bot/outbound.ts';
import type { Dialog } from '../bot/dialogs.ts';
import type { Next } from '../bot/router.ts';
import { normalizeInput } from '../bot/normalize-input.ts';
import { isBlank } from '../application/normalize.ts';
import { isQuestion } from '../application/intents.ts';
import { isSecretariat } from '../membership/roles.ts';
import { unitCandidates } from './unit-names.ts';
import { isCongressCommand } from './command-words.ts';
import { formatTime } from '../membership/format.ts';
import type { Congress, CongressDeps } from './motions.ts';
import type { FieldError } from './motion-input.ts';
import {
  FIELD_KEYS,
  SKIP,
  fieldOf,
  fieldsFor,
  keepApplicable,
  namedField,
  quorumDefault,
  rawOf,
  ruleDefault,
  type Answers,
  type FieldKey,
  type FieldSpec,
  type Raw,
} from './motion-fields.ts';
import {
  CANCEL_ACTION,
  CONFIRM_ACTION,
  EDIT_ACTION,
  draftOf,
  fieldLabel,
  fieldValue,
  summaryCard,
  summaryText,
} from './motion-summary.ts';

const rawValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);
const motionDialogState = z.object({
  step: z.enum(['ask', 'summary']),
  asking: z.enum(FIELD_KEYS).optional(),
  answers: z.partialRecord(z.enum(FIELD_KEYS), rawValue),
  /** The member units a loosely typed name may mean, offered by number (the member field). */
  choices: z.array(z.string()).optional(),
});
type State = z.infer<typeof motionDialogState>;

export const START_MOTION = /^(?:我要|我想|请)?(?:发起|新建|创建|新增)(?:一[个项])?(?:成员大会)?(?:表决|议题|动议)$/;
const CANCEL = /^(取消|算了|不发了|不建了|不发起了|不弄了|不搞了|退出|放弃|取消发起|取消表决|cancel)吧?$/i;
/** 「确认」「没问题，发吧」「可以」 on the summary. */
const CONFIRM =
  /^(?:(?:没问题|可以|好的?|ok|行|对)[,， ]?)?(确认|确定|确认发起|确定发起|发起|发吧|提交|确认无误|没问题|无误|没错|是的?|对的?|可以|行|好的?|ok|就这样|就这样发)吧?$/i;
/** Back one step: the field asked before this one. */
const BACK = /^(上一步|上一项|上一个|上一题|返回上一步|回到上一步|退回上一步|后退|返回|退回|back)$/i;
/** Keep what the field already holds (after 「上一步」 or 「改标题」). */
const KEEP = /^(不改了?|不用改了?|不变|保持不变|保持|维持原样|还是原来的?|就这样|原样)$/;
/** 「改一下」 without saying what. */
const EDIT = /^(?:我要|我想|请)?(?:修改|更改|改一下|改改|要改|我要改)(?:一下)?$/;
/** Back to the dialog after a pause, or 「发起表决」 again while one is open. */
const CONTINUE = /^(继续|接着填?|继续填写?|继续发起(表决)?|我回来了|回来了|到哪了|到哪一?步了|刚才到哪了)$/;
/** A pause: the draft stays (until it expires). */
const PAUSE =
  /^(暂停|等一下|等等|稍等|稍后再填|晚点再填|回头再填|先这样|一会再填|一会儿再填|待会再填|待会儿再填|先停一下)$/;
/** Picking one of the offered units. */
const YES = /^(是|是的|对|对的|就是它|没错|嗯|好|确认)$/;
/** Kept open a day after the last message; then said to have expired, the message taken as what it is. */
const EXPIRES_MS = 24 * 3_600_000;
/** Free text this long is an answer, not a question. */
const QUESTION_MAX = 60;

export type MotionDialog = { start(ctx: Context): Promise<void> };

export function registerMotionDialog(
  bot: Bot,
  congress: Congress,
  findArticle: CongressDeps['findArticle'],
): MotionDialog {
  const t = (ctx: Context, key: string, vars?: Record<string, string | number>) => ctx.t(`motion-dialog.${key}`, vars);
  const label = fieldLabel;
  const show = fieldValue;

  const prompt = (ctx: Context, state: State): string => {
    if (state.step === 'summary') return summaryText(ctx, state.answers, findArticle);
    const key = state.asking!;
    const fields = fieldsFor(state.answers);
    const at = `（${fields.findIndex((f) => f.key === key) + 1}/${fields.length}）`;
    const kind = state.answers.kind;
    const vars: Record<string, string> = {
      default: key === 'rule' ? ruleDefault(state.answers, ctx.t) : quorumDefault(state.answers, ctx.t),
    };
    let textKey = `ask_${key}`;
    if (key === 'text' && kind === 'expulsion') textKey = 'ask_text_expulsion';
    if (key === 'new_text') {
      const article = findArticle(String(state.answers.article ?? ''));
      Object.assign(vars, { article: article?.label ?? '', old: article?.text ?? '' });
    }
    return `${at}${t(ctx, textKey, vars)}`;
  };

  /** Says `before`, then the question asked, or the summary (a card where its buttons are clicked). */
  const ask = (ctx: Context, state: State, before?: string): void => {
    if (state.step === 'summary' && ctx.clickable) {
      if (before) ctx.say(before);
      ctx.reply({ kind: 'card', card: summaryCard(ctx, state.answers, findArticle) });
      return;
    }
    ctx.say(before ? `${before}\n${prompt(ctx, state)}` : prompt(ctx, state));
  };

  /** The first field still unanswered, or the summary. */
  const advance = (state: State) => {
    const next = fieldsFor(state.answers).find((f) => !(f.key in state.answers));
    state.step = next ? 'ask' : 'summary';
    state.asking = next?.key;
  };

  /** What this answer breaks: problems on its own field, or new ones on fields answered before. */
  const problems = async (ctx: Context, answers: Answers, key: FieldKey, value: Raw): Promise<string[]> => {
    const errorsOf = (r: { ok: true } | { ok: false; errors: FieldError[] }) => (r.ok ? [] : r.errors);
    const before = new Set(errorsOf(await congress.check(rawOf(answers))).map((e) => `${e.field}:${e.message}`));
    const after = keepApplicable({ ...answers, [key]: value });
    const known = new Set(Object.keys(after));
    return (
      errorsOf(await congress.check(rawOf(after)))
        .filter((e) => known.has(e.field) && (e.field === key || !before.has(`${e.field}:${e.message}`)))
        .map((e) => (e.field === key ? e.message : `${label(ctx, e.field)}：${e.message}`))
        // The YAML key means nothing in chat: the opening time as stored instead.
        .map((m) => m.replace(/ opens_at$/, `（${show(ctx, fieldOf('opens_at'), after)}）`))
    );
  };

  /**
   * A member unit typed loosely: undefined when it is an active unit's exact name (the validation
   * takes it from there), else the active units it may mean (none: nothing close).
   */
  const unitChoices = async (ctx: Context, typed: string): Promise<string[] | undefined> => {
    // Not close to any active unit: undefined too, and the validation says why (a former member, or none).
    const prisma = ctx.services.db.prisma;
    if (await prisma.member.findUnique({ where: { orgName: typed }, select: { id: true } })) return undefined;
    const active = await prisma.member.findMany({ where: { status: 'active' }, select: { orgName: true } });
    const offered = unitCandidates(
      typed,
      active.map((m) => m.orgName),
    );
    return offered.length === 0 ? undefined : offered;
  };

  const accept = async (ctx: Context, state: State, field: FieldSpec, input: string): Promise<void> => {
    let value: Raw;
    let note: string | undefined;
    if (SKIP.test(normalizeInput(input).replace(/(?<![。.!！])[。.!！]+$/, ''))) {
      if (!field.optional) return ask(ctx, state, t(ctx, 'required', { label: label(ctx, field.key) }));
      value = null;
    } else {
      const parsed = field.parse(field.free ? input : normalizeInput(input), ctx.services.now());
      if ('hint' in parsed) {
        if (parsed.ask) return ctx.say(parsed.hint);
        const shown = input.length > 30 ? `${input.slice(0, 30)}…` : input;
        return ctx.say(t(ctx, 'not_understood', { text: shown, label: label(ctx, field.key), hint: parsed.hint }));
      }
      value = parsed.value;
      note = parsed.note;
    }
    if (field.key === 'member' && typeof value === 'string') {
      const offered = await unitChoices(ctx, value);
      if (offered) {
        state.choices = offered;
        const list = offered.map((name, i) => `${i + 1}. ${name}`).join('\n');
        return ctx.say(t(ctx, offered.length === 1 ? 'member_one' : 'member_which', { text: value, list }));
      }
    }
    const found = await problems(ctx, state.answers, field.key, value);
    if (found.length > 0) {
      // A time refused for its relation to the other one: say what it was read as.
      const readAs =
        (field.key === 'closes_at' || field.key === 'opens_at') && value !== null
          ? t(ctx, 'read_as', { text: input.trim(), value: field.show(value, state.answers, ctx.t) })
          : '';
      return ctx.say(t(ctx, 'rejected', { label: label(ctx, field.key), problems: found.join('；') }) + readAs);
    }
    state.choices = undefined;
    // 「19」 is stored as the charter names it: 第十九条.
    if (field.key === 'article' && typeof value === 'string') value = findArticle(value)?.label ?? value;
    const had = Object.keys(state.answers) as FieldKey[];
    state.answers = keepApplicable({ ...state.answers, [field.key]: value });
    // 类别 changed: what the new kind does not have is said to be gone (选项 of a general matter …).
    const gone = had.filter((k) => k !== field.key && !(k in state.answers));
    if (gone.length > 0)
      note = `${note ?? ''}${t(ctx, 'dropped', { labels: gone.map((k) => label(ctx, k)).join('、') })}`;
    advance(state);
    ask(
      ctx,
      state,
      t(ctx, 'stored', { label: label(ctx, field.key), value: show(ctx, field, state.answers) }) + (note ?? ''),
    );
  };

  /** The summary card, its buttons gone, saying how it ended. */
  const settledCard = (ctx: Context, answers: Answers, line: string): Card => {
    const card = summaryCard(ctx, answers, findArticle);
    return { ...card, lines: [...(card.lines ?? []).slice(0, -1), line], buttons: undefined };
  };

  const create = async (ctx: Context, state: State): Promise<void> => {
    // The role may have been revoked while the dialog was open.
    if (!(await isSecretariat(ctx.services.db.prisma, ctx.user))) {
      dialog.leave(ctx);
      return ctx.say(ctx.t('congress.not_secretariat'));
    }
    // An opening time that has passed while the draft waited: asked, not opened at once unasked.
    const opens = state.answers.opens_at;
    if (typeof opens === 'string' && new Date(opens).getTime() <= ctx.services.now().getTime()) {
      const was = show(ctx, fieldOf('opens_at'), state.answers);
      Object.assign(state, { step: 'ask', asking: 'opens_at' });
      return ask(ctx, state, t(ctx, 'opens_passed', { value: was }));
    }
    const result = await congress.create(ctx.user, rawOf(state.answers));
    if (!result.ok) {
      // Nothing is dropped: the first field at fault is asked again, the rest stays as it was.
      const list = result.errors.map((e) => `${label(ctx, e.field)}：${e.message}`).join('；');
      const first = result.errors.map((e) => e.field).find((f) => (FIELD_KEYS as readonly string[]).includes(f));
      if (first) Object.assign(state, { step: 'ask', asking: first });
      return ask(ctx, state, t(ctx, 'problems_at_confirm', { problems: list }));
    }
    dialog.leave(ctx);
    const m = result.motion;
    const done =
      m.status === 'open'
        ? t(ctx, 'created_open', {
            number: m.number,
            title: m.title,
            eligible: m.eligibleCount,
            closesAt: formatTime(m.closesAt),
          })
        : t(ctx, 'created_draft', {
            number: m.number,
            title: m.title,
            opensAt: formatTime(m.opensAt),
            closesAt: formatTime(m.closesAt),
          });
    if (ctx.inbound.action) ctx.replaceCard(settledCard(ctx, state.answers, done));
    ctx.say(done);
  };

  const resume = async (ctx: Context, state: State, next: Next): Promise<void> => {
    const input = (ctx.text ?? '').trim();
    const text = normalizeInput(input).replace(/(?<![。.!！])[。.!！]+$/, '');
    if (CANCEL.test(text)) {
      dialog.leave(ctx);
      return ctx.say(t(ctx, 'cancelled'));
    }
    // 「表决状态 3」「投票 3 赞成」 halfway through: done, and the draft waits (nothing lost).
    if (isCongressCommand(text)) {
      await next();
      return ctx.say(t(ctx, 'still_open'));
    }
    if (CONTINUE.test(text)) return ask(ctx, state, t(ctx, 'picks_up'));
    if (START_MOTION.test(text)) return ask(ctx, state, t(ctx, 'resumed'));
    if (PAUSE.test(text)) return ctx.say(t(ctx, 'paused'));
    const field = state.step === 'ask' && state.asking ? fieldOf(state.asking) : undefined;
    // Units offered at the member step mean nothing at another (after 上一步 or 改标题).
    if (field?.key !== 'member') state.choices = undefined;
    // One of the units offered for a loosely typed name: by number, or 「是」 when one was offered.
    if (field?.key === 'member' && state.choices?.length) {
      const n = /^第?\s*(\d{1,2})\s*[个项家]?$/.exec(text);
      const picked = n
        ? state.choices[Number(n[1]) - 1]
        : state.choices.length === 1 && YES.test(text)
          ? state.choices[0]
          : undefined;
      if (picked) return accept(ctx, state, field, picked);
      if (n) return ctx.say(t(ctx, 'member_pick_range', { count: state.choices.length }));
    }
    if (BACK.test(text)) {
      const fields = fieldsFor(state.answers);
      const at = state.step === 'summary' ? fields.length : fields.findIndex((f) => f.key === state.asking);
      if (at <= 0) return ask(ctx, state, t(ctx, 'back_first'));
      Object.assign(state, { step: 'ask', asking: fields[at - 1]!.key });
      return ask(ctx, state, t(ctx, 'back', current(ctx, state)));
    }
    if (field && !(field.key in state.answers) && KEEP.test(text))
      return ask(ctx, state, t(ctx, 'nothing_to_keep', { label: label(ctx, field.key) }));
    if (field && field.key in state.answers && KEEP.test(text)) {
      advance(state);
      return ask(ctx, state, t(ctx, 'kept', { label: label(ctx, field.key), value: show(ctx, field, state.answers) }));
    }
    // 「，，，」 as the options is an empty list (the validation says how many there must be).
    if (ctx.inbound.file || (isBlank(input) && !(field?.key === 'options' && input)))
      return ask(ctx, state, t(ctx, 'empty'));

    // 「改截止时间」「改截止时间为明天下午5点」「改3」. While a free text is asked, only a named field
    // counts (a title may well begin with 修改).
    // An answer the asked field understands (「修改章程」 as the kind) is an answer, not a correction.
    const answers = field && !field.free && !('hint' in field.parse(text, ctx.services.now()));
    if (!answers && EDIT.test(text)) return ask(ctx, state, t(ctx, 'edit_which'));
    const named = input.length <= 200 && !answers ? namedField(text, state.answers) : undefined;
    if (named && !(field?.free && 'unknown' in named)) {
      if ('unknown' in named)
        return ctx.say(
          t(ctx, 'unknown_field', {
            text: named.unknown,
            labels: fieldsFor(state.answers)
              .map((f) => label(ctx, f.key))
              .join('、'),
          }),
        );
      if (named.value !== undefined) return accept(ctx, state, named.field, named.value);
      Object.assign(state, { step: 'ask', asking: named.field.key });
      return named.field.key in state.answers
        ? ask(ctx, state, t(ctx, 'current', current(ctx, state)))
        : ask(ctx, state);
    }

    if (state.step === 'summary') {
      if (CONFIRM.test(text)) return create(ctx, state);
      const n = /^第?\s*(\d{1,2})\s*项?$/.exec(text);
      const chosen = n ? fieldsFor(state.answers)[Number(n[1]) - 1] : undefined;
      if (chosen) {
        Object.assign(state, { step: 'ask', asking: chosen.key });
        return ask(ctx, state);
      }
      if (isQuestion(text)) return dialog.answerQuestion(ctx, state);
      return ctx.say(t(ctx, 'summary_again'));
    }
    if (!field) return ask(ctx, advanceTo(state));

    // A question mid-way: a loose field (anything could be its value) asks first, a strict one
    // tries the answer first. A unit's name is told from a question the way a charter question is
    // (「章程第十九条怎么说」 is no unit; 「某某教育局」 is no question).
    // An article's label alone (「第十九条」「章程第19条」「19」, even one the charter lacks) is an answer;
    // 「第十九条怎么说」 a question.
    const articleLabel =
      field.key === 'article' && /^(?:章程|修订|修改)*第?\s*[\d零〇一二两三四五六七八九十百]+\s*条?$/.test(text);
    const strict = field.key === 'member' || (field.key === 'article' && !articleLabel);
    const loose = !strict && (field.free || field.key === 'options');
    const asked = !articleLabel && input.length <= QUESTION_MAX && isQuestion(text, loose);
    if (asked && (loose || strict || 'hint' in field.parse(text, ctx.services.now())) && !SKIP.test(text))
      return dialog.answerQuestion(ctx, state);
    return accept(ctx, state, field, input);
  };

  const advanceTo = (state: State): State => (advance(state), state);

  /** The asked field's label and value now, for 「上一步」 and 「改标题」. */
  const current = (ctx: Context, state: State) => {
    const f = fieldOf(state.asking!);
    return {
      label: label(ctx, f.key),
      value: f.key in state.answers ? show(ctx, f, state.answers) : t(ctx, 'value_none'),
    };
  };

  const dialog: Dialog<State> = bot.dialog({
    name: 'motion-create',
    version: 1,
    schema: motionDialogState,
    expiresAfterMs: EXPIRES_MS,
    expiredText: 'motion-dialog.expired',
    // A day from the last answer, not from the start: a draft paused overnight is still there.
    resume: (ctx, state, next) => resume(ctx, dialog.enter(ctx, state), next),
    afterQuestion: (ctx, state) => ask(ctx, state, t(ctx, 'picks_up')),
  });

  /** A summary card's button: acts on the open draft when the card shows it as it is now. */
  const onCard =
    (run: (ctx: ActionContext, state: State) => Promise<void> | void) =>
    async (ctx: ActionContext): Promise<void> => {
      const state = dialog.liveState(ctx);
      const stale = (key: string) => {
        ctx.replaceCard({ title: t(ctx, 'summary_title'), lines: [t(ctx, key)] });
        ctx.say(t(ctx, key));
      };
      if (!state) return stale('card_gone');
      if (ctx.action.value.draft !== draftOf(state.answers)) {
        stale('card_changed');
        return ask(ctx, state);
      }
      return run(ctx, state);
    };
  bot.action(
    CONFIRM_ACTION,
    onCard((ctx, state) => create(ctx, state)),
  );
  bot.action(
    EDIT_ACTION,
    onCard((ctx) => ctx.say(t(ctx, 'edit_which'))),
  );
  bot.action(
    CANCEL_ACTION,
    onCard((ctx, state) => {
      dialog.leave(ctx);
      ctx.replaceCard(settledCard(ctx, state.answers, t(ctx, 'cancelled')));
      ctx.say(t(ctx, 'cancelled'));
    }),
  );

  return {
    async start(ctx) {
      if (!(await isSecretariat(ctx.services.db.prisma, ctx.user))) return ctx.say(ctx.t('congress.not_secretariat'));
      const state = dialog.enter(ctx, { step: 'ask', asking: 'kind', answers: {} });
      ask(ctx, state, t(ctx, 'start'));
    },
  };
}
