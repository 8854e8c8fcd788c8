// Operator routes: Prometheus `/metrics` and the Bull Board queue dashboard at /ops/queues, both
// behind HTTP basic auth (OPS_USER / OPS_PASSWORD; neither is mounted without a password). Repeated
// wrong passwords from one address are refused for a while (LoginThrottle).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Delivery } from '../delivery/delivery.ts';
import { LoginThrottle } from './login-throttle.ts';

export type OpsDeps = {
  delivery: Delivery;
  ops: { user: string; password: string | undefined };
  /** Wrong passwords allowed per address and window before it is refused (tests shorten it). */
  throttle?: { maxFailures: number; windowMs: number; now?: () => number };
};

const THROTTLE = { maxFailures: 5, windowMs: 15 * 60_000 };

export const DASHBOARD_PATH = '/ops/queues';

export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  const { delivery } = deps;
  const password = deps.ops.password;
  if (!password) return;
  const throttle = new LoginThrottle(deps.throttle ?? THROTTLE);
  void app.register(async (scope) => {
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const wait = throttle.blockedFor(request.ip);
      if (wait > 0) {
        await reply
          .code(429)
          .header('retry-after', String(Math.ceil(wait / 1000)))
          .send({ error: '密码错误次数过多，请稍后再试 (too many wrong passwords, try again later)' });
        return;
      }
      if (!request.headers.authorization) {
        await challenge(reply);
        return;
      }
      if (!authorized(request.headers.authorization, deps.ops.user, password)) {
        throttle.failed(request.ip);
        request.log.warn({ ip: request.ip, path: request.url }, 'ops login failed');
        await challenge(reply);
        return;
      }
      throttle.succeeded(request.ip);
    });
    // Versions, memory, queue depths and delivery counts are for the operator, not the internet.
    scope.get('/metrics', async (_request, reply) => {
      const { registry } = delivery.metrics;
      return reply.header('content-type', registry.contentType).send(await registry.metrics());
    });
    if (!delivery.enabled) return;
    const adapter = new FastifyAdapter();
    createBullBoard({
      queues: delivery.allQueues().map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
      serverAdapter: adapter,
    });
    adapter.setBasePath(DASHBOARD_PATH);
    await scope.register(adapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  });
}

async function challenge(reply: FastifyReply): Promise<void> {
  await reply
    .code(401)
    .header('www-authenticate', 'Basic realm="alliance-bot ops", charset="UTF-8"')
    .send({ error: '需要运维账号 (authentication required)' });
}

function authorized(header: string | undefined, user: string, password: string): boolean {
  const match = /^Basic\s+(\S.*)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(Buffer.from(match[1]!, 'base64').toString('utf8'));
  const expected = Buffer.from(`${user}:${password}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
