// Dialogs that own their state, in the manner of grammY conversations: a module declares a dialog
// (its name, a zod schema and version for its state, what a message does while it is open, where
// it picks up after a question) and gets back a handle. Only the handle reads or writes that
// state; the session keeps it as `{ name, v, data, startedAt }`. A state stored by another version
// or damaged is migrated when the dialog knows how, else dropped with a clear reply — never a crash.
// A few messages are taken even while a dialog is open (interruptions: a vote typed as `投票 12 赞成`);
// the dialog then says where it picks up, and decides itself (`takes`) whether a message that is
// only perhaps meant for another module is an answer it can use.
import type { ZodType } from 'zod';
import type { Answer } from '../knowledge/answer.ts';
import type { Context } from './context.ts';
import type { DialogState, SessionState } from './conversation.ts';
import type { Handler, Next } from './router.ts';

export type DialogSpec<S> = {
  name: string;
  /** Raise it when the state's shape changes; `migrate` upgrades what older versions stored. */
  version: number;
  schema: ZodType<S>;
  /** An older version's state (its version given) in this version's shape; undefined drops it. */
  migrate?: (stored: unknown, from: number) => unknown;
  /** Text key said when a stored state is dropped (default `bot.dialog_dropped`). */
  droppedText?: string;
  /** Left open this long, the dialog is over: the message is taken as what it is. */
  expiresAfterMs?: number;
  /** Text key said when a message finds the dialog expired, before the message is taken as what it is. */
  expiredText?: string;
  /**
   * A message (never a card action: those go to their handlers) while the dialog is open. The state
   * may be changed in place or replaced with `save`. next() passes the message on down the chain.
   */
  resume(ctx: Context, state: S, next: Next): Promise<void> | void;
  /** How a question asked mid-dialog is answered (default: from the corpus, knowledge.answer). */
  answer?(ctx: Context): Promise<Answer>;
  /** After a question asked mid-dialog was answered (`answerQuestion`): how the dialog picks up. */
  afterQuestion?(ctx: Context, state: S): Promise<void> | void;
  /**
   * Whether the current step can use this message as an answer. Asked by an interruption that is
   * not sure the message is its own (a bare 赞成 while a vote awaits): true keeps the message for
   * the dialog. Default true: a dialog keeps whatever it might use.
   */
  takes?(ctx: Context, state: S): boolean;
  /**
   * After another module took a message mid-dialog (an interruption, e.g. `投票 12 赞成`): says where
   * the dialog picks up. Default: `afterQuestion`.
   */
  afterInterruption?(ctx: Context, state: S): Promise<void> | void;
};

/**
 * A message another module takes even while a dialog is open — an explicit command that cannot be
 * an answer (`投票 12 赞成`). `dialogTakes` tells whether the open dialog's current step could use the
 * message; an interruption unsure of the message leaves it to the dialog then. True: the message
 * was taken, and the dialog then says where it picks up.
 */
export type Interruption = (ctx: Context, dialogTakes: () => boolean) => Promise<boolean>;

/** The one way into a dialog's state: held by the module that declared it. */
export class Dialog<S> {
  constructor(private readonly spec: DialogSpec<S>) {}

  get name(): string {
    return this.spec.name;
  }

  /** Opens this dialog with its first state (whatever dialog was open before is over). */
  enter(ctx: Context, state: S): S {
    const data = this.spec.schema.parse(state);
    session(ctx).dialog = {
      name: this.name,
      v: this.spec.version,
      data: data as Record<string, unknown>,
      startedAt: ctx.services.now().toISOString(),
    };
    return data;
  }

  /** Replaces the state of this dialog, when it is the one open. */
  save(ctx: Context, state: S): void {
    const stored = session(ctx).dialog;
    if (stored?.name === this.name) stored.data = this.spec.schema.parse(state) as Record<string, unknown>;
  }

  /** Closes this dialog; another dialog's state is left alone. */
  leave(ctx: Context): void {
    const s = session(ctx);
    if (s.dialog?.name === this.name) delete s.dialog;
  }

  isOpen(ctx: Context): boolean {
    return session(ctx).dialog?.name === this.name;
  }

  /**
   * This dialog's state (a live object: changes in place are saved), or undefined when another or
   * no dialog is open. A state that cannot be read is dropped, with the dialog's reply.
   */
  state(ctx: Context): S | undefined {
    const stored = session(ctx).dialog;
    if (stored?.name !== this.name) return undefined;
    const state = this.read(stored);
    if (state === undefined) this.drop(ctx);
    return state;
  }

  /**
   * The state for a card action (actions pass the dialog stage by): like `state`, but a dialog left
   * open past `expiresAfterMs` is over — closed, undefined — as it is for a message.
   */
  liveState(ctx: Context): S | undefined {
    const stored = session(ctx).dialog;
    if (stored?.name !== this.name) return undefined;
    if (this.expired(ctx, stored)) {
      delete session(ctx).dialog;
      return undefined;
    }
    return this.state(ctx);
  }

  private expired(ctx: Context, stored: DialogState): boolean {
    if (this.spec.expiresAfterMs === undefined) return false;
    return ctx.services.now().getTime() - Date.parse(stored.startedAt) > this.spec.expiresAfterMs;
  }

  /** A question mid-dialog: answered from the corpus, then the dialog says where it picks up. */
  async answerQuestion(ctx: Context, state: S): Promise<void> {
    const result = await (this.spec.answer ? this.spec.answer(ctx) : ctx.services.knowledge.answer(ctx.text));
    ctx.say(result.answer, result.citations);
    await this.spec.afterQuestion?.(ctx, state);
  }

  /** Runs a message through the open dialog (the dialog stage, via Dialogs). */
  async run(ctx: Context, next: Next, interruptions: readonly Interruption[] = []): Promise<void> {
    const stored = session(ctx).dialog!;
    if (this.expired(ctx, stored)) {
      delete session(ctx).dialog;
      if (this.spec.expiredText) ctx.say(ctx.t(this.spec.expiredText));
      return next();
    }
    const state = this.state(ctx);
    if (state === undefined) return next();
    if (!ctx.inbound.file && ctx.text) {
      const takes = () => this.spec.takes?.(ctx, state) ?? true;
      for (const interruption of interruptions) {
        if (!(await interruption(ctx, takes))) continue;
        // The interruption may have closed or replaced the dialog; only one still open picks up.
        if (this.isOpen(ctx)) await (this.spec.afterInterruption ?? this.spec.afterQuestion)?.(ctx, state);
        return;
      }
    }
    await this.spec.resume(ctx, state, next);
  }

  private read(stored: DialogState): S | undefined {
    const from = stored.v ?? 1;
    let data: unknown = stored.data;
    try {
      if (from !== this.spec.version) data = from < this.spec.version ? this.spec.migrate?.(data, from) : undefined;
    } catch {
      data = undefined;
    }
    const parsed = this.spec.schema.safeParse(data);
    if (!parsed.success) return undefined;
    stored.v = this.spec.version;
    stored.data = parsed.data as Record<string, unknown>;
    return parsed.data;
  }

  private drop(ctx: Context): void {
    ctx.services.log.warn({ user: ctx.user, dialog: this.name }, 'dialog state unreadable, dropped');
    delete session(ctx).dialog;
    ctx.say(ctx.t(this.spec.droppedText ?? 'bot.dialog_dropped'));
  }
}

/** The registry of dialogs and the router's dialog stage. */
export class Dialogs {
  private readonly byName = new Map<string, Dialog<unknown>>();
  private readonly interruptions: Interruption[] = [];

  /** Registers a message that is taken even mid-dialog (see Interruption). */
  interrupt(interruption: Interruption): void {
    this.interruptions.push(interruption);
  }

  define<S>(spec: DialogSpec<S>): Dialog<S> {
    if (this.byName.has(spec.name)) throw new Error(`dialog "${spec.name}" is registered twice`);
    const dialog = new Dialog(spec);
    this.byName.set(spec.name, dialog as Dialog<unknown>);
    return dialog;
  }

  /** The router's dialog stage: the open dialog takes the message; card actions pass by. */
  readonly dispatch: Handler = (ctx, next) => {
    const stored = session(ctx).dialog;
    if (!stored || ctx.inbound.action) return next();
    const dialog = this.byName.get(stored.name);
    if (dialog) return dialog.run(ctx, next, this.interruptions);
    // A dialog this version of the bot no longer has.
    ctx.services.log.warn({ user: ctx.user, dialog: stored.name }, 'unknown dialog dropped');
    delete session(ctx).dialog;
    ctx.say(ctx.t('bot.dialog_dropped'));
    return next();
  };
}

/** Which dialog is open, if any — its name only, never its state. */
export function openDialogName(ctx: Context): string | undefined {
  return session(ctx).dialog?.name;
}

// Handlers see the session without its dialog slot (context.ts); only this file reaches it.
const session = (ctx: Context): SessionState => ctx.session as SessionState;
