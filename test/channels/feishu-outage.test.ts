// Issue 16 through the Feishu webhook, with faults injected at the seams (the real-outage versions
// with private PostgreSQL and Redis live in test/delivery/outage.test.ts): an acknowledged event
// is answered late, never dropped; an event Redis cannot keep is refused (503) and redelivered.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventDedup } from '../../src/channels/event-dedup.ts';
import type { Sql } from '../../src/db/sql.ts';
import { cardActionEvent, messageEvent, signedRequest } from './support/feishu-requests.ts';
import { cardButtons, SECRETS, sentText, startFeishuWorld, type FeishuWorld } from './support/feishu-service.ts';
import { outboxSettled } from './support/outbox.ts';

const APOLOGY = '抱歉，我这边出了点问题';
const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

let w: FeishuWorld;
let sql: Sql;
let realQuery: Sql['query'];
beforeAll(async () => {
  w = await startFeishuWorld();
  sql = w.service.app.services.db.sql;
  realQuery = sql.query.bind(sql);
});
afterEach(() => {
  sql.query = realQuery;
});
afterAll(async () => {
  await w?.close();
});

/** The database "away" for the next `ms`: every plain-SQL statement fails as a reset connection. */
function databaseAwayFor(ms: number): { failures: () => number } {
  const until = Date.now() + ms;
  let failures = 0;
  sql.query = (async (text: string, params?: unknown[]) => {
    if (Date.now() < until) {
      failures += 1;
      throw reset();
    }
    return realQuery(text, params);
  }) as Sql['query'];
  return { failures: () => failures };
}

const ask = (openId: string, text: string) =>
  messageEvent(SECRETS.verificationToken, { openId, chatId: `oc_${openId}`, text });

describe('an acknowledged Feishu event through a database outage', () => {
  it('is acknowledged at once and answered once, late, with the answer (not the apology)', async () => {
    const before = w.fake.messages.length;
    const away = databaseAwayFor(2_500);
    const started = Date.now();
    const res = await w.post(
      '/feishu/events',
      signedRequest(ask('ou_outage1', '联盟的会费是多少？'), SECRETS.encryptKey),
    );
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    await w.service.channel.idle();
    await outboxSettled(w.service.app);
    const sent = w.fake.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sentText(sent)).not.toContain(APOLOGY);
    expect(away.failures()).toBeGreaterThan(1);
    expect(w.logs).toContainEqual(expect.objectContaining({ msg: 'feishu event kept for a retry' }));
  });

  it('a commit whose answer was lost (reset after COMMIT) is not answered twice on the retry', async () => {
    const before = w.fake.messages.length;
    let cut = 1;
    sql.query = (async (text: string, params?: unknown[]) => {
      const rows = await realQuery(text, params);
      if (text.includes('INSERT INTO "OutboxMessage"') && cut-- > 0) throw reset();
      return rows;
    }) as Sql['query'];
    const res = await w.post('/feishu/events', signedRequest(ask('ou_outage2', '你好'), SECRETS.encryptKey));
    expect(res.status).toBe(200);
    await w.service.channel.idle();
    await outboxSettled(w.service.app);
    expect(cut).toBe(0);
    expect(w.logs).toContainEqual(expect.objectContaining({ msg: 'event already answered by an earlier try' }));
    expect(w.fake.messages.slice(before)).toHaveLength(1);
  });

  it('a bug gets the apology, once', async () => {
    const before = w.fake.messages.length;
    let broken = 1;
    sql.query = (async (text: string, params?: unknown[]) => {
      if (text.startsWith('SELECT state FROM "Conversation"') && broken-- > 0)
        throw Object.assign(new Error('syntax error at or near "SELECT"'), { code: '42601' });
      return realQuery(text, params);
    }) as Sql['query'];
    await w.post('/feishu/events', signedRequest(ask('ou_outage3', '你好'), SECRETS.encryptKey));
    await w.service.channel.idle();
    await outboxSettled(w.service.app);
    const sent = w.fake.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sentText(sent)).toContain(APOLOGY);
  });
});

describe('readiness and liveness', () => {
  it('/healthz answers 503 naming the database while it is away; /livez stays 200', async () => {
    const ready = await fetch(`${w.service.url}/healthz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, database: true, redis: true, feishu: true });
    databaseAwayFor(60_000);
    const away = await fetch(`${w.service.url}/healthz`);
    expect(away.status).toBe(503);
    expect(await away.json()).toMatchObject({ ok: false, database: false, redis: true });
    for (const path of ['/livez', '/healthz/live']) {
      const live = await fetch(`${w.service.url}${path}`);
      expect(live.status).toBe(200);
    }
  });
});

describe('a Feishu event Redis cannot keep', () => {
  it('is refused with 503 (not acknowledged), and its redelivery is answered once', async () => {
    const dedup = (w.service.channel as unknown as { options: { dedup: EventDedup } }).options.dedup;
    const claim = dedup.claimAndKeep.bind(dedup);
    dedup.claimAndKeep = () => Promise.reject(new Error('Connection is closed.'));
    const event = ask('ou_outage4', '你好');
    const before = w.fake.messages.length;
    try {
      const refused = await w.post('/feishu/events', signedRequest(event, SECRETS.encryptKey));
      expect(refused.status).toBe(503);
      await w.service.channel.idle();
      expect(w.fake.messages.length).toBe(before);
    } finally {
      dedup.claimAndKeep = claim;
    }
    const redelivered = await w.post('/feishu/events', signedRequest(event, SECRETS.encryptKey));
    expect(redelivered.status).toBe(200);
    await w.service.channel.idle();
    await outboxSettled(w.service.app);
    expect(w.fake.messages.slice(before)).toHaveLength(1);
  });

  it('a card click is refused with 503 too; its redelivery still answers with the replacement card', async () => {
    let handled = 0;
    w.service.app.bot.use('action', async (ctx, next) => {
      if (ctx.inbound.action?.name !== 'test.outage_click') return next();
      handled += 1;
      ctx.replaceCard({ title: '已处理' });
    });
    const card = { title: '故障卡片', buttons: [{ label: '处理', action: 'test.outage_click', value: {} }] };
    const before = w.fake.messages.length;
    await w.service.channel.send({ chatId: 'oc_outage7', userId: 'ou_outage7' }, { kind: 'card', card }, 'outage-card');
    const sent = w.fake.messages[before]!;
    const click = cardActionEvent(SECRETS.verificationToken, {
      operatorId: 'ou_outage7',
      value: cardButtons(sent)[0],
      messageId: sent.messageId,
      chatId: 'oc_outage7',
    });
    const dedup = (w.service.channel as unknown as { options: { dedup: EventDedup } }).options.dedup;
    const claim = dedup.claimAndKeep.bind(dedup);
    dedup.claimAndKeep = () => Promise.reject(new Error('Connection is closed.'));
    try {
      expect((await w.post('/feishu/cards', signedRequest(click, SECRETS.encryptKey))).status).toBe(503);
      await w.service.channel.idle();
      expect(handled).toBe(0);
    } finally {
      dedup.claimAndKeep = claim;
    }
    const redelivered = await w.post('/feishu/cards', signedRequest(click, SECRETS.encryptKey));
    expect(redelivered.status).toBe(200);
    expect(redelivered.json).toMatchObject({ toast: { type: 'success' }, card: { type: 'raw' } });
    await w.service.channel.idle();
    expect(handled).toBe(1);
  });

  it('a keep that answers only after the timeout is handled once; the redelivery is a duplicate', async () => {
    const dedup = (w.service.channel as unknown as { options: { dedup: EventDedup } }).options.dedup;
    const claim = dedup.claimAndKeep.bind(dedup);
    dedup.claimAndKeep = (...args) => new Promise((r) => setTimeout(r, 2_000)).then(() => claim(...args));
    const event = ask('ou_outage5', '你好');
    const before = w.fake.messages.length;
    try {
      expect((await w.post('/feishu/events', signedRequest(event, SECRETS.encryptKey))).status).toBe(503);
    } finally {
      dedup.claimAndKeep = claim;
    }
    await new Promise((r) => setTimeout(r, 800));
    expect((await w.post('/feishu/events', signedRequest(event, SECRETS.encryptKey))).status).toBe(200);
    await w.service.channel.idle();
    await outboxSettled(w.service.app);
    expect(w.fake.messages.slice(before)).toHaveLength(1);
  });

  it('a keep that ran but whose answer was lost (503) is handled on the redelivery, once', async () => {
    const dedup = (w.service.channel as unknown as { options: { dedup: EventDedup } }).options.dedup;
    const claim = dedup.claimAndKeep.bind(dedup);
    dedup.claimAndKeep = (...args) => claim(...args).then(() => Promise.reject(new Error('Connection is closed.')));
    const event = ask('ou_outage6', '你好');
    const before = w.fake.messages.length;
    try {
      expect((await w.post('/feishu/events', signedRequest(event, SECRETS.encryptKey))).status).toBe(503);
    } finally {
      dedup.claimAndKeep = claim;
    }
    expect((await w.post('/feishu/events', signedRequest(event, SECRETS.encryptKey))).status).toBe(200);
    // A third delivery (it is being handled now) is a plain duplicate.
    expect((await w.post('/feishu/events', signedRequest(event, SECRETS.encryptKey))).status).toBe(200);
    await w.service.channel.idle();
    await outboxSettled(w.service.app);
    expect(w.fake.messages.slice(before)).toHaveLength(1);
  });
});
