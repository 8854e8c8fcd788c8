// A handler's context without a database or channel: for unit tests of the pipeline's parts.
import type { Context } from '../../src/bot/context.ts';
import { emptySession, type SessionState } from '../../src/bot/conversation.ts';
import type { Inbound, InboundAction } from '../../src/bot/inbound.ts';
import type { Outbound } from '../../src/bot/outbound.ts';
import type { Services } from '../../src/bot/services.ts';

export type FakeContext = Context & { said(): string[] };

export function fakeContext(
  input: { text?: string; action?: InboundAction; session?: SessionState; now?: Date; answer?: string } = {},
): FakeContext {
  const inbound: Inbound = {
    id: 'm1',
    channel: 'console',
    actor: 'alice',
    chat: { id: 'alice', kind: 'p2p' },
    text: input.text,
    action: input.action,
    receivedAt: new Date(0),
  };
  const replies: Outbound[] = [];
  const now = input.now ?? new Date('2026-01-01T00:00:00Z');
  const services = {
    now: () => now,
    log: { warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined },
    knowledge: { answer: async (q: string) => ({ answer: input.answer ?? `答：${q}`, citations: [] }) },
  } as unknown as Services;
  return {
    inbound,
    user: 'console:alice',
    text: input.text ?? '',
    session: input.session ?? emptySession(),
    services,
    replies,
    reply: (...out) => replies.push(...out),
    say: (value) => replies.push({ kind: 'text', text: value }),
    replaceCard: () => undefined,
    t: (key, vars) => (vars ? `${key} ${JSON.stringify(vars)}` : key),
    clickable: false,
    said: () => replies.map((r) => (r.kind === 'text' ? r.text : r.kind)),
  };
}
