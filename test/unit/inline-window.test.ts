// The inline answer's handshake: the bot takes the window at commit, the channel closes it at the
// deadline; whoever comes first decides, so replies go either in the response or to the outbox.
import { describe, expect, it } from 'vitest';
import { InlineWindow, answerWithin } from '../../src/bot/inline-window.ts';
import type { Inbound } from '../../src/bot/inbound.ts';
import type { Outbound } from '../../src/bot/outbound.ts';

const inbound: Inbound = {
  id: '1',
  channel: 'echo',
  actor: 'a',
  chat: { id: 'a', kind: 'p2p' },
  receivedAt: new Date(),
};
const reply: Outbound[] = [{ kind: 'text', text: '好' }];

describe('InlineWindow', () => {
  it('is taken by a commit before the deadline, and then cannot be closed', () => {
    const w = new InlineWindow(100, () => 50);
    expect(w.take()).toBe(true);
    expect(w.close()).toBe(false);
    expect(w.take()).toBe(true);
  });

  it('is not taken once closed, nor after the deadline', () => {
    const closed = new InlineWindow(100, () => 50);
    expect(closed.close()).toBe(true);
    expect(closed.take()).toBe(false);
    const late = new InlineWindow(100, () => 100);
    expect(late.take()).toBe(false);
    expect(late.close()).toBe(true);
  });
});

describe('answerWithin', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('returns the replies of a handling that committed in time', async () => {
    const bot = {
      handle: async (_i: Inbound, o?: { inline?: InlineWindow }) => (o?.inline?.take(), reply),
    };
    expect(await answerWithin(bot, inbound, 1_000)).toEqual(reply);
  });

  it('returns undefined at the deadline when the handling has not committed', async () => {
    let carried: boolean | undefined;
    const bot = {
      handle: async (_i: Inbound, o?: { inline?: InlineWindow }) => {
        await sleep(150);
        carried = o?.inline?.take();
        return reply;
      },
    };
    expect(await answerWithin(bot, inbound, 30)).toBeUndefined();
    await sleep(200);
    expect(carried).toBe(false);
  });

  it('hands a kept event the handling that goes on past the deadline, to settle it only when done', async () => {
    let continuing: Promise<unknown> | undefined;
    let committed = false;
    const kept: Inbound = { ...inbound, kept: { continues: (handling) => (continuing = handling) } };
    const bot = {
      handle: async () => {
        await sleep(150);
        committed = true;
        return reply;
      },
    };
    expect(await answerWithin(bot, kept, 30)).toBeUndefined();
    expect(committed).toBe(false);
    expect(continuing).toBeDefined();
    expect(await continuing).toEqual(reply);
    expect(committed).toBe(true);
  });

  it('waits for a commit that took the window just before the deadline', async () => {
    const bot = {
      handle: async (_i: Inbound, o?: { inline?: InlineWindow }) => {
        o?.inline?.take();
        await sleep(1_300); // the commit's own round trip, past the deadline
        return reply;
      },
    };
    const started = Date.now();
    expect(await answerWithin(bot, inbound, 1_000)).toEqual(reply);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_250);
  });
});
