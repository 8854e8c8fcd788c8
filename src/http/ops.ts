// Operator routes: Prometheus `/metrics` and the Bull Board queue dashboard at /ops/queues behind
// HTTP basic auth (OPS_USER / OPS_PASSWORD; not mounted without a password).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Delivery } from '../delivery/delivery.ts';

export type OpsDeps = { delivery: Delivery; ops: { user: string; password: string | undefined } };

export const DASHBOARD_PATH = '/ops/queues';

export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  const { delivery } = deps;
  app.get('/metrics', async (_request, reply) => {
    const { registry } = delivery.metrics;
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });

  const password = deps.ops.password;
  if (!password || !delivery.enabled) return;
  void app.register(async (scope) => {
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!authorized(request.headers.authorization, deps.ops.user, password)) {
        await reply
          .code(401)
          .header('www-authenticate', 'Basic realm="alliance-bot ops", charset="UTF-8"')
          .send({ error: '需要运维账号 (authentication required)' });
      }
    });
    const adapter = new FastifyAdapter();
    createBullBoard({
      queues: delivery.allQueues().map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
      serverAdapter: adapter,
    });
    adapter.setBasePath(DASHBOARD_PATH);
    await scope.register(adapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  });
}

function authorized(header: string | undefined, user: string, password: string): boolean {
  const match = /^Basic\s+(\S.*)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(Buffer.from(match[1]!, 'base64').toString('utf8'));
  const expected = Buffer.from(`${user}:${password}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
