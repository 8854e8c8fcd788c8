// Direct delivery (no Redis): replies to one chat leave in order, transient failures are retried with
// backoff, rate limits are waited out for the time the platform asked, permanent failures stop.
import { describe, expect, it } from 'vitest';
import { BotError } from '../../src/bot/errors.ts';
import type { Outbound } from '../../src/bot/outbound.ts';
import type { Address, Channel } from '../../src/channels/channel.ts';
import { DirectDelivery } from '../../src/delivery/direct.ts';
import { createLogger } from '../../src/log.ts';

function scriptedChannel(failures: Record<string, BotError[]>) {
  const sent: { chat: string; text: string; key: string }[] = [];
  const channel: Channel = {
    name: 'scripted',
    start: async () => {},
    stop: async () => {},
    async send(address: Address, outbound: Outbound, key?: string) {
      const text = outbound.kind === 'text' ? outbound.text : '';
      const failure = failures[text]?.shift();
      if (failure) throw failure;
      sent.push({ chat: address.chatId, text, key: key ?? '' });
      return `ref-${sent.length}`;
    },
  };
  return { channel, sent };
}

const text = (t: string): Outbound => ({ kind: 'text', text: t });

describe('DirectDelivery', () => {
  it('keeps order per chat through retries and honours the rate-limit delay', async () => {
    const waits: number[] = [];
    const { channel, sent } = scriptedChannel({
      一: [new BotError('PLATFORM_TRANSIENT', 'reset'), new BotError('PLATFORM_TRANSIENT', 'reset')],
      二: [new BotError('PLATFORM_RATE_LIMITED', 'slow down', { retryAfterMs: 1234 })],
    });
    const delivery = new DirectDelivery({
      log: createLogger('silent'),
      baseDelayMs: 100,
      sleep: async (ms) => void waits.push(ms),
    });
    await Promise.all([
      delivery.deliver(channel, { chatId: 'a' }, [text('一'), text('二')], 'k1'),
      delivery.deliver(channel, { chatId: 'a' }, [text('三')], 'k2'),
    ]);
    expect(sent.map((s) => s.text)).toEqual(['一', '二', '三']);
    expect(sent.map((s) => s.key)).toEqual(['k1:0', 'k1:1', 'k2:0']);
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
    expect(waits[2]).toBe(1234);
  });

  it('gives up on a permanent failure without retrying and goes on with the next reply', async () => {
    const waits: number[] = [];
    const { channel, sent } = scriptedChannel({
      坏: [new BotError('PLATFORM_PERMANENT', 'bot not in chat', { permanent: true })],
    });
    const delivery = new DirectDelivery({ log: createLogger('silent'), sleep: async (ms) => void waits.push(ms) });
    await delivery.deliver(channel, { chatId: 'b' }, [text('坏'), text('好')], 'k');
    expect(sent.map((s) => s.text)).toEqual(['好']);
    expect(waits).toEqual([]);
  });
});
