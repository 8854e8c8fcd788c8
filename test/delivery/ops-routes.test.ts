// /metrics and the queue dashboard: metrics name queue depth and outbox rows; both are refused
// without the operator password, and repeated wrong passwords are throttled.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRig, limitedFeishuChannel, type Rig } from '../support/delivery-rig.ts';
import { registerOpsRoutes } from '../../src/http/ops.ts';

let rig: Rig;
const app = Fastify();
const throttled = Fastify();
let clock = 1_000_000;
beforeAll(async () => {
  rig = await createRig({ fakeLimits: { sendPerMin: 100_000, apiPerSec: 10_000, perChatPerSec: 100 } });
  registerOpsRoutes(app, { delivery: rig.delivery, ops: { user: 'ops', password: 'correct-horse' } });
  registerOpsRoutes(throttled, {
    delivery: rig.delivery,
    ops: { user: 'ops', password: 'correct-horse' },
    throttle: { maxFailures: 3, windowMs: 60_000, now: () => clock },
  });
  await Promise.all([app.ready(), throttled.ready()]);
});
afterAll(async () => {
  await Promise.all([app.close(), throttled.close()]);
  await rig.close();
});
const basic = (credentials: string) => ({ authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });

describe('ops routes', () => {
  it('exposes delivery metrics for Prometheus', async () => {
    await rig.importFeishuMembers(3);
    await rig.broadcast();
    await rig.delivery.startWorkers({
      channels: [limitedFeishuChannel(rig.feishu.url)],
      timers: false,
      relayOptions: { pollMs: 100 },
    });
    await rig.waitUntil(
      async () => (await rig.db.prisma.outboxMessage.count({ where: { status: 'delivered' } })) === 3,
      'delivered',
    );
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: basic('ops:correct-horse') });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/alliance_delivery_delivered_total\{channel="feishu"\} 3/);
    expect(res.body).toMatch(/alliance_outbox_messages\{status="delivered"\} 3/);
    expect(res.body).toContain('alliance_queue_jobs{queue="deliver-feishu",state="completed"} 3');
    expect(res.body).toContain('alliance_delivery_latency_seconds_count{channel="feishu"} 3');
  });

  it('keeps the dashboard behind basic auth', async () => {
    expect((await app.inject({ method: 'GET', url: '/ops/queues' })).statusCode).toBe(401);
    const wrong = Buffer.from('ops:wrong').toString('base64');
    expect(
      (await app.inject({ method: 'GET', url: '/ops/queues', headers: { authorization: `Basic ${wrong}` } }))
        .statusCode,
    ).toBe(401);
    const right = Buffer.from('ops:correct-horse').toString('base64');
    const page = await app.inject({ method: 'GET', url: '/ops/queues', headers: { authorization: `Basic ${right}` } });
    expect(page.statusCode).toBe(200);
    const api = await app.inject({
      method: 'GET',
      url: '/ops/queues/api/queues',
      headers: { authorization: `Basic ${right}` },
    });
    expect(api.statusCode).toBe(200);
    expect(api.body).toContain('deliver-feishu');
  });

  it('throttles repeated wrong passwords from one address, even a right one after them', async () => {
    const get = (credentials: string) =>
      throttled.inject({ method: 'GET', url: '/metrics', headers: basic(credentials), remoteAddress: '203.0.113.7' });
    for (let i = 0; i < 3; i++) expect((await get('ops:guess' + i)).statusCode).toBe(401);
    const blocked = await get('ops:correct-horse');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    const other = await throttled.inject({
      method: 'GET',
      url: '/metrics',
      headers: basic('ops:correct-horse'),
      remoteAddress: '198.51.100.2',
    });
    expect(other.statusCode).toBe(200);
    clock += 60_000;
    expect((await get('ops:correct-horse')).statusCode).toBe(200);
  });

  it('mounts neither /metrics nor the dashboard without an operator password', async () => {
    const bare = Fastify();
    registerOpsRoutes(bare, { delivery: rig.delivery, ops: { user: 'ops', password: undefined } });
    await bare.ready();
    expect((await bare.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    await bare.close();
  });
});
