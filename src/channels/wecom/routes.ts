// WeCom's callback routes on the one HTTP server: GET /wecom/callback answers the URL check with the
// decrypted echostr, bare; POST /wecom/callback takes an encrypted event, keeps it and answers empty
// at once (WeCom waits 5 s, then sends it again, three times). Everything is checked here before
// the channel sees it: not XML or missing fields → 400; a forged signature, a stale timestamp or a
// message for another corp → 401; too large → 413. Each refusal is logged with its reason.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ackOrRefuse } from '../keep-before-ack.ts';
import { decryptMessage, signatureMatches, type CallbackSecrets } from './callback-crypto.ts';
import type { WecomChannel } from './wecom-channel.ts';
import { parseXml, textOf } from './xml.ts';

/** WeCom's callbacks are a few kilobytes; a member's text is at most 2,048 bytes. */
export const CALLBACK_BODY_LIMIT = 256 * 1024;

export type WecomRouteOptions = {
  channel: WecomChannel;
  secrets: CallbackSecrets;
  maxSkewSeconds: number;
  log: Logger;
  now?: () => number;
};

type Refusal = { status: 400 | 401; reason: string };

export function registerWecomRoutes(app: FastifyInstance, options: WecomRouteOptions): void {
  const { log, channel, secrets } = options;
  const now = options.now ?? Date.now;
  void app.register(async (scope) => {
    // The body is the raw XML, whatever content type is claimed.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: CALLBACK_BODY_LIMIT }, (_r, body, done) =>
      done(null, body),
    );
    const refuse = (request: FastifyRequest, reply: FastifyReply, refusal: Refusal) => {
      log.warn(
        { path: request.routeOptions.url, ip: request.ip, status: refusal.status, reason: refusal.reason },
        'wecom callback rejected',
      );
      return reply.code(refusal.status).type('text/plain').send(refusal.reason);
    };

    /** Signature and freshness of a signed request over `encrypted`; the decrypted message when good. */
    const open = (query: Record<string, unknown>, encrypted: string): Refusal | { message: string } => {
      const signature = query.msg_signature;
      const timestamp = query.timestamp;
      const nonce = query.nonce;
      if (typeof signature !== 'string' || typeof timestamp !== 'string' || typeof nonce !== 'string')
        return { status: 400, reason: 'msg_signature, timestamp and nonce are required, once each' };
      if (!/^\d{1,12}$/.test(timestamp)) return { status: 400, reason: 'timestamp is not a number' };
      if (!signatureMatches(secrets, signature, timestamp, nonce, encrypted))
        return { status: 401, reason: 'signature mismatch' };
      const skew = Math.abs(now() / 1000 - Number(timestamp));
      if (skew > options.maxSkewSeconds) return { status: 401, reason: `stale timestamp (${Math.round(skew)} s off)` };
      const opened = decryptMessage(secrets, encrypted);
      return opened.ok ? { message: opened.message } : { status: 401, reason: opened.reason };
    };

    scope.get('/wecom/callback', async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      // Base64 has no spaces: a `+` sent unencoded was read as one.
      const echostr = typeof query.echostr === 'string' ? query.echostr.replaceAll(' ', '+') : undefined;
      if (!echostr) return refuse(request, reply, { status: 400, reason: 'echostr is required, once' });
      const opened = open(query, echostr);
      if ('status' in opened) return refuse(request, reply, opened);
      log.info('wecom callback URL verified');
      return reply.type('text/plain').send(opened.message);
    });

    scope.post('/wecom/callback', async (request, reply) => {
      const outer = parseXml(typeof request.body === 'string' ? request.body : '');
      if (!outer.ok) return refuse(request, reply, { status: 400, reason: outer.reason });
      const encrypted = textOf(outer.fields, 'Encrypt');
      if (!encrypted) return refuse(request, reply, { status: 400, reason: 'no <Encrypt>' });
      const opened = open(request.query as Record<string, unknown>, encrypted);
      if ('status' in opened) return refuse(request, reply, opened);
      const inner = parseXml(opened.message);
      if (!inner.ok) return refuse(request, reply, { status: 400, reason: `decrypted message: ${inner.reason}` });
      // Empty answer: no passive reply; replies go through the outbox. 503 when it cannot be kept.
      reply.type('text/plain');
      return ackOrRefuse(
        reply,
        channel.receive(opened.message, inner.fields).then(() => ''),
      );
    });
  });
}
