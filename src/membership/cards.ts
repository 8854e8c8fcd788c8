// The membership module's cards, built from prompts/membership.yaml texts.
import type { Outbound } from '../bot/outbound.ts';

type T = (key: string, vars?: Record<string, string | number>) => string;

export function broadcastCard(t: T, text: string): Outbound {
  return {
    kind: 'card',
    card: { title: t('membership.broadcast_card_title'), lines: [text, t('membership.broadcast_card_footer')] },
  };
}
