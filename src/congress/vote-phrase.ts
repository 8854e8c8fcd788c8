// A vote as people type it on a phone: 「我投赞成票」「投赞成」「赞成！！」「12号 赞成」「第１２号投反对」
// 「投票12号赞成」「弃权吧」「同意」. Read in two steps, both pure:
//   readVotePhrase   the shape: an optional motion number, the choice word in the middle, and only
//                    vote-shaped words around it (我/我们, 投, 票, 选, 吧…). Anything else around the
//                    choice — 「章程修订需要多少票赞成」, 「赞成吗」 — is not a vote.
//   matchOption      the choice against one motion's options: its own word (certain), or a synonym
//                    of one of them (同意/支持 → 赞成, 不同意/不赞成 → 反对: not certain, the bot asks).
// Being whole-phrase, 不同意 and 不赞成 never count as 同意 or 赞成: the choice is compared whole.
import { normalizeInput } from '../bot/normalize-input.ts';
import { parseChineseNumber } from '../knowledge/numerals.ts';
import { ABSTAIN, NO, YES } from './rules.ts';

export type VotePhrase = {
  /** The motion number typed, if any (「12号赞成」, 「投票 12 赞成」). */
  number?: number;
  /** The choice as typed, without the words around it: 「赞成」, 「同意」, 「方案一」. */
  choice: string;
  /** Starts with 投票 — the command form `投票 N 选项` (ARCHITECTURE: the card's text form). */
  command: boolean;
  /** A vote by its words, not only by the choice: a number, 投, 票 or 选 around it. */
  explicit: boolean;
};

export type OptionMatch = { option: string; certain: boolean };

/** Longer than this, a message is not a typed vote (a vote is a few words). */
const MAX_LENGTH = 30;

// Each taken off the front in turn, each at most once, in this order.
const LEADS: readonly RegExp[] = [
  /^(?:我们单位|我们学校|我单位|本单位|我校|我们|我方|我)/,
  /^(?:这边|这里)/,
  /^(?:就|也|还是|决定|坚决)/,
  /^(?:要|想)/,
  /^投票/,
  // 「12号」「第12号」「第十二号」 (a Chinese numeral only before 号: 「一」 alone is no number).
  /^(?:对|给)?第?(\d{1,9}|[零〇一二两三四五六七八九十百]{1,5}(?=号))号?(?:表决|议案|动议|提案)?/,
  /^[:,，、]/,
  /^(?:我们|我单位|本单位|我方|我)/,
  /^(?:就|也|还是|决定|坚决)/,
  /^(?:要|想)/,
  /^(?:是|投|选择|选|表示)个?/,
];
// Each taken off the end in turn: particles, then 票, then what is voted on.
const PARTICLES = '吧了啊呀哈啦哦喔嗯的';
const TAILS: readonly RegExp[] = [/(?:这个|该|此|本)?(?:议案|动议|提案|方案|表决|决议)$/, /票$/];
const CLOSING = '!.。~～…,，、;；:：';

/** The text without any of `chars` at its end (a loop: a trailing-run regex would be quadratic). */
function trimEnd(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end -= 1;
  return text.slice(0, end);
}

/**
 * The vote-shaped reading of a message, or undefined: too long, a question, or nothing but the
 * number. The choice is not checked against any motion here (matchOption does).
 */
export function readVotePhrase(raw: string): VotePhrase | undefined {
  // Politeness around a vote ("您好，…谢谢") is taken off below; a long message is no vote anyway.
  if (raw.length > MAX_LENGTH * 4) return undefined;
  let t = normalizeInput(raw.normalize('NFKC'))
    .replace(/\s+/g, '')
    .replace(/[「」『』【】"“”'‘’]/g, '')
    .toLowerCase();
  if (t.length === 0 || t.length > MAX_LENGTH) return undefined;
  // 「赞成吗？」「同意吗」: a question, not a vote.
  if (/[?？]|(?:吗|呢|么|嘛)[!.。~～…]*$/.test(t)) return undefined;
  t = trimEnd(t, CLOSING);
  const command = t.startsWith('投票');
  let explicit = false;
  let number: number | undefined;
  for (const lead of LEADS) {
    const m = lead.exec(t);
    if (!m) continue;
    // A bare number is no motion number: 「12赞成」 is, 「3」 alone is an option number, and a
    // number not followed by anything leaves no choice.
    if (m[1] !== undefined) {
      number = parseChineseNumber(m[1]);
      if (number === undefined) return undefined;
      explicit = true;
    }
    if (/[投票选]/.test(m[0])) explicit = true;
    t = t.slice(m[0].length);
  }
  t = trimEnd(t, PARTICLES + CLOSING);
  for (const tail of TAILS) {
    const before = t;
    t = t.replace(tail, '');
    if (t !== before && /[票]/.test(before.slice(t.length))) explicit = true;
  }
  if (t.length === 0) return undefined;
  return { number, choice: t, command, explicit };
}

const SYNONYMS: Readonly<Record<string, string>> = {
  同意: YES,
  支持: YES,
  赞同: YES,
  通过: YES,
  拥护: YES,
  不同意: NO,
  不赞成: NO,
  不支持: NO,
  不赞同: NO,
  不通过: NO,
  否决: NO,
  不表态: ABSTAIN,
};

/** Whether the choice is one the default options know (their words or a synonym). */
export const isKnownChoice = (choice: string): boolean =>
  choice === YES || choice === NO || choice === ABSTAIN || choice in SYNONYMS;

const plain = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/**
 * The option of `options` that the choice names: its own word (certain), or, where the motion has
 * the option the synonym stands for, a synonym (not certain). Undefined: it names none of them.
 */
export function matchOption(choice: string, options: readonly string[]): OptionMatch | undefined {
  // An option's own words read the way a message is: 「第一方案」 is typed 「投第一方案」 or 「第一」…
  const own = options.find((o) => plain(o) === choice) ?? options.find((o) => readVotePhrase(o)?.choice === choice);
  if (own !== undefined) return { option: own, certain: true };
  const meant = SYNONYMS[choice];
  if (meant !== undefined && options.includes(meant)) return { option: meant, certain: false };
  return undefined;
}
