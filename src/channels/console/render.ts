// Renders neutral Outbound for a terminal: text as is, a card as a titled block, a file as its name.
import type { Outbound } from '../../bot/outbound.ts';

export function renderForTerminal(out: Outbound): string {
  switch (out.kind) {
    case 'text':
      return out.text;
    case 'file':
      return `📎 ${out.name}${out.caption ? `\n${out.caption}` : ''}`;
    case 'card': {
      const { card } = out;
      const lines = [
        `【${card.title}】`,
        ...(card.lines ?? []),
        ...(card.fields ?? []).map((f) => `${f.label}：${f.value}`),
      ];
      (card.buttons ?? []).forEach((b, i) => lines.push(`  [${i + 1}] ${b.label}`));
      return lines.join('\n');
    }
  }
}
