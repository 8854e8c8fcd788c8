// Per-user conversation state in the database: one row per channel + user, small versioned JSON.
// Messages of one user are handled one at a time, in order (KeyedQueue); different users in parallel.
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

export const SESSION_VERSION = 1;

export type DialogState = {
  name: string;
  data: Record<string, unknown>;
  startedAt: string;
};

export type SessionState = {
  v: number;
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

export class ConversationStore {
  constructor(private readonly prisma: PrismaClient) {}

  async load(channel: string, userId: string): Promise<SessionState> {
    const row = await this.prisma.conversation.findUnique({
      where: { channel_userId: { channel, userId } },
    });
    return readSession(row?.state);
  }

  /** `client` is a transaction when the replies are saved to the outbox together with the state. */
  async save(
    channel: string,
    userId: string,
    state: SessionState,
    client: Prisma.TransactionClient | PrismaClient = this.prisma,
  ): Promise<void> {
    const json = JSON.parse(JSON.stringify(state)) as object;
    await client.conversation.upsert({
      where: { channel_userId: { channel, userId } },
      create: { channel, userId, version: SESSION_VERSION, state: json },
      update: { version: SESSION_VERSION, state: json },
    });
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
