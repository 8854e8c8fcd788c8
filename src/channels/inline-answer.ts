// A platform that waits for the answer to a click (Feishu's card callback, within 3 s) gets the
// replacement card inside that answer when the bot has it within the budget; otherwise the answer
// goes without it and the bot sends the replacement as an update through the outbox. Whichever
// happens first wins, exactly once: `offer` after the answer left returns false.
import type { InlineCardAnswer } from '../bot/inbound.ts';
import type { Card } from '../bot/outbound.ts';

export class InlineAnswer implements InlineCardAnswer {
  /** The replacement card, or undefined when the answer goes without one. */
  readonly card: Promise<Card | undefined>;
  /** The note offered with the card (Feishu shows it as the click's toast). */
  note?: string;
  readonly showsNote = true;
  private resolve!: (card: Card | undefined) => void;
  private settled = false;
  private readonly timer: NodeJS.Timeout;

  constructor(budgetMs: number) {
    this.card = new Promise((resolve) => (this.resolve = resolve));
    this.timer = setTimeout(() => this.close(), budgetMs);
  }

  offer(card: Card, note?: string): boolean {
    if (this.settled) return false;
    this.note = note;
    this.settle(card);
    return true;
  }

  /** Handling ended without a replacement, or the budget ran out: answer without one. */
  close(): void {
    if (!this.settled) this.settle(undefined);
  }

  private settle(card: Card | undefined): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.resolve(card);
  }
}
