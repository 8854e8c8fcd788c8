// Per-user conversation state in the database: one row per channel + user, small versioned JSON.
// Messages of one user are handled one at a time, in order (KeyedQueue); different users in parallel.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/sql.ts';
import type { Address } from '../channels/channel.ts';

export const SESSION_VERSION = 1;

export type DialogState = {
  name: string;
  /** The dialog's state version (bot/dialogs.ts); absent in rows written before versions: 1. */
  v?: number;
  data: Record<string, unknown>;
  startedAt: string;
};

export type SessionState = {
  v: number;
  /** Read and written only through bot/dialogs.ts: each dialog owns its own state. */
  dialog?: DialogState;
  /** Free slots owned by modules, keyed by module name. */
  slots: Record<string, unknown>;
  lastSeenAt?: string;
};

export const emptySession = (): SessionState => ({ v: SESSION_VERSION, slots: {} });

/** Older or damaged rows are upgraded or reset rather than crashing the handler. */
export function readSession(raw: unknown): SessionState {
  if (typeof raw !== 'object' || raw === null) return emptySession();
  const value = raw as Partial<SessionState>;
  if (value.v !== SESSION_VERSION) return emptySession();
  return {
    v: SESSION_VERSION,
    dialog: value.dialog,
    slots: typeof value.slots === 'object' && value.slots !== null ? value.slots : {},
    lastSeenAt: value.lastSeenAt,
  };
}

/**
 * A reply batch written with the session, as one outbox row (delivery/outbox.ts). It is written as
 * `queued`: the caller hands it to its deliver queue right after the commit (Delivery.enqueueCommitted).
 */
export type OutboxRow = { id: string; channel: string; address: Address; payload: unknown };

/** Plain SQL (db/sql.ts): these run for every message. */
export class ConversationStore {
  constructor(private readonly sql: Sql) {}

  async load(channel: string, userId: string): Promise<SessionState> {
    const rows = await this.sql.query<{ state: unknown }>(
      'SELECT state FROM "Conversation" WHERE channel = $1 AND "userId" = $2',
      [channel, userId],
    );
    return readSession(rows[0]?.state);
  }

  /**
   * Saves the session; with `outbox`, also writes the replies' outbox row — one statement, so the
   * two exist together or not at all.
   */
  async save(channel: string, userId: string, state: SessionState, outbox?: OutboxRow): Promise<void> {
    const now = new Date();
    const params: unknown[] = [randomUUID(), channel, userId, SESSION_VERSION, JSON.stringify(state), now];
    const upsert = `INSERT INTO "Conversation" (id, channel, "userId", version, state, "createdAt", "updatedAt")
      VALUES ($1, $2, $3, $4, $5::jsonb, $6, $6)
      ON CONFLICT (channel, "userId") DO UPDATE
        SET version = excluded.version, state = excluded.state, "updatedAt" = excluded."updatedAt"`;
    if (!outbox) {
      await this.sql.query(upsert, params);
      return;
    }
    params.push(outbox.id, outbox.channel, JSON.stringify(outbox.address), JSON.stringify(outbox.payload));
    await this.sql.query(
      `WITH saved AS (${upsert} RETURNING 1)
      INSERT INTO "OutboxMessage" (id, channel, address, payload, status, attempts, "createdAt", "queuedAt")
      SELECT $7, $8, $9::jsonb, $10::jsonb, 'queued', 0, $6, $6 FROM saved`,
      params,
    );
  }
}

/** Runs tasks with the same key one after another, in arrival order; other keys run in parallel. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  get size(): number {
    return this.tails.size;
  }
}
