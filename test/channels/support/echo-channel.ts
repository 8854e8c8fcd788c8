// A throwaway channel that exists only in tests: one HTTP route, POST /echo/messages {user, text},
// answered inline (in the HTTP response) when the bot is done within the budget, else through the
// outbox (what `send` receives is kept in `sent`). It is run under `serve` through the channel
// registry's seams alone: nothing in src/ knows it.
import { randomUUID } from 'node:crypto';
import type { Address, Channel, OnInbound } from '../../../src/channels/channel.ts';
import { defineChannel } from '../../../src/channels/define.ts';
import type { Outbound } from '../../../src/bot/outbound.ts';

export type EchoSent = { address: Address; outbound: Outbound };

class EchoChannel implements Channel {
  readonly name = 'echo';
  private onInbound: OnInbound | undefined;

  constructor(private readonly sent: EchoSent[]) {}

  async start(onInbound: OnInbound): Promise<void> {
    this.onInbound = onInbound;
  }

  async stop(): Promise<void> {}

  /** One message from the wire; resolves to the replies to answer with, or undefined (outbox). */
  async receive(message: { user: string; text: string }): Promise<Outbound[] | undefined> {
    if (!this.onInbound) throw new Error('echo channel not started');
    const replies = await this.onInbound({
      id: randomUUID(),
      channel: this.name,
      actor: message.user,
      chat: { id: message.user, kind: 'p2p' },
      text: message.text,
      receivedAt: new Date(),
    });
    return replies ?? undefined;
  }

  async send(address: Address, outbound: Outbound): Promise<string> {
    this.sent.push({ address, outbound });
    return `echo-${this.sent.length}`;
  }
}

export function defineEchoChannel(options: { budgetMs: number }) {
  const sent: EchoSent[] = [];
  const definition = defineChannel({
    name: 'echo',
    env: {},
    settings: () => ({}),
    answerMode: { inline: { budgetMs: options.budgetMs } },
    sendsFrom: 'any',
    routes(server, { channel }: { channel: EchoChannel }) {
      server.post('/echo/messages', async (request, reply) => {
        const body = request.body as { user?: unknown; text?: unknown } | undefined;
        if (typeof body?.user !== 'string' || typeof body.text !== 'string')
          return reply.code(400).send({ error: 'user and text required' });
        const replies = await channel.receive({ user: body.user, text: body.text });
        return reply.send(replies ? { replies } : { queued: true });
      });
    },
    create: async (): Promise<EchoChannel> => new EchoChannel(sent),
  });
  return { definition, sent };
}
