// WeChat has no buttons: a neutral Card becomes text whose buttons are numbered replies
// ("回复「1」通过"), and a reply with that number (bot/option-number.ts) parses back into the button's action.
import type { Card } from '../../bot/outbound.ts';
import type { Texts } from '../../bot/texts.ts';
import { formatBeijingShort } from '../../time/beijing.ts';

/** `first` is the number of the first button: numbers run on across the cards open in a chat. */
export function renderCardText(card: Card, texts: Texts, now: Date, first = 1): string {
  // A title already in 【】 (【成员大会表决 第3号】…) is not bracketed twice.
  const title = card.title.startsWith('【') ? card.title : texts.t('channels.wechat_card_title', { title: card.title });
  const lines = [title, ...(card.lines ?? [])];
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
