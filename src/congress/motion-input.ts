// A motion as the secretariat writes it (the YAML file of `motions create`, or the chat dialog),
// checked field by field. Every problem is reported with its field; nothing is created unless all
// fields are right.
import { DEFAULT_OPTIONS, KIND_DEFAULTS, KINDS, RULES, type MotionKind, type Rule } from './rules.ts';

export type MotionDraft = {
  kind: MotionKind;
  title: string;
  text: string;
  opensAt: Date;
  closesAt: Date;
  rule: Rule;
  quorum: number | null;
  secret: boolean;
  allowChange: boolean;
  showCounts: boolean;
  options: string[];
  /** expulsion: the unit */
  member?: { id: string; orgName: string };
  /** expulsion: the secretariat's verification (核实情况) */
  verification?: string;
  /** amendment */
  article?: { label: string; oldText: string; newText: string };
};

export type FieldError = { field: string; message: string };

export type InputLookups = {
  now: Date;
  /** An active member unit by its name. */
  findMember(orgName: string): Promise<{ id: string; orgName: string; status: string } | undefined>;
  /** The charter's current wording of an article (`第十九条`, `19`, `十九`). */
  findArticle(label: string): { label: string; text: string } | undefined;
};

export const MOTION_KEYS = [
  'kind',
  'title',
  'text',
  'opens_at',
  'closes_at',
  'rule',
  'quorum',
  'secret',
  'allow_change',
  'show_counts',
  'options',
  'member',
  'verification',
  'article',
  'new_text',
] as const;

const TITLE_MAX = 100;
const TEXT_MAX = 5_000;
const VERIFICATION_MAX = 2_000;
const OPTION_MAX = 20;
const OPTIONS_MAX = 10;
/** ISO 8601 date and time with an explicit offset: a deadline must not depend on the server's zone. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export async function validateMotion(
  raw: unknown,
  lookups: InputLookups,
): Promise<{ ok: true; value: MotionDraft } | { ok: false; errors: FieldError[] }> {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: '(file)', message: '应是键值对（YAML 映射），如 kind: general' }] };
  }
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input))
    if (!(MOTION_KEYS as readonly string[]).includes(key))
      fail(key, `不认识的字段；可用的字段：${MOTION_KEYS.join('、')}`);

  const kind = input.kind;
  const kindOk = typeof kind === 'string' && (KINDS as readonly string[]).includes(kind);
  if (!kindOk)
    fail('kind', `应是 ${KINDS.join('、')} 之一${kind === undefined ? '（缺少）' : `（实际“${String(kind)}”）`}`);

  const title = textField(input.title, 'title', TITLE_MAX, fail);
  const text = textField(input.text, 'text', TEXT_MAX, fail);

  const opensAt =
    input.opens_at === undefined || input.opens_at === null ? lookups.now : time(input.opens_at, 'opens_at', fail);
  const closesAt =
    input.closes_at === undefined
      ? (fail('closes_at', '缺少截止时间，如 2026-12-31T18:00:00+08:00'), undefined)
      : time(input.closes_at, 'closes_at', fail);
  if (closesAt && closesAt.getTime() <= lookups.now.getTime()) fail('closes_at', '截止时间已过');
  else if (opensAt && closesAt && closesAt.getTime() <= opensAt.getTime())
    fail('closes_at', '截止时间应晚于开始时间 opens_at');

  const defaults = kindOk ? KIND_DEFAULTS[kind as MotionKind] : KIND_DEFAULTS.general;
  let rule: Rule = defaults.rule;
  if (input.rule !== undefined && input.rule !== null) {
    if (typeof input.rule === 'string' && (RULES as readonly string[]).includes(input.rule)) rule = input.rule as Rule;
    else fail('rule', `应是 ${RULES.join('、')} 之一（实际“${String(input.rule)}”）`);
  }
  let quorum = defaults.quorum;
  if (input.quorum !== undefined && input.quorum !== null) {
    if (typeof input.quorum === 'number' && Number.isFinite(input.quorum) && input.quorum >= 0 && input.quorum <= 1)
      quorum = input.quorum === 0 ? null : input.quorum;
    else fail('quorum', `应是 0 到 1 之间的比例，如 0.5（实际“${String(input.quorum)}”）`);
  }
  const secret = flag(input.secret, 'secret', fail);
  const allowChange = flag(input.allow_change, 'allow_change', fail);
  const showCounts = flag(input.show_counts, 'show_counts', fail);
  if (secret && allowChange)
    fail('allow_change', '无记名投票投出后不能更改，secret 为 true 时 allow_change 不能为 true');

  let options: string[] = [...DEFAULT_OPTIONS];
  if (input.options !== undefined && input.options !== null) {
    const list = input.options;
    if (!Array.isArray(list) || list.some((o) => typeof o !== 'string' && typeof o !== 'number'))
      fail('options', '应是选项列表，如 [方案一, 方案二, 弃权]');
    else {
      const given = list.map((o) => String(o).trim());
      if (given.some((o) => !o || o.length > OPTION_MAX)) fail('options', `每个选项应有 1–${OPTION_MAX} 个字`);
      else if (new Set(given).size !== given.length) fail('options', '选项不能重复');
      else if (given.length < 2 || given.length > OPTIONS_MAX) fail('options', `应有 2–${OPTIONS_MAX} 个选项`);
      else if (kindOk && kind !== 'general' && given.join('/') !== DEFAULT_OPTIONS.join('/'))
        fail(
          'options',
          `只有 general（重大事项）可以自定选项；${String(kind)} 的选项固定为 ${DEFAULT_OPTIONS.join('/')}`,
        );
      else options = given;
    }
  }

  let member: MotionDraft['member'];
  let verification: string | undefined;
  if (kind === 'expulsion') {
    if (typeof input.member !== 'string' || !input.member.trim()) fail('member', '除名动议应写明被除名的成员单位名称');
    else {
      const found = await lookups.findMember(input.member.trim());
      if (!found) fail('member', `没有名为“${input.member.trim()}”的成员单位`);
      else if (found.status !== 'active') fail('member', `“${found.orgName}”已不是联盟成员（${found.status}）`);
      else member = { id: found.id, orgName: found.orgName };
    }
    verification = textField(
      input.verification,
      'verification',
      VERIFICATION_MAX,
      fail,
      '除名动议应写明秘书处核实的情况（第十九条：经秘书处核实）',
    );
  } else {
    if (input.member !== undefined) fail('member', '只有 expulsion（除名）动议需要 member');
    if (input.verification !== undefined) fail('verification', '只有 expulsion（除名）动议需要 verification');
  }

  let article: MotionDraft['article'];
  if (kind === 'amendment') {
    const label =
      typeof input.article === 'string' || typeof input.article === 'number' ? String(input.article).trim() : '';
    const found = label ? lookups.findArticle(label) : undefined;
    if (!label) fail('article', '章程修订应写明修订的条目，如 第十九条');
    else if (!found) fail('article', `章程中没有“${label}”`);
    const newText = textField(input.new_text, 'new_text', TEXT_MAX, fail);
    if (found && newText !== undefined) {
      if (newText === found.text.trim()) fail('new_text', '新条文与现行条文相同');
      else article = { label: found.label, oldText: found.text, newText };
    }
  } else {
    if (input.article !== undefined) fail('article', '只有 amendment（章程修订）动议需要 article');
    if (input.new_text !== undefined) fail('new_text', '只有 amendment（章程修订）动议需要 new_text');
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      kind: kind as MotionKind,
      title: title!,
      text: text!,
      opensAt: opensAt!,
      closesAt: closesAt!,
      rule,
      quorum,
      secret,
      allowChange,
      showCounts,
      options,
      member,
      verification,
      article,
    },
  };
}

function textField(
  value: unknown,
  field: string,
  max: number,
  fail: (f: string, m: string) => void,
  missing = '缺少（必填）',
): string | undefined {
  if (typeof value !== 'string' || !value.trim()) {
    fail(field, value === undefined ? missing : '应是非空文字');
    return undefined;
  }
  const text = value.trim();
  if (text.length > max) {
    fail(field, `不超过 ${max} 字（实际 ${text.length} 字）`);
    return undefined;
  }
  return text;
}

function time(value: unknown, field: string, fail: (f: string, m: string) => void): Date | undefined {
  // YAML 1.1 readers turn timestamps into Dates; ours reads strings, but accept both.
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value !== 'string' || !ISO_WITH_OFFSET.test(value.trim())) {
    fail(field, `应是带时区的 ISO 8601 时间，如 2026-12-31T18:00:00+08:00（实际“${String(value)}”）`);
    return undefined;
  }
  const parsed = new Date(
    value
      .trim()
      .replace(' ', 'T')
      .replace(/([+-]\d{2})(\d{2})$/, '$1:$2'),
  );
  if (Number.isNaN(parsed.getTime())) {
    fail(field, `不是有效的时间（实际“${value}”）`);
    return undefined;
  }
  return parsed;
}

function flag(value: unknown, field: string, fail: (f: string, m: string) => void): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  fail(field, `应是 true 或 false（实际“${String(value)}”）`);
  return false;
}
