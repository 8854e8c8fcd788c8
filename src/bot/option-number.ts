// A reply that is only the number of a card's option — what people type where cards have no buttons
// (WeChat, the Official Account: 「回复「1」赞成」). Channels turn it into the option's action while
// the card is open; a number left over (the card answered, updated or never theirs) reaches the bot
// as text, and is told so rather than answered as a question.

/**
 * The option number in a reply such as `1`, `１`, `回复1`, `回复「2」`, `[3]`, `选 2。`;
 * undefined when the text is anything else.
 */
export function parseOptionNumber(text: string): number | undefined {
  const digits = text.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).trim();
  const match = /^(?:回复|选择|选项|选)?\s*(?:[「『【[(（"“]\s*)?(\d{1,4})\s*(?:[」』】\])）"”]\s*)?[.。,，!！]?$/.exec(
    digits,
  );
  const n = match ? Number(match[1]) : 0;
  return n >= 1 ? n : undefined;
}
