// A passive reply: some platforms take the answer in the HTTP response to the event, if it comes
// within a few seconds. The channel opens a window with a deadline; when the bot commits the handling
// it takes the window if it is still open, and the replies go back in the response instead of to
// the outbox. At the deadline the channel closes the window unless it was taken, answers the
// platform without them, and the handling goes on to write its replies to the outbox as usual:
// either way each reply is sent exactly once.
import type { Inbound } from './inbound.ts';
import type { Outbound } from './outbound.ts';

export class InlineWindow {
  private state: 'open' | 'taken' | 'closed' = 'open';

  constructor(
    readonly deadline: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The bot, at commit: true if the caller carries the replies (taken now or before). */
  take(): boolean {
    if (this.state === 'open' && this.clock() < this.deadline) this.state = 'taken';
    else if (this.state === 'open') this.state = 'closed';
    return this.state === 'taken';
  }

  /** The channel, at the deadline: true if the replies will go through the outbox. */
  close(): boolean {
    if (this.state === 'open') this.state = 'closed';
    return this.state === 'closed';
  }

  get taken(): boolean {
    return this.state === 'taken';
  }
}

export type HandleOptions = { inline?: InlineWindow };

type Handles = { handle(inbound: Inbound, options?: HandleOptions): Promise<Outbound[]> };

/**
 * Handles the event and resolves to its replies if they can still go in the response (within
 * `budgetMs`), or to undefined at the deadline when they will come through the outbox instead
 * (a kept event is told of the handling that goes on, `inbound.kept.continues`).
 */
export async function answerWithin(bot: Handles, inbound: Inbound, budgetMs: number): Promise<Outbound[] | undefined> {
  const window = new InlineWindow(Date.now() + budgetMs);
  const handled = bot.handle(inbound, { inline: window });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), budgetMs)));
  const first = await Promise.race([handled, expired]);
  clearTimeout(timer);
  if (first !== 'expired') return window.taken ? first : undefined;
  // Taken just before the deadline: the commit is under way and the replies are ours to carry.
  if (window.close()) {
    inbound.kept?.continues?.(handled);
    return undefined;
  }
  return handled;
}
