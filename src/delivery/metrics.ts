// Prometheus metrics of the delivery backbone. Counters count what this process did; queue depth is
// read from Redis at scrape time so any process can serve /metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';

export type DeliveryMetrics = ReturnType<typeof createDeliveryMetrics>;

export function createDeliveryMetrics(queues: () => Queue[], outboxCounts: () => Promise<Record<string, number>>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'alliance_' });
  const delivered = new Counter({
    name: 'alliance_delivery_delivered_total',
    help: 'Messages delivered',
    labelNames: ['channel'],
    registers: [registry],
  });
  const failed = new Counter({
    name: 'alliance_delivery_failed_total',
    help: 'Messages failed for good',
    labelNames: ['channel', 'reason'],
    registers: [registry],
  });
  const retried = new Counter({
    name: 'alliance_delivery_retried_total',
    help: 'Send attempts that will be retried',
    labelNames: ['channel'],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'alliance_delivery_rate_limited_total',
    help: 'Platform rate-limit answers',
    labelNames: ['channel'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'alliance_delivery_latency_seconds',
    help: 'From outbox row written to platform accepted',
    labelNames: ['channel'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });
  new Gauge({
    name: 'alliance_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of queues()) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: queue.name, state }, n);
      }
    },
  });
  new Gauge({
    name: 'alliance_outbox_messages',
    help: 'Outbox rows per status (pending, queued, delivered, failed)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [status, n] of Object.entries(await outboxCounts())) this.set({ status }, n);
    },
  });
  return { registry, delivered, failed, retried, rateLimited, latency };
}
