// Card actions by name: `bot.action('review.approve', handler)`, as grammY's `callbackQuery` and
// bolt's `app.action` do. A click or a WeChat numbered reply arrives as `Inbound.action`; the one
// handler registered under its name runs. An action nobody registered, or whose handler calls
// next() (e.g. "submit" with no form open), goes on down the chain to the "unknown action" reply.
import type { Context } from './context.ts';
import type { InboundAction } from './inbound.ts';
import type { Handler, Next } from './router.ts';

export type ActionContext = Context & { action: InboundAction };
export type ActionHandler = (ctx: ActionContext, next: Next) => Promise<void> | void;

export class ActionRegistry {
  private readonly handlers = new Map<string, ActionHandler>();

  /** Refuses a second handler for a name: two modules answering one button is a start-up error. */
  add(name: string, handler: ActionHandler): void {
    if (!name.trim()) throw new Error('an action needs a name');
    if (this.handlers.has(name)) throw new Error(`action "${name}" is registered twice`);
    this.handlers.set(name, handler);
  }

  has(name: string): boolean {
    return this.handlers.has(name);
  }

  /** The router's action stage. */
  readonly dispatch: Handler = (ctx, next) => {
    const action = ctx.inbound.action;
    const handler = action ? this.handlers.get(action.name) : undefined;
    if (!action || !handler) return next();
    return handler({ ...ctx, action: { ...action, value: action.value ?? {} } }, next);
  };
}
