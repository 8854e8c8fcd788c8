// The HTTP face of `serve`: Feishu webhooks (events and card callbacks) and a readiness probe.
// Feishu requests are parsed and checked here before the channel sees them: malformed → 400,
// forged, wrongly tokened or stale → 401, each logged; the SDK's adapters would answer 200.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { FeishuChannel } from '../channels/feishu/feishu-channel.ts';
import { verifyWebhook, type WebhookSecrets } from '../channels/feishu/webhook-verify.ts';
import { registerOpsRoutes, type OpsDeps } from './ops.ts';

export type HealthCheck = () => Promise<Record<string, boolean>>;

export type HttpServerOptions = {
  log: Logger;
  health: HealthCheck;
  feishu?: { channel: FeishuChannel; secrets: WebhookSecrets };
  /** /metrics and the queue dashboard (issue 6). */
  ops?: OpsDeps;
  now?: () => number;
};

/** Feishu events are small; a card callback with a big form is still well under this. */
const BODY_LIMIT = 1024 * 1024;

export function buildHttpServer(options: HttpServerOptions): FastifyInstance {
  const { log } = options;
  // Request lines are info-level: at hundreds of events a second they would drown the useful logs.
  const app = Fastify({
    loggerInstance: log.child({ mod: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
  });

  app.get('/healthz', async (_request, reply) => {
    const checks = await options.health().catch(() => ({ server: true, ready: false }));
    const ok = Object.values(checks).every(Boolean);
    return reply.code(ok ? 200 : 503).send({ ok, ...checks });
  });

  if (options.ops) registerOpsRoutes(app, options.ops);

  const feishu = options.feishu;
  if (feishu) {
    void app.register(async (scope) => {
      // The signature covers the raw bytes, so the body stays a string until it is verified.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      const now = options.now ?? Date.now;
      const handler = async (request: FastifyRequest, reply: FastifyReply) => {
        const raw = typeof request.body === 'string' ? request.body : '';
        const verdict = verifyWebhook(raw, request.headers, feishu.secrets, now());
        if (!verdict.ok) {
          log.warn(
            { path: request.url, ip: request.ip, status: verdict.status, reason: verdict.reason },
            'feishu request rejected',
          );
          return reply.code(verdict.status).send({ error: verdict.reason });
        }
        if (verdict.kind === 'challenge') return reply.send({ challenge: verdict.challenge });
        if (verdict.kind === 'ignored') {
          log.info({ reason: verdict.reason }, 'feishu request ignored');
          return reply.send({});
        }
        return reply.send(feishu.channel.receive(verdict.envelope));
      };
      scope.post('/feishu/events', handler);
      scope.post('/feishu/cards', handler);
    });
  }
  return app;
}
