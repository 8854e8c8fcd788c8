// "不对不对，是贵阳市第二中学，写错了", "刚才打错了，应该是…", "更正：…", "上一项填错了，改成…": a
// correction that does not name its field mends the field answered last — never the next one.
import { FIELD_WORDS, PERSON_WORDS } from './vocabulary.ts';
import { fieldDef, type FieldKey } from './form.ts';
import { validateField } from './validate.ts';

const CUE =
  /不对|写错|打错|填错|输错|说错|弄错|搞错|错了|更正|纠正|少写了|多写了|漏了|写漏|不是这个|上一项|上一个|前一项|刚才那个|刚刚那个/;
// A clause that only says something was wrong ("不对不对", "刚才打错了", "上一项填错了", "少写了").
const CUE_ONLY =
  /^(?:哦|啊|呃|哎|唉|不好意思|抱歉|sorry)?(?:不对|刚才|刚刚|上一项|上一个|前一项|前面|那个|这个|我|的|了|啊|呀|填|写|打|输|说|弄|搞|错|更正|纠正|少|多|漏|不是这个|不是|sorry)*$/i;
const LEAD = /^(?:更正|纠正)?[:：]?\s*(?:应该是|应该为|应为|应是|正确的是|改成|改为|换成|是|为)?[:：]?\s*/;

/** The new value a nameless correction holds ('' when it holds none), or undefined when it is not one. */
export function unnamedCorrectionValue(text: string): string | undefined {
  if (!CUE.test(text)) return undefined;
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
  const fits = lastAnswered.filter((k) => validateField(fieldDef(k), value).ok);
  if (fits.length <= 1) return fits[0];
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
