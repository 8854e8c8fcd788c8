// The Official Account's routes on the one HTTP server: the callback of 服务器配置 (GET: the URL
// check, POST: messages and events) and the download links documents go out as. Requests are checked
// before the channel sees them: malformed → 400, forged or stale → 401, each logged.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ackOrRefuse } from '../keep-before-ack.ts';
import type { ReadStoredFile } from '../stored-file.ts';
import { MAX_BODY_BYTES } from './callback-xml.ts';
import { verifyCallback, verifyServerCheck, type CallbackSecrets, type Query } from './callback-verify.ts';
import type { FileLinks } from './file-link.ts';
import type { WechatMpChannel } from './mp-channel.ts';

export type MpRouteOptions = {
  channel: WechatMpChannel;
  secrets: CallbackSecrets;
  links: FileLinks | undefined;
  readFile: ReadStoredFile;
  log: Logger;
  now?: () => number;
};

export function registerMpRoutes(app: FastifyInstance, options: MpRouteOptions): void {
  const { channel, secrets, log } = options;
  const now = options.now ?? Date.now;
  const refuse = (request: FastifyRequest, reply: FastifyReply, status: number, reason: string) => {
    log.warn({ path: request.routeOptions.url, ip: request.ip, status, reason }, 'wechat-mp request rejected');
    return reply.code(status).type('text/plain; charset=utf-8').send(reason);
  };
  void app.register(async (scope) => {
    // msg_signature covers the Encrypt text as sent: the body stays a string until it is checked.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    scope.get('/wechat-mp/callback', async (request, reply) => {
      const verdict = verifyServerCheck(request.query as Query, secrets, now());
      if (!verdict.ok) return refuse(request, reply, verdict.status, verdict.reason);
      log.info('wechat-mp server check answered');
      return reply.type('text/plain; charset=utf-8').send(verdict.echo);
    });
    scope.post('/wechat-mp/callback', async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const verdict = verifyCallback(raw, request.query as Query, secrets, now());
      if (!verdict.ok) return refuse(request, reply, verdict.status, verdict.reason);
      return ackOrRefuse(
        reply,
        channel.receive(verdict, arrivalOf(verdict.timestamp, Date.now() - reply.elapsedTime)).then((answer) => {
          reply.type(answer.type);
          return answer.body;
        }),
      );
    });
    scope.get('/wechat-mp/files/:token', async (request, reply) => {
      const token = (request.params as { token: string }).token;
      const name = (request.query as { name?: unknown }).name;
      const target = options.links?.open(token, typeof name === 'string' ? name : '', now());
      if (!target) return refuse(request, reply, 404, 'link unknown or expired');
      const file = await options.readFile(target.fileId);
      if (!file) return refuse(request, reply, 404, 'file gone');
      return reply
        .type(file.mime || 'application/octet-stream')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(target.name)}`)
        .header('cache-control', 'private, no-store')
        .send(file.data);
    });
  });
}

/**
 * When the 5 s began: when Fastify took the request, or — if earlier — the second WeChat stamped it
 * with (its clock; whole seconds, so never later than the real send). A busy process lets requests
 * wait in the socket before Fastify sees them, which only the timestamp shows. A server clock ahead
 * of WeChat's makes answers go as customer-service messages sooner, never lost; keep it on NTP.
 */
export function arrivalOf(timestamp: string, takenAt: number): number {
  const stamped = Number(timestamp) * 1000;
  return Number.isFinite(stamped) && stamped > 0 ? Math.min(takenAt, stamped) : takenAt;
}
