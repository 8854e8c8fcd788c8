// A Feishu `text` message is not plain text: `<at user_id="all"></at>` mentions everyone, and
// `<b>`, `<a href>`-style tags and `[label](url)` become markup. The bot's own wording uses none of
// these, so every text is rendered literally: a zero-width space after each `<` and between `](`
// leaves what the reader sees unchanged while no tag or link can form. Cards use plain_text already.

const ZWSP = '\u200B';

export function renderPlainText(text: string): string {
  return text.replaceAll('<', `<${ZWSP}`).replaceAll('](', `]${ZWSP}(`);
}
