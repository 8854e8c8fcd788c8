// Neutral Card → WeCom `template_card` of type `button_interaction`. Each button's `key` carries the
// neutral action back in the click event (`EventKey`); the card is the bot's and the event is
// signed by WeCom, so `to` (the card's addressee) and `exp` in it can be trusted, while the actor
// is still whoever WeCom says clicked. WeCom caps each text field; what does not fit on the card
// is sent, whole, as a text message just before it.
import type { Card, CardButton } from '../../bot/outbound.ts';
import { BotError } from '../../bot/errors.ts';

export type ButtonKey = { a: string; v: Record<string, string>; to?: string; exp?: string };

/** WeCom's documented field limits (characters), and at most 6 key–value rows and 6 buttons. */
const LIMITS = { title: 36, desc: 44, subTitle: 112, keyName: 5, value: 26, rows: 6, buttons: 6, buttonText: 10 };
/** `key` may hold 1,024 bytes. */
const KEY_BYTES = 1024;

const styleOf: Record<NonNullable<CardButton['style']>, number> = { primary: 1, default: 2, danger: 3 };

export type RenderedCard = {
  templateCard: Record<string, unknown>;
  /** The card in full as text, when some of it did not fit on the card. */
  overflow?: string;
};

export function renderCard(card: Card, taskId: string, options: { addressee?: string } = {}): RenderedCard {
  let cut = false;
  const fit = (text: string, limit: number) => {
    if ([...text].length <= limit) return text;
    cut = true;
    return `${[...text].slice(0, limit - 1).join('')}…`;
  };
  const lines = card.lines ?? [];
  const fields = card.fields ?? [];
  const rows = fields.filter((f) => [...f.label].length <= LIMITS.keyName).slice(0, LIMITS.rows);
  const rest = fields.filter((f) => !rows.includes(f));
  const subTitle = [...lines, ...rest.map((f) => `${f.label}：${f.value}`)].join('\n');
  const buttons = (card.buttons ?? []).slice(0, LIMITS.buttons);
  if ((card.buttons ?? []).length > LIMITS.buttons) cut = true;

  const templateCard: Record<string, unknown> = {
    card_type: 'button_interaction',
    main_title: { title: fit(card.title, LIMITS.title) },
    task_id: taskId,
    button_list: buttons.map((button) => ({
      text: fit(button.label, LIMITS.buttonText),
      style: styleOf[button.style ?? 'default'],
      key: buttonKey(button, card, options.addressee),
    })),
  };
  if (subTitle) templateCard.sub_title_text = fit(subTitle, LIMITS.subTitle);
  if (rows.length > 0)
    templateCard.horizontal_content_list = rows.map((f) => ({ keyname: f.label, value: fit(f.value, LIMITS.value) }));
  return cut ? { templateCard, overflow: cardAsText(card) } : { templateCard };
}

/** The card in full as text (what did not fit on it goes this way). */
export function cardAsText(card: Card): string {
  return [`【${card.title}】`, ...(card.lines ?? []), ...(card.fields ?? []).map((f) => `${f.label}：${f.value}`)].join(
    '\n',
  );
}

function buttonKey(button: CardButton, card: Card, addressee: string | undefined): string {
  const key: ButtonKey = { a: button.action, v: button.value };
  if (addressee) key.to = addressee;
  if (card.expiresAt) key.exp = card.expiresAt;
  const json = JSON.stringify(key);
  if (Buffer.byteLength(json) > KEY_BYTES)
    throw new BotError(
      'PLATFORM_PERMANENT',
      `button “${button.label}” carries more than WeCom's ${KEY_BYTES}-byte key`,
      {
        permanent: true,
      },
    );
  return json;
}

export function parseButtonKey(raw: string | undefined): ButtonKey | undefined {
  if (!raw) return undefined;
  try {
    const key = JSON.parse(raw) as Partial<ButtonKey>;
    if (typeof key.a !== 'string' || !key.a) return undefined;
    const v = key.v ?? {};
    if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string'))
      return undefined;
    return {
      a: key.a,
      v: v as Record<string, string>,
      ...(typeof key.to === 'string' ? { to: key.to } : {}),
      ...(typeof key.exp === 'string' ? { exp: key.exp } : {}),
    };
  } catch {
    return undefined;
  }
}
