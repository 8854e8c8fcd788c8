// What a person's name is, as a secretariat clerk would judge it: Chinese names of two to four
// characters (a minority name may run longer, its parts joined by ·), Latin names, or a Chinese name
// with a Latin one beside it ("陈静 Jessica Chen"). Pronouns and self-references ("我", "本人",
// "就是我"), "not decided yet" ("还没定", "先空着") and talk ("下一个", "写谁比较好") are not names.

const HAN = '\\u3400-\\u9FFF';
const LATIN_NAME = "[A-Za-z][A-Za-z.'-]*(?: [A-Za-z][A-Za-z.'-]*){0,3}";
const CHINESE_NAME = new RegExp(`^[${HAN}]{2,5}$`);
const MINORITY_NAME = new RegExp(`^[${HAN}]{1,8}(?:[·•・][${HAN}]{1,8}){1,3}$`);
const LATIN_ONLY = new RegExp(`^${LATIN_NAME}$`);
const MIXED = new RegExp(`^(?:[${HAN}]{2,4} ${LATIN_NAME}|${LATIN_NAME} [${HAN}]{2,4})$`);

/** Characters a Chinese name practically never has, and that talk is full of. */
const NOT_IN_NAMES = /[我你您他她它谁吗呢吧啊呀嘛了着是没还先空写填哪啥么咱些这那]/;
const NOT_A_NAME = /本人|自己|待定|未定|不知道|不清楚|比较|下一|上一|同上|一样|暂无|没有/;

/** "我", "是我", "本人", "就是我本人", "我自己", "也是我", "就写我吧": the one typing, not a name. */
export const SELF_REFERENCE =
  /^(?:就|也|那就|那)?(?:由|是|写|填|算)?(?:我|本人|我自己|我本人|鄙人|在下)(?:本人|自己)?(?:来)?(?:担任|当|负责)?(?:吧|啊|呀|了)?$/;

/** "还没定", "先空着", "待定", "回头再说": nothing to store yet. */
export const UNDECIDED =
  /^(?:还?没(?:有)?定|还?没想好|待定|未定|先空着|暂时?空着|先不填|以后再说|回头再说|再说吧?|不确定)/;

export type NameCheck =
  { ok: true; value: string } | { ok: false; reason: 'self_reference' | 'undecided' | 'not_a_name' };

export function checkPersonName(raw: string): NameCheck {
  const value = raw.trim().replace(/\s+/g, ' ');
  if (SELF_REFERENCE.test(value)) return { ok: false, reason: 'self_reference' };
  if (UNDECIDED.test(value)) return { ok: false, reason: 'undecided' };
  if (MINORITY_NAME.test(value)) return { ok: true, value: value.replace(/[•・]/g, '·') };
  if (LATIN_ONLY.test(value) || MIXED.test(value)) {
    const han = value.replace(/[^\u3400-\u9FFF]/g, '');
    if (han && (NOT_IN_NAMES.test(han) || NOT_A_NAME.test(han))) return { ok: false, reason: 'not_a_name' };
    return { ok: true, value };
  }
  if (CHINESE_NAME.test(value)) {
    if (NOT_IN_NAMES.test(value) || NOT_A_NAME.test(value)) return { ok: false, reason: 'not_a_name' };
    return { ok: true, value };
  }
  return { ok: false, reason: 'not_a_name' };
}

/** A Latin name right after a Chinese one, or before it: "陈静 Jessica Chen", "David Zhang 张大伟". */
export const isLatinName = (token: string): boolean => LATIN_ONLY.test(token);
export const isChineseName = (token: string): boolean =>
  (CHINESE_NAME.test(token) && !NOT_IN_NAMES.test(token) && !NOT_A_NAME.test(token)) || MINORITY_NAME.test(token);
