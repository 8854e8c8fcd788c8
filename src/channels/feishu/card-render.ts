// Neutral Card → Feishu interactive card, JSON 2.0. Every text goes in as plain_text so nothing a
// user typed (a unit name, say) can turn into markdown, links or @-mentions.
import type { Card, CardButton } from '../../bot/outbound.ts';

/**
 * What a button carries back in its callback. The card is authored by the bot and the callback is
 * signed by Feishu, so `to` (who the card was for) and `exp` can be trusted; the actor is still
 * whoever Feishu says clicked.
 */
export type ButtonPayload = { action: string; value: Record<string, string>; to?: string; exp?: string };

export type RenderOptions = { addressee?: string };

const buttonType: Record<NonNullable<CardButton['style']>, string> = {
  primary: 'primary_filled',
  danger: 'danger',
  default: 'default',
};

export function renderCard(card: Card, options: RenderOptions = {}): Record<string, unknown> {
  const elements: Record<string, unknown>[] = [];
  for (const line of card.lines ?? []) elements.push(plainDiv(line));
  for (const field of card.fields ?? []) elements.push(plainDiv(`${field.label}：${field.value}`));
  const buttons = card.buttons ?? [];
  if (buttons.length > 0) {
    elements.push({
      tag: 'column_set',
      flex_mode: 'flow',
      columns: buttons.map((button) => ({
        tag: 'column',
        width: 'auto',
        elements: [renderButton(button, card, options)],
      })),
    });
  }
  return {
    schema: '2.0',
    config: { update_multi: true, width_mode: 'fill' },
    header: { title: { tag: 'plain_text', content: card.title }, template: 'blue' },
    body: { elements },
  };
}

function renderButton(button: CardButton, card: Card, options: RenderOptions): Record<string, unknown> {
  const payload: ButtonPayload = { action: button.action, value: button.value };
  if (options.addressee) payload.to = options.addressee;
  if (card.expiresAt) payload.exp = card.expiresAt;
  return {
    tag: 'button',
    text: { tag: 'plain_text', content: button.label },
    type: buttonType[button.style ?? 'default'],
    behaviors: [{ type: 'callback', value: payload }],
  };
}

function plainDiv(content: string): Record<string, unknown> {
  return { tag: 'div', text: { tag: 'plain_text', content } };
}
