// An event is acknowledged before it is handled. If the process dies in between, the event is not
// lost: it was kept in Redis with its claim, and another process takes it over after a minute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { EventDedup } from '../../src/channels/event-dedup.ts';
import { FeishuChannel } from '../../src/channels/feishu/feishu-channel.ts';
import type { OnInbound } from '../../src/channels/channel.ts';
import type { Inbound } from '../../src/bot/inbound.ts';
import type { FeishuEnvelope } from '../../src/channels/feishu/webhook-verify.ts';
import { createLogger } from '../../src/log.ts';
import { messageEvent, signedRequest } from './support/feishu-requests.ts';
import { SECRETS, sentText, startFeishuWorld, type FeishuWorld } from './support/feishu-service.ts';
import { outboxSettled } from './support/outbox.ts';
import { removeKeys } from './support/redis-keys.ts';
import { capturingLogger } from './support/world-env.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('EventDedup keeps what it claims until it is settled', () => {
  let redis: Redis;
  const prefix = `t-${randomBytes(5).toString('hex')}:`;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await removeKeys(REDIS_URL, prefix);
    redis.disconnect();
  });

  it('claims once, hands an unsettled event over once per minute, and forgets a settled one', async () => {
    const dedup = new EventDedup(redis, prefix);
    const t0 = 1_800_000_000_000;
    expect(await dedup.claimAndKeep('feishu', 'ev1', '{"a":1}', t0)).toBe(true);
    expect(await dedup.claimAndKeep('feishu', 'ev1', '{"a":1}', t0)).toBe(false);
    expect(await dedup.claimAndKeep('feishu', 'ev2', '{"b":2}', t0)).toBe(true);
    await dedup.settle('feishu', 'ev2');

    expect(await dedup.takeOrphans('feishu', 60_000, t0 + 30_000)).toEqual([]);
    expect(await dedup.takeOrphans('feishu', 60_000, t0 + 61_000)).toEqual([
      { id: 'ev1', tries: 1, payload: '{"a":1}' },
    ]);
    // Taken: a second sweeper in the same minute finds nothing; a minute later it is orphaned again.
    expect(await dedup.takeOrphans('feishu', 60_000, t0 + 62_000)).toEqual([]);
    expect(await dedup.takeOrphans('feishu', 60_000, t0 + 122_000)).toEqual([
      { id: 'ev1', tries: 2, payload: '{"a":1}' },
    ]);
    // Renewed by the process working on it: not an orphan.
    await dedup.renew('feishu', ['ev1', 'ev-unknown'], t0 + 170_000);
    expect(await dedup.takeOrphans('feishu', 60_000, t0 + 200_000)).toEqual([]);
    await dedup.settle('feishu', 'ev1');
    expect(await dedup.takeOrphans('feishu', 60_000, t0 + 999_000)).toEqual([]);
    // Nothing is left behind: the claim alone stays (it says '1'), for redeliveries.
    for (const kind of ['inbound-tries', 'inbound-payload'])
      expect(await redis.hlen(`${prefix}${kind}:feishu`)).toBe(0);
    expect(await redis.zcard(`${prefix}inbound-kept:feishu`)).toBe(0);
    expect(await redis.get(`${prefix}dedup:feishu:ev1`)).toBe('1');
  });
});

describe('a Feishu event whose process died after the ack', () => {
  let w: FeishuWorld;
  beforeAll(async () => {
    w = await startFeishuWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  /** Another `serve` process, `minutes` later, sharing Redis and handing events to the same bot. */
  const otherProcess = async (minutes: number, onInbound: OnInbound, log = createLogger('silent')) => {
    const { config } = w.service.app.services;
    const other = new FeishuChannel({
      config: config.channels.feishu!,
      log,
      texts: w.service.app.services.texts,
      dedup: new EventDedup(w.service.redis, `${config.queuePrefix}:`),
      readFile: async () => undefined,
      now: () => new Date(Date.now() + minutes * 60_000),
    });
    await other.start(onInbound);
    return other;
  };

  it('is answered by another process, once, and nothing is left kept', async () => {
    const channel = w.service.channel as unknown as { onInbound: OnInbound };
    const bot = channel.onInbound;
    // The first process takes the event, acknowledges it, and never gets to finish it.
    let finish: (() => void) | undefined;
    channel.onInbound = () => new Promise<void>((resolve) => (finish = resolve));
    const event = messageEvent(SECRETS.verificationToken, {
      openId: 'ou_orphan',
      chatId: 'oc_orphan',
      text: '我们单位退出以后还能重新申请吗？',
    });
    const before = w.fake.messages.length;
    try {
      expect((await w.post('/feishu/events', signedRequest(event, SECRETS.encryptKey))).status).toBe(200);
      await expect.poll(() => finish !== undefined).toBe(true);

      // Within the minute nobody takes it over; two minutes on, one of two sweepers does.
      const soon = await otherProcess(0.5, bot);
      await soon.sweep();
      await soon.idle();
      expect(w.fake.messages.length).toBe(before);
      const [a, b] = await Promise.all([otherProcess(2, bot), otherProcess(2, bot)]);
      await Promise.all([a.sweep(), b.sweep()]);
      await Promise.all([a.idle(), b.idle()]);
      await outboxSettled(w.service.app);
      const replies = w.fake.messages.slice(before);
      expect(replies).toHaveLength(1);
      expect(sentText(replies)).toContain('两年内');
      for (const other of [soon, a, b]) await other.stop();
    } finally {
      channel.onInbound = bot;
      finish?.();
      await w.service.channel.idle();
    }
    const kept = await w.service.redis.zcard(`${w.service.app.services.config.queuePrefix}:inbound-kept:feishu`);
    expect(kept).toBe(0);
  });

  it('gives up an event whose handlers keep dying, says so in the log, and asks only for the apology', async () => {
    const { config } = w.service.app.services;
    const dedup = new EventDedup(w.service.redis, `${config.queuePrefix}:`);
    const event = messageEvent(SECRETS.verificationToken, { openId: 'ou_poison', chatId: 'oc_poison', text: '你好' });
    const t0 = Date.now();
    await dedup.claimAndKeep('feishu', event.header.event_id, JSON.stringify(event), t0);
    // Three takeovers whose handler died, too.
    for (let i = 1; i <= 3; i++) await dedup.takeOrphans('feishu', 60_000, t0 + i * 61_000);
    const seen: Inbound[] = [];
    const { log, logs } = capturingLogger();
    const last = await otherProcess(10, async (inbound) => void seen.push(inbound), log);
    await last.sweep();
    await last.idle();
    await last.stop();
    // Issue 16: a poison event is not handled again, but its sender gets the apology (kept: giveUp).
    expect(seen.map((inbound) => inbound.kept)).toEqual([{ giveUp: true }]);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'feishu event given up after its handlers died', tries: 4 }),
    );
    expect(await dedup.takeOrphans('feishu', 60_000, t0 + 3_600_000)).toEqual([]);
  });

  it('settles through a short Redis outage, so the event is not taken over and handled twice', async () => {
    const { config } = w.service.app.services;
    class FlakyDedup extends EventDedup {
      failures = 2;
      attempts = 0;
      override async settle(channel: string, id: string): Promise<void> {
        this.attempts += 1;
        if (this.failures-- > 0) throw new Error('Connection is closed.');
        return super.settle(channel, id);
      }
    }
    const dedup = new FlakyDedup(w.service.redis, `${config.queuePrefix}:`);
    const seen: string[] = [];
    const channel = new FeishuChannel({
      config: config.channels.feishu!,
      log: createLogger('silent'),
      texts: w.service.app.services.texts,
      dedup,
      readFile: async () => undefined,
    });
    await channel.start(async (inbound) => void seen.push(inbound.text ?? ''));
    const event = messageEvent(SECRETS.verificationToken, { openId: 'ou_blip', chatId: 'oc_blip', text: '你好' });
    await channel.receive(event as unknown as FeishuEnvelope);
    await channel.idle();
    await channel.stop();
    expect(seen).toEqual(['你好']);
    expect(dedup.attempts).toBe(3);
    expect(await dedup.takeOrphans('feishu', 60_000, Date.now() + 3_600_000)).toEqual([]);
  });

  it('does not take over an event that is slow but still being handled, in this process or another', async () => {
    const { config } = w.service.app.services;
    let clock = Date.now();
    const processOf = () =>
      new FeishuChannel({
        config: config.channels.feishu!,
        log: createLogger('silent'),
        texts: w.service.app.services.texts,
        dedup: new EventDedup(w.service.redis, `${config.queuePrefix}:`),
        readFile: async () => undefined,
        now: () => new Date(clock),
      });
    const [a, b] = [processOf(), processOf()];
    const calls: string[] = [];
    let finish: (() => void) | undefined;
    await a.start(async (inbound) => {
      calls.push(inbound.id);
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await b.start(async (inbound) => void calls.push(inbound.id));
    const event = messageEvent(SECRETS.verificationToken, { openId: 'ou_slow', chatId: 'oc_slow', text: '你好' });
    await a.receive(event as unknown as FeishuEnvelope);
    await expect.poll(() => finish !== undefined).toBe(true);
    // Its handler is still at work when a minute and more has passed, and again after that.
    for (let minute = 1; minute <= 3; minute++) {
      clock += 61_000;
      await a.sweep();
      await b.sweep();
    }
    expect(calls).toHaveLength(1);
    finish!();
    await a.idle();
    for (const p of [a, b]) await p.stop();
    expect(calls).toHaveLength(1);
    expect(await w.service.redis.zcard(`${config.queuePrefix}:inbound-kept:feishu`)).toBe(0);
  });

  it('keeps nothing once events are handled normally', async () => {
    await w.user('ou_normal', 'oc_normal').says('你好');
    const kept = await w.service.redis.zcard(`${w.service.app.services.config.queuePrefix}:inbound-kept:feishu`);
    expect(kept).toBe(0);
  });
});
