// WeChat has no buttons: a neutral Card becomes text whose buttons are numbered replies
// ("回复「1」通过"), and a reply with that number parses back into the button's action.
import type { Card } from '../../bot/outbound.ts';
import type { Texts } from '../../bot/texts.ts';
import { formatBeijingShort } from '../../time/beijing.ts';

/** `first` is the number of the first button: numbers run on across the cards open in a chat. */
export function renderCardText(card: Card, texts: Texts, now: Date, first = 1): string {
  const lines = [texts.t('channels.wechat_card_title', { title: card.title }), ...(card.lines ?? [])];
  for (const field of card.fields ?? [])
    lines.push(texts.t('channels.wechat_card_field', { label: field.label, value: field.value }));
  const buttons = card.buttons ?? [];
  if (buttons.length > 0) {
    lines.push('');
    buttons.forEach((button, i) =>
      lines.push(texts.t('channels.wechat_card_option', { n: first + i, label: button.label })),
    );
    if (card.expiresAt && Date.parse(card.expiresAt) > now.getTime()) {
      lines.push(texts.t('channels.wechat_card_deadline', { time: formatBeijingShort(new Date(card.expiresAt)) }));
    }
  }
  return lines.join('\n');
}

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
