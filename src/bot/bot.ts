// The one message pipeline: Inbound → (serialised per user) → router → Outbound[].
import { createHash } from 'node:crypto';
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
import { backoffMs, isTransient, RetryLater } from './transient.ts';
import type { HandleOptions } from './inline-window.ts';
import { ActionRegistry, type ActionHandler } from './actions.ts';
import { Dialogs, type Dialog, type DialogSpec, type Interruption } from './dialogs.ts';
import { clickedCardAddress } from '../channels/channel.ts';
import { clickableButtons } from '../channels/registry.ts';
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

  /** A message taken even while a dialog is open (bot/dialogs.ts, Interruption). */
  interrupt(interruption: Interruption): this {
    this.dialogs.interrupt(interruption);
    return this;
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
   * Handles one event. A transient failure (database or Redis away, see transient.ts) is tried again
   * here a few times; if it persists, an event its channel keeps (`inbound.kept`) is thrown back as
   * RetryLater so the channel tries it later, any other gets the apology. A permanent failure (a bug)
   * gets the apology. Otherwise never throws. The replies are returned; whether they were also
   * written to the outbox depends on the channel's answer mode and, for an inline answer, on whether
   * `options.inline` was still open at commit.
   */
  handle(inbound: Inbound, options: HandleOptions = {}): Promise<Outbound[]> {
    const key = userKey(inbound.channel, inbound.actor);
    return this.queue.run(key, () => this.processWithRetries(inbound, key, options));
  }

  private async processWithRetries(inbound: Inbound, key: string, options: HandleOptions): Promise<Outbound[]> {
    const { log } = this.services;
    if (inbound.kept?.giveUp) return this.apologize(inbound, key, options);
    // Within the user's turn, so their next message still waits for this one.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.process(inbound, key, options);
      } catch (error) {
        if (!isTransient(error)) {
          log.error({ err: safeError(error), user: key, event: inbound.id }, 'handler failed');
          return this.apologize(inbound, key, options);
        }
        if (attempt + 1 >= IN_TURN_TRIES) {
          if (inbound.kept) throw new RetryLater(error);
          log.error(
            { err: safeError(error), user: key, event: inbound.id },
            'handler failed (transient, retries used up)',
          );
          return this.apologize(inbound, key, options);
        }
        log.warn({ err: safeError(error), user: key, event: inbound.id, attempt }, 'transient failure, retrying');
        await sleep(backoffMs(attempt, 200, 2_000));
      }
    }
  }

  private async process(inbound: Inbound, key: string, options: HandleOptions): Promise<Outbound[]> {
    const { services } = this;
    const started = performance.now();
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
      replaceCard: (card, note) => {
        if (!inbound.action) {
          if (note) ctx.say(note);
          return;
        }
        ctx.replacement = card;
        ctx.replacementNote = note;
      },
      t: (k, vars) => services.texts.t(k, vars),
      clickable: clickableButtons(inbound.channel),
    };
    // Refused before any handler: no pattern or parser ever sees an unbounded text.
    if (isTooLong(inbound.text)) ctx.say(ctx.t('bot.too_long', { max: MAX_TEXT_LENGTH }));
    else await this.router.run(ctx, fallback);
    // Always saved: lastSeenAt is what "welcome back, continue?" is decided on.
    session.lastSeenAt = services.now().toISOString();
    await this.commit(inbound, session, replies, options, ctx.replacement, ctx.replacementNote);
    services.log.debug({ user: key, ms: +(performance.now() - started).toFixed(2) }, 'handled');
    return replies;
  }

  /**
   * The apology, kept: written to the outbox once per event (its dedupe key), tried again through a
   * transient failure; an event its channel keeps is thrown back (RetryLater) until it can be written.
   */
  private async apologize(inbound: Inbound, key: string, options: HandleOptions): Promise<Outbound[]> {
    const { services } = this;
    const apology = [text(services.texts.t('bot.internal_error'))];
    for (let attempt = 0; ; attempt++) {
      try {
        await this.commitApology(inbound, apology, options);
        return apology;
      } catch (error) {
        if (!isTransient(error) || attempt + 1 >= IN_TURN_TRIES) {
          if (inbound.kept && isTransient(error)) throw new RetryLater(error);
          services.log.error({ err: safeError(error), user: key, event: inbound.id }, 'apology not queued');
          return apology;
        }
        await sleep(backoffMs(attempt, 200, 2_000));
      }
    }
  }

  /**
   * Saves the session; for platform channels the replies are written to the outbox in the same
   * statement (issue 6), so a reply exists exactly when the state change that caused it does —
   * unless the caller carries them (the console, or an inline answer still within its deadline).
   * The row's id comes from the event: if an earlier try committed and only its answer was lost
   * (a connection reset after COMMIT), this try's insert conflicts, nothing is saved twice, and the
   * event counts as handled — the same holds for a redelivery that slipped past the dedup.
   */
  private async commit(
    inbound: Inbound,
    session: SessionState,
    replies: Outbound[],
    options: HandleOptions,
    replacement?: Card,
    note?: string,
  ): Promise<void> {
    const { delivery } = this.services;
    // The clicked card's new content: inside the platform's answer if it still waits, else first in
    // the batch; its note beside it where the answer shows one, else as the last reply.
    const inline = inbound.action?.inline;
    const offered = replacement !== undefined && inline?.offer(replacement, note) === true;
    const update = replacement && !offered ? clickedCardUpdate(inbound, replacement) : undefined;
    if (note && !(offered && inline?.showsNote)) replies.push(text(note));
    const carried = options.inline?.take() === true;
    if (!delivery?.repliesViaOutbox(inbound.channel)) {
      await this.store.save(inbound.channel, inbound.actor, session);
      return;
    }
    // Replies the platform's answer carries (a passive reply) are not written again; the clicked
    // card's new content cannot travel with them (an answer is not an edit of the card), so it still
    // goes through the outbox — else the card would keep its old numbers and never show the change.
    const parts: OutboxPart[] = [...(update ? [update] : []), ...(carried ? [] : replies)];
    // One row for the whole batch, so the replies arrive in the order they were written.
    const outbox =
      parts.length > 0
        ? { id: replyRowId(inbound), channel: inbound.channel, address: delivery.replyAddress(inbound), payload: parts }
        : undefined;
    try {
      await this.store.save(inbound.channel, inbound.actor, session, outbox);
    } catch (error) {
      if (outbox && isDuplicateRow(error)) {
        this.services.log.info({ event: inbound.id }, 'event already answered by an earlier try');
        // Its job may never have been added: queue the row by id (the worker reads what was committed).
        delivery.enqueueCommitted({ ...outbox, payload: undefined });
        return;
      }
      throw error;
    }
    if (outbox) delivery.enqueueCommitted(outbox);
  }

  private async commitApology(inbound: Inbound, replies: Outbound[], options: HandleOptions): Promise<void> {
    const { delivery, db } = this.services;
    if (options.inline?.take() || !delivery?.repliesViaOutbox(inbound.channel)) return;
    await addToOutbox(db.prisma, [
      {
        channel: inbound.channel,
        address: delivery.replyAddress(inbound),
        outbound: replies,
        dedupeKey: `apology:${inbound.channel}:${inbound.id}`,
      },
    ]);
    delivery.wake();
  }
}

/** Tries of one event within the user's turn before it is handed back (kept) or apologised for. */
const IN_TURN_TRIES = 4;

/** The reply row of an event: a UUID derived from the event, the same on every try. */
export function replyRowId(inbound: Inbound): string {
  const hex = createHash('sha256').update(`reply:${inbound.channel}:${inbound.id}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** pg's unique violation on the outbox row's primary key. */
function isDuplicateRow(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  return e?.code === '23505' && (e.constraint === 'OutboxMessage_pkey' || /OutboxMessage_pkey/.test(e.message ?? ''));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
