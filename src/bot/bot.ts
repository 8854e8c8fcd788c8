// The one message pipeline: Inbound → (serialised per user) → router → Outbound[].
import { randomUUID } from 'node:crypto';
import type { Inbound } from './inbound.ts';
import { userKey } from './inbound.ts';
import type { Card, Outbound } from './outbound.ts';
import { text } from './outbound.ts';
import type { Context } from './context.ts';
import { ConversationStore, KeyedQueue, type SessionState } from './conversation.ts';
import { addToOutbox, type CardUpdate, type OutboxPart } from '../delivery/outbox.ts';
import { Router, type Handler, type Stage } from './router.ts';
import type { Services } from './services.ts';
import { cleanText, isTooLong, MAX_TEXT_LENGTH } from './clean-text.ts';
import type { HandleOptions } from './inline-window.ts';
import { ActionRegistry, type ActionHandler } from './actions.ts';
import { Dialogs, type Dialog, type DialogSpec } from './dialogs.ts';
import { clickedCardAddress } from '../channels/channel.ts';
import { safeError } from './safe-error.ts';

export class Bot {
  private readonly router = new Router();
  private readonly queue = new KeyedQueue();
  private readonly store: ConversationStore;
  private readonly actions = new ActionRegistry();
  private readonly dialogs = new Dialogs();

  constructor(readonly services: Services) {
    this.store = new ConversationStore(services.db.sql);
    this.router.use('action', this.actions.dispatch);
    this.router.use('dialog', this.dialogs.dispatch);
  }

  /** Declares a dialog; the handle returned is the only way to its state. */
  dialog<S>(spec: DialogSpec<S>): Dialog<S> {
    return this.dialogs.define(spec);
  }

  /** Registers the handler of one card action; a name registered twice throws at start-up. */
  action(name: string, handler: ActionHandler): this {
    this.actions.add(name, handler);
    return this;
  }

  use(stage: Stage, handler: Handler): this {
    this.router.use(stage, handler);
    return this;
  }

  /**
   * Handles one event; never throws — a failure becomes an apology reply and a log line. The replies
   * are returned; whether they were also written to the outbox depends on the channel's answer mode
   * and, for an inline answer, on whether `options.inline` was still open at commit.
   */
  handle(inbound: Inbound, options: HandleOptions = {}): Promise<Outbound[]> {
    const key = userKey(inbound.channel, inbound.actor);
    return this.queue.run(key, () => this.process(inbound, key, options));
  }

  private async process(inbound: Inbound, key: string, options: HandleOptions): Promise<Outbound[]> {
    const { services } = this;
    const started = performance.now();
    try {
      const session = await this.store.load(inbound.channel, inbound.actor);
      const replies: Outbound[] = [];
      const ctx: Context = {
        inbound,
        user: key,
        text: cleanText(inbound.text),
        session,
        services,
        replies,
        reply: (...out) => replies.push(...out),
        say: (value, citations) => replies.push(text(value, citations)),
        replaceCard: (card) => {
          if (inbound.action) ctx.replacement = card;
        },
        t: (k, vars) => services.texts.t(k, vars),
      };
      // Refused before any handler: no pattern or parser ever sees an unbounded text.
      if (isTooLong(inbound.text)) ctx.say(ctx.t('bot.too_long', { max: MAX_TEXT_LENGTH }));
      else await this.router.run(ctx, fallback);
      // Always saved: lastSeenAt is what "welcome back, continue?" is decided on.
      session.lastSeenAt = services.now().toISOString();
      await this.commit(inbound, session, replies, options, ctx.replacement);
      services.log.debug({ user: key, ms: +(performance.now() - started).toFixed(2) }, 'handled');
      return replies;
    } catch (error) {
      services.log.error({ err: safeError(error), user: key, event: inbound.id }, 'handler failed');
      const apology = [text(services.texts.t('bot.internal_error'))];
      await this.commitReplies(inbound, apology, options).catch((err: unknown) =>
        services.log.error({ err }, 'apology not queued'),
      );
      return apology;
    }
  }

  /**
   * Saves the session; for platform channels the replies are written to the outbox in the same
   * statement (issue 6), so a reply exists exactly when the state change that caused it does —
   * unless the caller carries them (the console, or an inline answer still within its deadline).
   */
  private async commit(
    inbound: Inbound,
    session: SessionState,
    replies: Outbound[],
    options: HandleOptions,
    replacement?: Card,
  ): Promise<void> {
    const { delivery } = this.services;
    // The clicked card's new content: inside the platform's answer if it still waits, else first in the batch.
    const update =
      replacement && !inbound.action?.inline?.offer(replacement) ? clickedCardUpdate(inbound, replacement) : undefined;
    if (options.inline?.take() || !delivery?.repliesViaOutbox(inbound.channel)) {
      await this.store.save(inbound.channel, inbound.actor, session);
      return;
    }
    const parts: OutboxPart[] = update ? [update, ...replies] : replies;
    // One row for the whole batch, so the replies arrive in the order they were written.
    const outbox =
      parts.length > 0
        ? { id: randomUUID(), channel: inbound.channel, address: delivery.replyAddress(inbound), payload: parts }
        : undefined;
    await this.store.save(inbound.channel, inbound.actor, session, outbox);
    if (outbox) delivery.enqueueCommitted(outbox);
  }

  private async commitReplies(inbound: Inbound, replies: Outbound[], options: HandleOptions): Promise<void> {
    const { delivery, db } = this.services;
    if (options.inline?.take() || !delivery?.repliesViaOutbox(inbound.channel)) return;
    await addToOutbox(db.prisma, [
      { channel: inbound.channel, address: delivery.replyAddress(inbound), outbound: replies },
    ]);
    delivery.wake();
  }
}

/** The change of the card a click came from, when the platform named it. */
function clickedCardUpdate(inbound: Inbound, card: Card): CardUpdate | undefined {
  const ref = inbound.action?.cardRef;
  if (!ref) return undefined;
  return { kind: 'update', card, ref, address: clickedCardAddress(inbound) };
}

/** When no handler answered: a file nobody expected, or an empty message. */
const fallback: Handler = (ctx) => {
  if (ctx.inbound.file) ctx.say(ctx.t('bot.unexpected_file'));
  else if (ctx.inbound.action) ctx.say(ctx.t('bot.unknown_action'));
  else ctx.say(ctx.t('bot.empty_message'));
};
