// Chinese numerals the way the charter writes its article and chapter numbers (第十九条, 第五章),
// both ways: 19 → 十九 for folding digits, and 十九 / 19 / 一百零五 → a number for reading references.

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const DIGIT_VALUE: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNIT_VALUE: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Characters a Chinese numeral (or a plain decimal one) is written with. */
export const NUMERAL_CHARS = '0-9零〇一二两三四五六七八九十百千';

/** 19 → 十九, 20 → 二十, 105 → 一百零五, 110 → 一百一十 (0 ≤ n < 10000). */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 10_000) throw new RangeError(`chineseNumber: ${n} is out of range`);
  if (n < 10) return DIGITS[n]!;
  if (n < 20) return `十${n % 10 ? DIGITS[n % 10] : ''}`;
  let out = '';
  let zero = false;
  for (const [unit, name] of [
    [1000, '千'],
    [100, '百'],
    [10, '十'],
    [1, ''],
  ] as const) {
    const digit = Math.floor(n / unit) % 10;
    if (digit === 0) {
      if (out) zero = true;
      continue;
    }
    if (zero) out += '零';
    zero = false;
    out += DIGITS[digit]! + name;
  }
  return out;
}

/**
 * An article or chapter named the charter's way: (19, '条') → 第十九条, ("4", '章') → 第四章; a number
 * of 10 000 or more keeps its digits as given.
 */
export function ordinal(n: number | string, unit: '条' | '章'): string {
  const value = Number(n);
  return `第${value < 10_000 ? chineseNumber(value) : String(n)}${unit}`;
}

/**
 * 十九 → 19, 二十五 → 25, 一百零五 → 105, 两 → 2, 〇 → 0, "26" → 26; digits alone read place by place
 * (二五 → 25, as people say it); undefined when it is not a well-formed numeral (十十, 一二十).
 */
export function parseChineseNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const chars = [...text];
  if (chars.length === 0 || !chars.every((c) => c in DIGIT_VALUE || c in UNIT_VALUE)) return undefined;
  if (chars.every((c) => c in DIGIT_VALUE)) return Number(chars.map((c) => DIGIT_VALUE[c]).join(''));
  let total = 0;
  let digit: number | undefined;
  let lastUnit = Infinity;
  let previous = '';
  for (const c of chars) {
    if (c in DIGIT_VALUE) {
      // Two digits in a row only after 零 (一百零五).
      if (digit !== undefined && previous !== '零') return undefined;
      digit = DIGIT_VALUE[c]!;
    } else {
      const unit = UNIT_VALUE[c]!;
      if (unit >= lastUnit) return undefined;
      total += (digit === undefined || digit === 0 ? 1 : digit) * unit;
      lastUnit = unit;
      digit = undefined;
    }
    previous = c;
  }
  return total + (digit ?? 0);
}
