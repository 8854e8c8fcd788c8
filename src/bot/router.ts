// The bot as a chain of small handlers `(ctx, next)`, grouped in the routing order of ARCHITECTURE.md:
// a card action first, then the user's active dialog, then commands, then the question answerer.
import type { Context } from './context.ts';

export type Next = () => Promise<void>;
export type Handler = (ctx: Context, next: Next) => Promise<void> | void;
export type Stage = 'action' | 'dialog' | 'command' | 'question';

const stages: readonly Stage[] = ['action', 'dialog', 'command', 'question'];

export class Router {
  private readonly handlers = new Map<Stage, Handler[]>(stages.map((s) => [s, []]));

  use(stage: Stage, handler: Handler): this {
    this.handlers.get(stage)!.push(handler);
    return this;
  }

  /** Runs the chain; `fallback` runs when every handler called next(). */
  async run(ctx: Context, fallback: Handler): Promise<void> {
    const chain = [...stages.flatMap((s) => this.handlers.get(s)!), fallback];
    const dispatch = async (i: number): Promise<void> => {
      const handler = chain[i];
      if (!handler) return;
      let called = false;
      await handler(ctx, async () => {
        if (called) throw new Error('next() called twice');
        called = true;
        await dispatch(i + 1);
      });
    };
    await dispatch(0);
  }
}
