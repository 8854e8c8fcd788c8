// What a handler sees: the inbound event, the user's session, the services, and a reply buffer.
import type { Inbound } from './inbound.ts';
import type { Card, Citation, Outbound } from './outbound.ts';
import type { SessionState } from './conversation.ts';
import type { Services } from './services.ts';

export type Context = {
  inbound: Inbound;
  /** `channel:userId` */
  user: string;
  /** Cleaned text of the message ('' when the event carries none). */
  text: string;
  /** The user's session; the open dialog's state is not in sight (bot/dialogs.ts holds it). */
  session: Omit<SessionState, 'dialog'>;
  services: Services;
  replies: Outbound[];
  reply(...outbound: Outbound[]): void;
  say(text: string, citations?: Citation[]): void;
  /**
   * Replaces the card that was clicked (a click only): inside the platform's answer when it is
   * still waiting, else as an update of that card through the outbox. Where the clicked card
   * cannot be named (the console), the replies alone say what happened.
   * `note`: one sentence on what the click did. It goes with the card where the platform shows a
   * note beside it (Feishu's toast) and is sent as a text reply everywhere else (a typed command,
   * an update through the outbox, a channel without notes), so it is never lost.
   */
  replaceCard(card: Card, note?: string): void;
  /** The replacement set by `replaceCard`, if any, and its note. */
  replacement?: Card;
  replacementNote?: string;
  /** Whether this channel's cards have buttons to click (not numbered replies or a list). */
  clickable: boolean;
  t(key: string, vars?: Record<string, string | number>): string;
};
