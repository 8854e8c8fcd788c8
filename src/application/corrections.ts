// "不对不对，是贵阳市第二中学，写错了", "刚才打错了，应该是…", "更正：…", "上一项填错了，改成…": a
// correction that does not name its field mends the field answered last — never the next one.
import { FIELD_WORDS, PERSON_WORDS } from './vocabulary.ts';
import { FIELD_KEYS, fieldDef, ORG_TYPES, type FieldKey } from './form.ts';
import { validateField } from './validate.ts';

const CUE =
  /不对|写错|打错|填错|输错|说错|弄错|搞错|错了|更正|纠正|少写了|多写了|漏了|写漏|不是这个|上一项|上一个|前一项|刚才那个|刚刚那个/;
// A clause that only says something was wrong ("不对不对", "刚才打错了", "上一项填错了", "少写了").
const CUE_ONLY =
  /^(?:哦|啊|呃|哎|唉|不好意思|抱歉|sorry)?(?:不对|刚才|刚刚|上一项|上一个|前一项|前面|那个|这个|我|的|了|啊|呀|填|写|打|输|说|弄|搞|错|更正|纠正|少|多|漏|不是这个|不是|sorry)*$/i;
const CUE_THEN_SPACE = /(不对|写错了|打错了|填错了|输错了|说错了|错了|不是这个|更正)\s+/g;
const LEAD = /^(?:更正|纠正)?[:：]?\s*(?:应该是|应该为|应为|应是|正确的是|改成|改为|换成|是|为)?[:：]?\s*/;

/** The new value a nameless correction holds ('' when it holds none), or undefined when it is not one. */
export function unnamedCorrectionValue(raw: string): string | undefined {
  if (!CUE.test(raw)) return undefined;
  // "哦不对 是139…": a space after the cue ends its clause, as a comma would.
  const text = raw.replace(CUE_THEN_SPACE, '$1，');
  const clauses = text
    .split(/[，,；;。!！\n]+/)
    .map((c) => c.trim())
    .filter(Boolean);
  const head = clauses.filter((c) => CUE.test(c)).join('');
  // "联系人电话写错了": a named field is parseCorrection's.
  if (FIELD_WORDS.some((w) => w.words.test(head)) || PERSON_WORDS.rep.test(head) || PERSON_WORDS.contact.test(head))
    return undefined;
  const kept = clauses
    .map((c) => (CUE_ONLY.test(c) ? '' : c.replace(/^(?:不对|刚才|刚刚)?(?:[^，,]{0,6}(?:错了|更正))?[:：]?/, '')))
    .map((c) => c.replace(LEAD, '').trim())
    .filter(Boolean);
  return kept.join('，');
}

/** Of the fields answered last, the one the new value fits best (valid for it, most alike the old). */
export function correctedField(
  value: string,
  lastAnswered: readonly FieldKey[],
  fields: Partial<Record<FieldKey, string>>,
): FieldKey | undefined {
  // "不对，是企业": one of the three boxes is 单位性质, whatever was answered last.
  if ((ORG_TYPES as readonly string[]).includes(value) && fields.orgType !== undefined) return 'orgType';
  const fits = lastAnswered.filter((k) => validateField(fieldDef(k), value).ok);
  if (fits.length === 0) return earlierOfItsKind(value, lastAnswered, fields);
  if (fits.length === 1) return fits[0];
  const bigrams = (s: string) => new Set([...s].map((c, i) => c + (s[i + 1] ?? '')));
  const mine = bigrams(value);
  const score = (k: FieldKey) => [...bigrams(fields[k] ?? '')].filter((b) => mine.has(b)).length;
  return [...fits].sort((a, b) => score(b) - score(a))[0];
}

// "接上条：…", "还没说完——…", "补充一下单位基本情况：…": the profile sent in two messages.
const CONTINUES =
  /^(?:接上条|接上一条|接上|续上条|续|还没说完|没说完|上面没说完|上条没写完|补充一下|补充|再补充一点|另外补充)(?:一下)?(?:单位)?(?:的)?(?:基本情况|简介|情况)?[:：，,。—\-–\s]*(?=\S)/;

/** The rest of a profile begun in the message before, or undefined. */
export function profileContinuation(text: string): string | undefined {
  const m = CONTINUES.exec(text);
  return m ? text.slice(m[0].length).trim() : undefined;
}

/** Kinds of field a value can only belong to by its look: a phone number, an e-mail, one of the boxes. */
const UNMISTAKABLE = new Set(['phone', 'email', 'orgType']);

/**
 * "不对，是139…" said after the e-mail was answered: the phone given earlier is what is mended — the
 * only saved field of that kind, or the one of the person answered last. Undefined when unsure.
 */
function earlierOfItsKind(
  value: string,
  lastAnswered: readonly FieldKey[],
  fields: Partial<Record<FieldKey, string>>,
): FieldKey | undefined {
  const fits = FIELD_KEYS.filter(
    (k) => fields[k] !== undefined && UNMISTAKABLE.has(fieldDef(k).kind) && validateField(fieldDef(k), value).ok,
  );
  if (fits.length <= 1) return fits[0];
  const person = lastAnswered.length > 0 ? fieldDef(lastAnswered.at(-1)!).person : undefined;
  const same = fits.filter((k) => fieldDef(k).person === person);
  return same.length === 1 ? same[0] : undefined;
}

/**
 * "地址也不对，是新华路88号" for 贵阳市南明区新华路80号: only the part from the street on is given
 * again; the city and district before it stay. Undefined when the new address stands on its own.
 */
export function completedAddress(saved: string | undefined, given: string): string | undefined {
  if (!saved || /[省市区县州旗盟]/.test(given)) return undefined;
  const street = /^[\u4e00-\u9fff]{1,10}?(?:大道|大街|路|街|道|巷|弄|胡同)/.exec(given)?.[0];
  const at = street ? saved.indexOf(street) : -1;
  return at > 0 ? `${saved.slice(0, at)}${given}` : undefined;
}
