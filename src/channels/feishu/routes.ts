// Feishu's webhook routes on the one HTTP server (webhook mode): events and card callbacks.
// Requests are parsed and checked here before the channel sees them: malformed → 400, forged,
// wrongly tokened or stale → 401, each logged; the SDK's adapters would answer 200.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { FeishuChannel } from './feishu-channel.ts';
import { verifyWebhook, type WebhookSecrets } from './webhook-verify.ts';
import { ackOrRefuse } from '../keep-before-ack.ts';

export type FeishuRouteOptions = {
  channel: FeishuChannel;
  secrets: WebhookSecrets;
  log: Logger;
  now?: () => number;
};

export function registerFeishuRoutes(app: FastifyInstance, options: FeishuRouteOptions): void {
  const { log, channel, secrets } = options;
  void app.register(async (scope) => {
    // The signature covers the raw bytes, so the body stays a string until it is verified.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    const now = options.now ?? Date.now;
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const verdict = verifyWebhook(raw, request.headers, secrets, now());
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
      // 503 when the event cannot be kept; a card click's answer may wait (briefly) for the replacement card.
      return ackOrRefuse(reply, channel.receive(verdict.envelope, verdict.raw));
    };
    scope.post('/feishu/events', handler);
    scope.post('/feishu/cards', handler);
  });
}
