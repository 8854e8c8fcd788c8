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
  const lines = card.lines ?? [];
  const pair = card.sideBySide;
  for (let i = 0; i < lines.length; i += 1) {
    if (i === pair && i + 1 < lines.length) {
      elements.push(twoColumns(lines[i]!, lines[i + 1]!));
      i += 1;
    } else elements.push(plainDiv(lines[i]!));
  }
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

/** Two texts in equal columns; on a narrow screen (a phone) Feishu stacks them ('stretch'). */
function twoColumns(left: string, right: string): Record<string, unknown> {
  const column = (content: string) => ({
    tag: 'column',
    width: 'weighted',
    weight: 1,
    vertical_align: 'top',
    elements: [plainDiv(content)],
  });
  return { tag: 'column_set', flex_mode: 'stretch', columns: [column(left), column(right)] };
}

function plainDiv(content: string): Record<string, unknown> {
  return { tag: 'div', text: { tag: 'plain_text', content } };
}
