// The playground channel: translates between the bot and browser pages. Messages for a persona are
// kept in a short in-memory log and pushed live to the pages watching it (server-sent events);
// cards keep their buttons here, so a click names a card and a button index, never an action or a
// value the page could forge. Files sent to a persona are downloadable by that persona only.
import { randomUUID } from 'node:crypto';
import type { Card, Citation, Outbound } from '../../bot/outbound.ts';
import type { Inbound } from '../../bot/inbound.ts';
import type { Address, Channel, OnInbound } from '../channel.ts';
import type { ReadStoredFile } from '../stored-file.ts';
import type { PersonaStore } from './personas.ts';

/** What the page's routes need besides the channel itself. */
export type PlaygroundParts = {
  personas: PersonaStore;
  readFile: ReadStoredFile;
  now: () => Date;
  /** What the page says about this trial (the application window). */
  info: { trial: boolean; applicationsOpen: boolean; deadline: string | undefined };
};

/** What a page sees of a message: cards without their actions, files as a download link. */
export type Entry = {
  ref: string;
  at: string;
  from: 'bot' | 'user';
  kind: 'text' | 'card' | 'file';
  text?: string;
  citations?: Citation[];
  card?: { title: string; lines: string[]; fields: { label: string; value: string }[]; buttons: ButtonView[] };
  expiresAt?: string;
  file?: { id: string; name: string };
};
type ButtonView = { label: string; style: string };

export type StreamEvent = { type: 'message' | 'update'; persona: string; entry: Entry };

/** Messages kept per persona (the page shows them on opening). */
export const LOG_SIZE = 300;

type Stored = { entry: Entry; card?: Card };

export class PlaygroundChannel implements Channel {
  readonly name = 'playground';
  private onInbound: OnInbound | undefined;
  private readonly logs = new Map<string, Stored[]>();
  private readonly files = new Map<string, Set<string>>();
  private readonly sentKeys = new Map<string, string>();
  private readonly watchers = new Set<(event: StreamEvent) => void>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(readonly parts: PlaygroundParts) {}

  async start(onInbound: OnInbound): Promise<void> {
    this.onInbound = onInbound;
  }

  async send(address: Address, outbound: Outbound, idempotencyKey?: string): Promise<string> {
    const done = idempotencyKey ? this.sentKeys.get(idempotencyKey) : undefined;
    if (done) return done;
    const persona = address.userId ?? address.chatId;
    const stored = this.toStored(persona, outbound);
    this.append(persona, stored);
    if (idempotencyKey) this.sentKeys.set(idempotencyKey, stored.entry.ref);
    return stored.entry.ref;
  }

  async update(ref: string, outbound: Outbound, address: Address, idempotencyKey?: string): Promise<string> {
    const persona = address.userId ?? address.chatId;
    const found = this.logs.get(persona)?.find((s) => s.entry.ref === ref);
    if (!found || outbound.kind !== 'card') return this.send(address, outbound, idempotencyKey);
    this.replaceCard(persona, found, outbound.card);
    return ref;
  }

  async stop(): Promise<void> {
    this.watchers.clear();
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** The persona's messages, oldest first. */
  history(persona: string): Entry[] {
    return (this.logs.get(persona) ?? []).map((s) => s.entry);
  }

  watch(listener: (event: StreamEvent) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  /** Whether this file was sent to this persona (the only files a persona may download). */
  mayDownload(persona: string, fileId: string): boolean {
    return this.files.get(persona)?.has(fileId) ?? false;
  }

  /** A text or a file from the persona: shown in its log, then handed to the bot. */
  async fromPersona(persona: string, message: { text?: string; file?: Inbound['file'] }): Promise<void> {
    const entry: Entry = message.file
      ? { ...this.base('user'), kind: 'file', file: { id: '', name: message.file.name } }
      : { ...this.base('user'), kind: 'text', text: message.text ?? '' };
    this.append(persona, { entry });
    await this.handle({ ...this.inboundBase(persona), text: message.text, file: message.file });
  }

  /**
   * A click on button `index` of card `ref` in the persona's log. The action and its value come
   * from the card as it was sent; the replacement the bot makes for the clicked card (within the
   * click) replaces it at once. Refusals: `no_card`, `no_button`, `expired`.
   */
  async click(
    persona: string,
    ref: string,
    index: number,
    now: Date,
  ): Promise<'ok' | 'no_card' | 'no_button' | 'expired'> {
    const stored = this.logs.get(persona)?.find((s) => s.entry.ref === ref);
    if (!stored?.card) return 'no_card';
    const button = stored.card.buttons?.[index];
    if (!button) return 'no_button';
    if (stored.card.expiresAt && Date.parse(stored.card.expiresAt) <= now.getTime()) return 'expired';
    let open = true;
    let replacement: Card | undefined;
    const inbound: Inbound = {
      ...this.inboundBase(persona),
      action: {
        name: button.action,
        value: { ...button.value },
        cardRef: ref,
        inline: {
          offer(card) {
            if (!open) return false;
            replacement = card;
            return true;
          },
        },
      },
    };
    try {
      await this.handle(inbound);
    } finally {
      open = false;
    }
    if (replacement) this.replaceCard(persona, stored, replacement);
    return 'ok';
  }

  private async handle(inbound: Inbound): Promise<void> {
    if (!this.onInbound) throw new Error('playground channel not started');
    const run = this.onInbound(inbound);
    this.pending.add(run);
    try {
      await run;
    } finally {
      this.pending.delete(run);
    }
  }

  private inboundBase(persona: string): Inbound {
    return {
      id: randomUUID(),
      channel: this.name,
      actor: persona,
      chat: { id: persona, kind: 'p2p' },
      receivedAt: new Date(),
    };
  }

  private base(from: 'bot' | 'user'): Pick<Entry, 'ref' | 'at' | 'from'> {
    return { ref: `m-${randomUUID()}`, at: new Date().toISOString(), from };
  }

  private toStored(persona: string, outbound: Outbound): Stored {
    switch (outbound.kind) {
      case 'text':
        return { entry: { ...this.base('bot'), kind: 'text', text: outbound.text, citations: outbound.citations } };
      case 'file': {
        const allowed = this.files.get(persona) ?? new Set<string>();
        allowed.add(outbound.fileId);
        this.files.set(persona, allowed);
        const entry: Entry = {
          ...this.base('bot'),
          kind: 'file',
          file: { id: outbound.fileId, name: outbound.name },
          ...(outbound.caption ? { text: outbound.caption } : {}),
        };
        return { entry };
      }
      case 'card':
        return { entry: { ...this.base('bot'), kind: 'card', ...cardView(outbound.card) }, card: outbound.card };
    }
  }

  private replaceCard(persona: string, stored: Stored, card: Card): void {
    stored.card = card;
    stored.entry = { ...stored.entry, ...cardView(card), at: new Date().toISOString() };
    if (!card.expiresAt) delete stored.entry.expiresAt;
    this.emit({ type: 'update', persona, entry: stored.entry });
  }

  private append(persona: string, stored: Stored): void {
    const log = this.logs.get(persona) ?? [];
    log.push(stored);
    if (log.length > LOG_SIZE) log.splice(0, log.length - LOG_SIZE);
    this.logs.set(persona, log);
    this.emit({ type: 'message', persona, entry: stored.entry });
  }

  private emit(event: StreamEvent): void {
    for (const watcher of this.watchers) watcher(event);
  }
}

function cardView(card: Card): Pick<Entry, 'card' | 'expiresAt'> {
  return {
    card: {
      title: card.title,
      lines: card.lines ?? [],
      fields: card.fields ?? [],
      buttons: (card.buttons ?? []).map((b) => ({ label: b.label, style: b.style ?? 'default' })),
    },
    ...(card.expiresAt ? { expiresAt: card.expiresAt } : {}),
  };
}
