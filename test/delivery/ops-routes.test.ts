// /metrics and the queue dashboard: metrics name queue depth and outbox rows; the dashboard is
// refused without the operator password.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRig, limitedFeishuChannel, type Rig } from '../support/delivery-rig.ts';
import { registerOpsRoutes } from '../../src/http/ops.ts';

let rig: Rig;
const app = Fastify();
beforeAll(async () => {
  rig = await createRig({ fakeLimits: { sendPerMin: 100_000, apiPerSec: 10_000, perChatPerSec: 100 } });
  registerOpsRoutes(app, { delivery: rig.delivery, ops: { user: 'ops', password: 'correct-horse' } });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await rig.close();
});

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
    const res = await app.inject({ method: 'GET', url: '/metrics' });
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
});
