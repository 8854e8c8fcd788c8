// Normalises what people type on phones: full-width letters and digits, stray spaces, tabs and emoji.
// Chinese punctuation (，（）：) is kept: it belongs in names and addresses.

// Full-width ASCII letters, digits and the symbols that occur in phones and e-mails.
const FULL_WIDTH = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF20\uFF0E\uFF0D\uFF3F\uFF0B]/g;
// Pictographs with their modifiers: variation selectors, ZWJ, skin tones, keycaps, tags, flags.
const EMOJI =
  /\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u{1F3FB}-\u{1F3FF}]|\u{FE0E}|\u{FE0F}|\u{200D}|\u{20E3}|[\u{E0020}-\u{E007F}]/gu;
const CJK = '\\u3400-\\u9FFF\\uF900-\\uFAFF';
// A space between two CJK characters (or CJK and a digit) is a typing slip: "王 磊" is "王磊",
// "北京路 123 号" is "北京路123号". Between Latin words it is kept ("John Smith").
const CJK_WIDE = `${CJK}\\u3000-\\u303F\\uFF00-\\uFFEF`;
const CJK_GAP = new RegExp(`(?<=[${CJK_WIDE}])\\s+(?=[${CJK_WIDE}0-9])|(?<=[0-9])\\s+(?=[${CJK_WIDE}])`, 'g');

export function toHalfWidth(text: string): string {
  return text.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

export function stripEmoji(text: string): string {
  return text.replace(EMOJI, '');
}

/** For one-line fields: half-width, no emoji, single spaces, no spaces inside Chinese text. */
export function normalizeLine(text: string): string {
  return stripEmoji(toHalfWidth(text)).replace(/\s+/g, ' ').replace(CJK_GAP, '').trim();
}

/** For free text: the same, but line breaks are kept (paragraphs of a profile). */
export function normalizeParagraphs(text: string): string {
  return stripEmoji(toHalfWidth(text))
    .split('\n')
    .map((line) => line.replace(/[ \t\u00A0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** True when nothing meaningful is left: no letter, digit or CJK character. */
export function isBlank(text: string): boolean {
  return !/[\p{L}\p{N}]/u.test(text);
}

// Words people type to fill a gap or to acknowledge, not to answer.
const FILLER = new Set([
  '嗯',
  '嗯嗯',
  '恩',
  '哦',
  '噢',
  '喔',
  '啊',
  '呃',
  '额',
  '好',
  '好的',
  '好吧',
  '行',
  '可以',
  '是',
  '是的',
  '对',
  '对的',
  'ok',
  'okay',
  'yes',
  'no',
  '没有',
  '无',
  '暂无',
  '略',
  '不知道',
  '不清楚',
  '不晓得',
  '随便',
  '待定',
  '未知',
  '测试',
  'test',
  '123',
  'xxx',
  'x',
  'null',
  'none',
  'n/a',
  'na',
  '空',
  '不填',
  '跳过',
  '同',
  '那个',
]);

export function isFiller(text: string): boolean {
  const bare = text.toLowerCase().replace(/[\s。.,，!！?？~～…、]+/g, '');
  // "嗯嗯嗯", "aaaa", "1111": one character held down.
  return bare === '' || FILLER.has(bare) || /^(.)\1+$/u.test(bare);
}
