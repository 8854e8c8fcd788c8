// Neutral Card → WeCom `template_card` of type `button_interaction`. Each button's `key` carries the
// neutral action back in the click event (`EventKey`); the card is the bot's and the event is
// signed by WeCom, so `to` (the card's addressee) and `exp` in it can be trusted, while the actor
// is still whoever WeCom says clicked. WeCom caps each text field; what does not fit on the card
// is sent, whole, as a text message just before it. A card holds at most 6 buttons of 10
// characters: when its buttons do not fit (a vote with up to 10 options, or options of up to 20
// characters that would be cut into look-alikes), they are numbered on the card and the text lists
// every one in full, with what beyond the sixth cannot be clicked.
import type { Card, CardButton } from '../../bot/outbound.ts';
import { BotError } from '../../bot/errors.ts';
import type { Texts } from '../../bot/texts.ts';

export type ButtonKey = { a: string; v: Record<string, string>; to?: string; exp?: string };

/** WeCom's documented field limits (characters), and at most 6 key–value rows and 6 buttons. */
const LIMITS = { title: 36, desc: 44, subTitle: 112, keyName: 5, value: 26, rows: 6, buttons: 6, buttonText: 10 };
/** `key` may hold 1,024 bytes. */
const KEY_BYTES = 1024;

/** A line that reads as 「名称：值」 with a short name. */
const ROW_LINE = /^([^：:\n]{1,5})[：:]([^\n]+)$/;

const styleOf: Record<NonNullable<CardButton['style']>, number> = { primary: 1, default: 2, danger: 3 };

export type RenderedCard = {
  templateCard: Record<string, unknown>;
  /** The card in full as text, when some of it did not fit on the card. */
  overflow?: string;
};

export function renderCard(
  card: Card,
  taskId: string,
  options: { addressee?: string; texts?: Pick<Texts, 't'> } = {},
): RenderedCard {
  let cut = false;
  const fit = (text: string, limit: number) => {
    if ([...text].length <= limit) return text;
    cut = true;
    return `${[...text].slice(0, limit - 1).join('')}…`;
  };
  const length = (text: string) => [...text].length;
  const fields = card.fields ?? [];
  const rows = fields.filter((f) => length(f.label) <= LIMITS.keyName).slice(0, LIMITS.rows);
  const rest = fields.filter((f) => !rows.includes(f));
  let lines = [...(card.lines ?? []), ...rest.map((f) => `${f.label}：${f.value}`)];
  // When the lines overflow the sub-title, those that read as a short 「名称：值」 (a vote card's
  // 类别, 通过规则, 截止时间…) move to the key–value rows that fit them whole.
  if (length(lines.join('\n')) > LIMITS.subTitle)
    lines = lines.filter((line) => {
      const pair = ROW_LINE.exec(line);
      if (!pair || rows.length >= LIMITS.rows || length(pair[2]!) > LIMITS.value || length(pair[1]!) > LIMITS.keyName)
        return true;
      rows.push({ label: pair[1]!, value: pair[2]! });
      return false;
    });
  // Still too long: the last line, which says what state the card is in (voted, ended, how to
  // answer), stays whole and the lines before it are cut.
  const last = lines.at(-1) ?? '';
  const before = lines.slice(0, -1).join('\n');
  const subTitle =
    lines.length > 1 && length(lines.join('\n')) > LIMITS.subTitle && length(last) < LIMITS.subTitle / 2
      ? `${fit(before, LIMITS.subTitle - length(last) - 1)}\n${last}`
      : lines.join('\n');
  const all = card.buttons ?? [];
  const buttons = all.slice(0, LIMITS.buttons);
  // Cut labels could read alike and hidden buttons would be unknown: number them, list them in full.
  const numbered = all.length > LIMITS.buttons || all.some((b) => [...b.label].length > LIMITS.buttonText);
  if (numbered) cut = true;
  const buttonText = (label: string, i: number) =>
    numbered ? fitText(`${i + 1} ${label}`, LIMITS.buttonText) : fit(label, LIMITS.buttonText);

  const templateCard: Record<string, unknown> = {
    card_type: 'button_interaction',
    main_title: { title: fit(card.title, LIMITS.title) },
    task_id: taskId,
    button_list: buttons.map((button, i) => ({
      text: buttonText(button.label, i),
      style: styleOf[button.style ?? 'default'],
      key: buttonKey(button, card, options.addressee),
    })),
  };
  if (subTitle) templateCard.sub_title_text = fit(subTitle, LIMITS.subTitle);
  if (rows.length > 0)
    templateCard.horizontal_content_list = rows.map((f) => ({ keyname: f.label, value: fit(f.value, LIMITS.value) }));
  if (!cut) return { templateCard };
  const text = cardAsText(card);
  if (!numbered || !options.texts) return { templateCard, overflow: text };
  const { t } = options.texts;
  const list = all.map((b, i) => t('channels.wecom_card_option', { n: i + 1, label: b.label }));
  const hidden = all.length > LIMITS.buttons ? [t('channels.wecom_card_hidden_options', { max: LIMITS.buttons })] : [];
  return { templateCard, overflow: [text, '', t('channels.wecom_card_options'), ...list, ...hidden].join('\n') };
}

const fitText = (text: string, limit: number) =>
  [...text].length <= limit ? text : `${[...text].slice(0, limit - 1).join('')}…`;

/** The card in full as text (what did not fit on it goes this way). */
export function cardAsText(card: Card): string {
  // A title already in 【】 (【成员大会表决 第3号】…) is not bracketed twice.
  const title = card.title.startsWith('【') ? card.title : `【${card.title}】`;
  return [title, ...(card.lines ?? []), ...(card.fields ?? []).map((f) => `${f.label}：${f.value}`)].join('\n');
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
