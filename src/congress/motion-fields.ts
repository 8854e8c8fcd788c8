// The fields of a motion as the chat dialog asks them, declared once: the YAML key each one fills
// (so the same validateMotion checks it), its name, when it applies, whether it may be skipped, and
// how a phone-typed answer becomes the value a YAML file would hold. Pure: no database, no context.
import { readBeijingDateTime } from '../time/beijing-input.ts';
import { beijingInstant, formatBeijingDateTimeWeekday, isoBeijing } from '../time/beijing.ts';
import { toHalfWidth } from '../application/normalize.ts';
import { parseChineseNumber } from '../knowledge/numerals.ts';
import { DEFAULT_OPTIONS, KIND_DEFAULTS, RULES, type MotionKind, type Rule } from './rules.ts';
import { percent, type T } from './cards.ts';
import type { MOTION_KEYS } from './motion-input.ts';

export const FIELD_KEYS = [
  'kind',
  'title',
  'text',
  'member',
  'verification',
  'article',
  'new_text',
  'options',
  'opens_at',
  'closes_at',
  'rule',
  'quorum',
  'secret',
  'allow_change',
] as const satisfies readonly (typeof MOTION_KEYS)[number][];
export type FieldKey = (typeof FIELD_KEYS)[number];

/** A value as the YAML file would hold it; null: left out (the kind's default, or now). */
export type Raw = string | number | boolean | null | string[];
export type Answers = Partial<Record<FieldKey, Raw>>;
/**
 * value: understood (note: what was assumed, said with the echo). hint: not taken — with `ask`, the
 * hint is a whole question or reason of its own (「明天下午几点？」「已经过去了」), else it follows
 * 「没看懂…」.
 */
export type Parsed = { value: Raw; note?: string } | { hint: string; ask?: boolean };

export type FieldSpec = {
  key: FieldKey;
  /** How people name the field in 「改…」, longest first. */
  names: RegExp;
  applies(answers: Answers): boolean;
  /** 「跳过」「默认」 leave it out (the YAML default). */
  optional: boolean;
  /** A free text, kept as typed (no question detection beyond a question mark). */
  free?: boolean;
  parse(text: string, now: Date): Parsed;
  /** The value as stored, for the echo and the summary. */
  show(value: Raw, answers: Answers, t: T): string;
};

const bare = (text: string) =>
  toHalfWidth(text)
    .replace(/／/g, '/')
    .replace(/％/g, '%')
    .trim()
    .replace(/(?<![。.!！~～])[。.!！~～]+$/, '');

export const SKIP = /^(跳过|默认|略过|不填|用默认的?|按默认|默认的?就?行|默认即可|skip|default)$/i;

const KIND_WORDS: [RegExp, MotionKind][] = [
  [/^(1|一|amendment|(章程)?修订(章程)?|修改(章程)?|章程修改|修章|改章程|章程修正)$/i, 'amendment'],
  [/^(2|二|expulsion|除名|开除|除名动议)$/i, 'expulsion'],
  [/^(3|三|rules|细则|实施细则|(制定|修订)?细则)$/i, 'rules'],
  [/^(4|四|general|重大事项|重大|一般|其他|其他事项|一般事项|普通)$/i, 'general'],
];
/** Words that name one kind inside a longer answer (「会费细则」「重大事项表决」「开除某单位」). */
const KIND_HINTS: [RegExp, MotionKind][] = [
  [/章程.*(修订|修改|修正)|(修订|修改|修正).*章程/, 'amendment'],
  [/除名|开除/, 'expulsion'],
  [/细则/, 'rules'],
  [/重大|一般|其他|普通/, 'general'],
];

function kindOf_(input: string): Parsed {
  const s = bare(input)
    .replace(/^(选择?|选第?|第|是|就是|发起|类别|类型)[:：]?\s*/, '')
    .replace(/(个|项|类|吧|那个|这个|表决|动议)$/, '');
  const exact = KIND_WORDS.find(([re]) => re.test(s));
  if (exact) return { value: exact[1] };
  const hinted = [...new Set(KIND_HINTS.filter(([re]) => re.test(s)).map(([, kind]) => kind))];
  if (hinted.length === 1) return { value: hinted[0]! };
  return { hint: '请回复 1–4 或类别名称：章程修订、除名、细则、重大事项' };
}

const RULE_WORDS: [RegExp, Rule][] = [
  [/^(3|三|two_thirds_cast|三分之二|2\/3|三分之二多数|三分之二以上)$/i, 'two_thirds_cast'],
  [/^(2|二|majority_eligible|全体过半数?|全体成员过半数?|应到过半数?|超过全体半数)$/i, 'majority_eligible'],
  [
    /^(1|一|majority_cast|过半数?|简单多数|多数|半数|半数以上|超过半数|超过一半|一半以上|过半通过|赞成多于反对|赞成票多于反对票)$/i,
    'majority_cast',
  ],
];

const text =
  (max: number) =>
  (input: string): Parsed => {
    const value = input.trim();
    return value ? { value } : { hint: `请输入文字（不超过 ${max} 字）` };
  };

const short = (value: string, max = 80) => (value.length > max ? `${value.slice(0, max)}…` : value);

function quorumOf(input: string): Parsed {
  const s = bare(input).replace(/^(至少|不少于|不低于)/, '');
  if (/^(不设|无|没有|不要|不需要|不限|0|0%|零)$/.test(s)) return { value: 0 };
  if (/^(一半|半数|过半|过半数|二分之一|1\/2|百分之五十|五成)(以上)?$|^超过(一半|半数)$/.test(s)) return { value: 0.5 };
  if (/^(三分之二|2\/3)(以上)?$/.test(s)) return { value: 2 / 3 };
  if (/^(三分之一|1\/3)(以上)?$/.test(s)) return { value: 1 / 3 };
  if (/^(全部|全体|所有|百分之百|100%)$/.test(s)) return { value: 1 };
  const tenths = /^([一二两三四五六七八九])成(以上)?$/.exec(s);
  if (tenths) return { value: parseChineseNumber(tenths[1]!)! / 10 };
  const chinese = /^百分之([零一二两三四五六七八九十百]{1,4})(以上)?$/.exec(s);
  const n100 = chinese ? parseChineseNumber(chinese[1]!) : undefined;
  if (n100 !== undefined && n100 <= 100) return { value: n100 / 100 };
  const pct = /^(?:百分之)?(\d{1,3}(?:\.\d+)?)\s*(%)?(以上)?$/.exec(s);
  if (pct) {
    const n = Number(pct[1]);
    if (n > 100) return { hint: '比例不能超过 100%' };
    // "0.6" is a share; "60" and "60%" are percents; a bare "1"–"9" could be either: asked.
    if (!pct[2] && pct[1]!.includes('.') && n <= 1) return { value: n };
    if (!pct[2] && n >= 1 && n < 10)
      return { hint: `“${pct[1]}”是指 ${n}% 吗？请写成比例，如“${n}%”“一半”“60%”`, ask: true };
    return { value: n / 100 };
  }
  return { hint: '如“一半”“60%”“三分之二”，或“不设”' };
}

function optionsOf(input: string): Parsed {
  let list = toHalfWidth(input)
    .replace(/／/g, '/')
    .split(/[、，,；;/|\n]+|\s+/)
    // 「1. 方案一 2. 方案二」: the numbering is not an option; 「A，B，C。」: nor the full stop.
    .map((o) => o.trim())
    .filter((o) => !/^[(（]?\d{1,2}[.)）]$/.test(o))
    .map((o) => o.replace(/^[(（]?\d{1,2}[.)）](?=\D)/, '').replace(/(?<![。.!！?？])[。.!！?？]+$/, ''))
    .filter(Boolean);
  // 「方案一和方案二」「A或B」: one item naming two.
  if (list.length === 1 && /^[^和或]+(?:(和|或|还是)[^和或]+)+$/.test(list[0]!)) list = list[0]!.split(/和|或|还是/);
  const twice = list.find((o, i) => list.indexOf(o) !== i);
  if (twice) return { hint: `选项“${twice}”写了两次，选项不能重复；请重新列出全部选项`, ask: true };
  // An empty list or a single option is passed on: the validation says how many there must be.
  return { value: list };
}

const TIME_HINT = '请写日期和时间（北京时间），如“明天下午5点”“12月20日18:00”“2026-12-20 18:00”';
const showInstant = (at: Date) => `${formatBeijingDateTimeWeekday(at)}（北京时间）`;

/**
 * A typed time for opening (`start`) or closing (`end`). A day alone is taken as its first minute
 * (opening; today: now) or its last (closing), and the echo says so; 「明天下午」 is asked which
 * hour; a time already past is refused with what it was read as.
 */
function time(edge: 'start' | 'end') {
  return (input: string, now: Date): Parsed => {
    const read = readBeijingDateTime(input, now);
    if (!read) return { hint: TIME_HINT };
    if (read.kind === 'vague')
      return {
        hint: `“${input.trim()}”是几点？请写上具体时间，如“${input.trim()}${/下午|傍晚/.test(read.part) ? 5 : /晚|夜/.test(read.part) ? 8 : 9}点”（北京时间）`,
        ask: true,
      };
    let at: Date;
    let note: string | undefined;
    if (read.kind === 'day') {
      const { year, month, day } = read.day;
      at = edge === 'end' ? beijingInstant(year, month, day, 23, 59)! : beijingInstant(year, month, day, 0, 0)!;
      if (edge === 'start' && at.getTime() <= now.getTime()) return { value: null };
      note =
        edge === 'end'
          ? '（只写了日期，按当天 23:59 截止；要别的时间，回复“改截止时间为…”加上几点）'
          : '（只写了日期，按当天 0:00 开始）';
    } else at = read.at;
    // A minute's grace: 「现在」 typed as the clock time it is.
    if (at.getTime() < now.getTime() - (edge === 'start' ? 60_000 : 0))
      return {
        hint: `“${input.trim()}”是 ${showInstant(at)}，已经过去了。${edge === 'start' ? '要确认后立即开始，请回复“现在”；或写一个将来的时间' : '请写一个将来的时间'}。`,
        ask: true,
      };
    return { value: isoBeijing(at), ...(note ? { note } : {}) };
  };
}

const showTime = (value: Raw) => (typeof value === 'string' ? showInstant(new Date(value)) : String(value));
const kindOf = (answers: Answers): MotionKind => (answers.kind as MotionKind | undefined) ?? 'general';

export function ruleDefault(answers: Answers, t: T): string {
  return t(`congress.rule_${KIND_DEFAULTS[kindOf(answers)].rule}`);
}

export function quorumDefault(answers: Answers, t: T): string {
  const q = KIND_DEFAULTS[kindOf(answers)].quorum;
  return q ? t('motion-dialog.value_quorum', { percent: percent(q) }) : t('motion-dialog.value_no_quorum');
}

export const FIELDS: readonly FieldSpec[] = [
  {
    key: 'kind',
    names: /^(类别|类型|种类|表决类别)/,
    applies: () => true,
    optional: false,
    parse: kindOf_,
    show: (value, _a, t) => t(`congress.kind_${String(value)}`),
  },
  {
    key: 'title',
    names: /^(标题|题目|名称|表决标题)/,
    applies: () => true,
    optional: false,
    free: true,
    parse: text(100),
    show: (value) => String(value),
  },
  {
    key: 'text',
    names: /^(动议全文|全文|正文|内容|说明|动议内容)/,
    applies: () => true,
    optional: false,
    free: true,
    parse: text(5_000),
    show: (value, _a, t) => `${short(String(value))}${t('motion-dialog.value_chars', { count: String(value).length })}`,
  },
  {
    key: 'member',
    names: /^(被提请除名的单位|被除名(的)?单位|除名单位|成员单位|单位)/,
    applies: (a) => a.kind === 'expulsion',
    optional: false,
    free: true,
    // 「乙 单位。」 is 乙单位.
    parse: (input) =>
      text(100)(
        toHalfWidth(input)
          .replace(/\s+/g, '')
          .replace(/(?<![。.!！?？~～])[。.!！?？~～]+$/, ''),
      ),
    show: (value) => String(value),
  },
  {
    key: 'verification',
    names: /^(秘书处核实情况|核实情况|核实结果|核实)/,
    applies: (a) => a.kind === 'expulsion',
    optional: false,
    free: true,
    parse: text(2_000),
    show: (value, _a, t) => `${short(String(value))}${t('motion-dialog.value_chars', { count: String(value).length })}`,
  },
  {
    key: 'article',
    names: /^(修订条目|条目|条款|哪一?条)/,
    applies: (a) => a.kind === 'amendment',
    optional: false,
    parse: (input) => {
      const s = bare(input)
        .replace(/\s+/g, '')
        .replace(/^(章程|修订|修改)+/, '');
      return s ? { value: s } : { hint: '如“第十九条”或“19”' };
    },
    show: (value) => String(value),
  },
  {
    key: 'new_text',
    names: /^(新条文|修订条文|新的条文|新文字|修订后的?条文)/,
    applies: (a) => a.kind === 'amendment',
    optional: false,
    free: true,
    parse: text(5_000),
    show: (value) => String(value),
  },
  {
    key: 'options',
    names: /^(选项)/,
    applies: (a) => a.kind === 'general',
    optional: true,
    parse: optionsOf,
    show: (value) => (Array.isArray(value) ? value : DEFAULT_OPTIONS).join('/'),
  },
  {
    key: 'opens_at',
    names: /^(开始时间|开放时间|开始)/,
    applies: () => true,
    optional: true,
    parse: (input, now) =>
      /^(现在|立即|马上|立刻|当即|即刻|now)|^(确认|发起)后?(就|立即|马上)?开始$/i.test(bare(input))
        ? { value: null }
        : time('start')(input, now),
    show: (value, _a, t) => (value === null ? t('motion-dialog.value_now') : showTime(value)),
  },
  {
    key: 'closes_at',
    names: /^(截止时间|截至时间|结束时间|截止日期|截止|结束)/,
    applies: () => true,
    optional: false,
    parse: time('end'),
    show: showTime,
  },
  {
    key: 'rule',
    names: /^(通过规则|表决规则|规则)/,
    applies: () => true,
    optional: true,
    parse(input) {
      const s = bare(input)
        .replace(/^(按|用|要求)/, '')
        .replace(/(通过)$/, '');
      const found = RULE_WORDS.find(([re]) => re.test(s)) ?? (RULES.includes(s as Rule) ? [/./, s as Rule] : undefined);
      return found ? { value: found[1] } : { hint: '请回复 1–3 或“过半数”“全体过半”“三分之二”，或“默认”' };
    },
    show: (value, answers, t) =>
      value === null
        ? t('motion-dialog.value_default', { value: ruleDefault(answers, t) })
        : t(`congress.rule_${String(value)}`),
  },
  {
    key: 'quorum',
    names: /^(法定人数|人数要求|参会比例)/,
    applies: () => true,
    optional: true,
    parse: quorumOf,
    show: (value, answers, t) =>
      value === null
        ? t('motion-dialog.value_default', { value: quorumDefault(answers, t) })
        : typeof value === 'number' && value > 0
          ? t('motion-dialog.value_quorum', { percent: percent(value) })
          : t('motion-dialog.value_no_quorum'),
  },
  {
    key: 'secret',
    names: /^(投票方式|是否记名|记名方式|无记名|记名)/,
    applies: () => true,
    optional: true,
    parse(input) {
      // Asked as 「是否无记名投票」: yes is secret.
      const s = bare(input).replace(/投票$/, '').replace(/的$/, '');
      if (/^(无记名|不记名|匿名|秘密|保密|secret|是|是的|对|要|需要|好|好的|可以|行|yes|y)$/i.test(s))
        return { value: true };
      if (/^(记名|公开|实名|非匿名|不匿名|不保密|open|否|不|不是|不要|不用|不需要|无需|no|n)$/i.test(s))
        return { value: false };
      return { hint: '请回复“是”（无记名）或“否”（记名）' };
    },
    show: (value, _a, t) => t(value === true ? 'motion-dialog.value_secret' : 'motion-dialog.value_open'),
  },
  {
    key: 'allow_change',
    names: /^(是否允许改票|允许改票|是否改票|改票)/,
    applies: (a) => a.secret !== true,
    optional: true,
    parse(input) {
      const s = bare(input)
        .replace(/改票?$/, '')
        .replace(/了$/, '');
      if (/^(不允许|不可以|不能|不可|不行|否|不|不用|不要|不需要|无需|no|n)$/i.test(s)) return { value: false };
      if (/^(允许|可以|能|行|是|是的|可|要|需要|好|好的|对|yes|y)$/i.test(s)) return { value: true };
      return { hint: '请回复“允许”或“不允许”' };
    },
    show: (value, _a, t) => t(value === true ? 'motion-dialog.value_change' : 'motion-dialog.value_no_change'),
  },
];

export const fieldOf = (key: FieldKey): FieldSpec => FIELDS.find((f) => f.key === key)!;

/** The fields that apply to these answers, in the order they are asked. */
export const fieldsFor = (answers: Answers): FieldSpec[] => FIELDS.filter((f) => f.applies(answers));

/** The answers as a YAML file would hold them: only the fields that apply. */
export function rawOf(answers: Answers): Record<string, Raw> {
  const raw: Record<string, Raw> = {};
  for (const f of fieldsFor(answers)) if (f.key in answers) raw[f.key] = answers[f.key]!;
  return raw;
}

/** The answers left when the kind changes: what no longer applies is dropped. */
export function keepApplicable(answers: Answers): Answers {
  const keep: Answers = {};
  for (const f of fieldsFor(answers)) if (f.key in answers) keep[f.key] = answers[f.key];
  return keep;
}

/** The field a correction names: 「改截止时间为…」 → closes_at and 「为」 onward; 「改3」 by number. */
export function namedField(
  words: string,
  answers: Answers,
): { field: FieldSpec; value?: string } | { unknown: string } | undefined {
  const applicable = fieldsFor(answers);
  // 「标题写错了」「截止时间不对」: that field, asked again.
  const wrong = /^(.{1,12}?)(?:写错了|填错了|弄错了|错了|不对|有误|有错|要改|得改|需要改|改一下)$/.exec(words.trim());
  const named = wrong?.[1]!.replace(/^(?:刚才|前面|上面|之前)的?/, '').replace(/的$/, '');
  const faulty = named ? applicable.find((f) => new RegExp(`${f.names.source}$`).test(named)) : undefined;
  if (faulty) return { field: faulty };
  // 「截止时间改成下周五下午5点」: the field's name first, then the new value.
  for (const field of applicable) {
    const name = field.names.exec(words.trim());
    const to = name
      ? /^(?:改成|改为|换成|改到|延到|延长到|推迟到|提前到)(.+)$/.exec(words.trim().slice(name[0].length))
      : null;
    if (to) return { field, value: to[1]!.trim() };
  }
  const m = /^(?:我要|我想|请)?(?:修改|更改|更正|重填|重新填写?|改一下|改|换)/.exec(words.trim());
  if (!m) {
    // 「截止时间：下周五下午5点」「标题是年会地点」: a field named with its value, in any step.
    if (words.trim().length > 60) return undefined;
    for (const field of applicable) {
      const name = field.names.exec(words.trim());
      const value = name ? /^\s*(?:[:：]|是|为)\s*(\S.*)$/.exec(words.trim().slice(name[0].length)) : null;
      if (value) return { field, value: value[1]!.trim() };
    }
    return undefined;
  }
  const rest = words.trim().slice(m[0].length).trim();
  // What follows the field's name: nothing (ask it again) or 「为 / 成 / 是 / ：」 and the new value.
  const valueAfter = (after: string): { value?: string } | undefined => {
    const tail = after.trim();
    if (!tail) return {};
    return /^[为成是:：]/.test(tail) ? { value: tail.slice(1).trim() } : undefined;
  };
  const numbered = /^第?\s?(\d{1,2})(?!\d)项?/.exec(rest);
  if (numbered) {
    const field = applicable[Number(numbered[1]) - 1];
    const value = valueAfter(rest.slice(numbered[0].length));
    if (value) return field ? { field, ...value } : { unknown: numbered[1]! };
  }
  for (const field of applicable) {
    const name = field.names.exec(rest);
    const value = name ? valueAfter(rest.slice(name[0].length)) : undefined;
    if (value) return { field, ...value };
  }
  return rest && rest.length <= 10 ? { unknown: rest } : undefined;
}
