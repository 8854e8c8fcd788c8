// Understanding starts here: what people type on phones, by voice or from Hong Kong and Taiwan is
// brought to one plain form before any handler reads it — simplified characters, half-width letters
// and digits, no emoji, no greeting or politeness around the message, and a few common typos mended.
// A message that is only a greeting or a thank-you stays as it is (handlers answer those).
import { stripEmoji, toHalfWidth } from '../application/normalize.ts';
import { toSimplified } from './simplified.ts';

/** Words before the message that carry no content: greetings, politeness, acknowledgements, fillers. */
const SEP = '[\\s,，.。!！~～、…:：]';
const LEAD = new RegExp(
  `^(?:(?:您好|你好|喂|喂喂|(?:老师|领导|同志|大家)好|在吗|在不在|哈喽|早上好|上午好|下午好|晚上好|好的|好吧|好嘞|麻烦(?:您|你)了?|打扰(?:一下|了)|不好意思|劳驾|(?:谢谢|感谢)(?:您|你)?)${SEP}*|(?:hi|hello|嗨|好|行|嗯+|哦+|噢|喔|呃|额|那个|ok|okay)${SEP}+)+(?=\\S{2})`,
  'i',
);
/** …and after it: thanks and politeness. */
const TAIL =
  // Taken off the end of one message (12000 characters at most); kept as one readable phrase list.
  // eslint-disable-next-line regexp/no-super-linear-move
  /(?:[\s,，.。!！~～、…]*(?:(?:非常|十分)?(?:谢谢|感谢)(?:您|你)?(?:的耐心)?(?:啦|了)?|多谢|麻烦(?:您|你)?了|辛苦(?:您|你)?了|拜托了|(?:麻烦|请)(?:您|你)?记(?:一下|下)?|thanks|thank you))+[\s.。!！~～]*$/i;

/** Typos common enough to mend everywhere: a wrong character with the same sound. */
const TYPOS: [RegExp, string][] = [
  [/申清|伸请|申亲|申轻|申情/g, '申请'],
  [/家入|加如|佳入/g, '加入'],
  [/^你号(?=[\s,，!！]|$)/, '你好'],
  [/联萌|联蒙|连盟/g, '联盟'],
  [/教育步门|教育布门|教育不门/g, '教育部门'],
  [/社会团休|社会图体/g, '社会团体'],
  [/章成(?=[^\u4e00-\u9fff]|$|第|说|里|规定|怎么)/g, '章程'],
  // 付 for 副 before a post: 付校长, 付局长, 付主任.
  [
    /付(?=(?:校长|局长|院长|主任|处长|科长|馆长|所长|站长|部长|书记|主席|会长|理事长|秘书长|总经理|总裁|经理|总监))/g,
    '副',
  ],
];

// A phone number said in Chinese digits ("幺三八…"): seven or more of them in a row, spaces allowed.
const DIGIT_OF: Record<string, string> = {
  零: '0',
  〇: '0',
  一: '1',
  幺: '1',
  二: '2',
  两: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};
const CHINESE_DIGIT_RUN = /[零〇一幺二两三四五六七八九](?:[\s-]?[零〇一幺二两三四五六七八九]){6,}/g;

export function normalizeInput(text: string): string {
  // Nothing but emoji or symbols: left as typed, so the handler can say what it received.
  if (!text || !/[\p{L}\p{N}]/u.test(stripEmoji(text))) return text;
  let out = stripEmoji(toHalfWidth(text));
  // Only messages with a character OpenCC rewrites go through it (most do not).
  out = toSimplified(out);
  for (const [re, to] of TYPOS) out = out.replace(re, to);
  out = out.replace(CHINESE_DIGIT_RUN, (run) => run.replace(/[^\s-]/g, (c) => DIGIT_OF[c] ?? c));
  out = out.replace(/[ \t]{2,}/g, ' ').trim();
  const stripped = out.replace(LEAD, '').replace(TAIL, '').trim();
  // Keep a message that was nothing but politeness ("谢谢", "好的"): handlers answer those.
  return /[\p{L}\p{N}]/u.test(stripped) ? stripped : out;
}
