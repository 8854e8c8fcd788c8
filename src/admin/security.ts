// The dashboard's guards: security headers on every response, the session (cookie → AdminSession row)
// and the secretariat role read from the database on every request, and CSRF on every POST — a token
// bound to the session plus Origin / Sec-Fetch-Site checks.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { isSecretariat } from '../membership/roles.ts';
import { html, plainPage } from './html.ts';
import type { AdminTokens, Session } from './tokens.ts';

export const COOKIE = 'ab_admin';

/**
 * Scripts and styles only from this server; no framing. The referrer goes to this server only (login
 * links carry tokens); `no-referrer` would make the browser send `Origin: null` on the forms' POSTs.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(reply: FastifyReply): void {
  reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'same-origin')
    .header('cache-control', 'no-store');
}

declare module 'fastify' {
  interface FastifyRequest {
    adminSession?: Session;
  }
}

/** The origins a POST may come from: this server as addressed, and PUBLIC_URL's. */
export function allowedOrigins(request: FastifyRequest, publicUrl: string | undefined): Set<string> {
  const origins = new Set<string>([`${request.protocol}://${request.host}`]);
  if (publicUrl) origins.add(new URL(publicUrl).origin);
  return origins;
}

/** A browser says where a request comes from; a cross-site one is refused whatever it carries. */
export function sameOrigin(request: FastifyRequest, publicUrl: string | undefined): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = request.headers.origin;
  if (origin !== undefined && !allowedOrigins(request, publicUrl).has(origin)) return false;
  return true;
}

const equal = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function csrfValid(request: FastifyRequest, session: Session): boolean {
  const body = request.body as Record<string, unknown> | undefined;
  const given = request.headers['x-csrf-token'] ?? (typeof body?._csrf === 'string' ? body._csrf : undefined);
  return typeof given === 'string' && equal(given, session.csrf);
}

export function errorPage(reply: FastifyReply, code: number, title: string, message: string): FastifyReply {
  const wantsJson = reply.request.url.startsWith('/admin/api/');
  if (wantsJson) return reply.code(code).send({ error: message });
  return reply
    .code(code)
    .type('text/html; charset=utf-8')
    .send(
      plainPage(
        title,
        html`<p>${message}</p>
          <p><a href="/admin">返回后台首页</a></p>`,
      ),
    );
}

export const NO_SESSION = '请在聊天中向机器人发送“后台”，用收到的一次性链接登录。';

/**
 * onRequest for the protected pages: a live session whose user is secretariat right now. A member or
 * applicant (or someone whose role was revoked since) gets 403 and the session is ended.
 */
export function requireSecretariat(prisma: PrismaClient, tokens: AdminTokens, publicUrl: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const cookie = request.cookies[COOKIE];
    const session = await tokens.session(cookie);
    if (!session) return errorPage(reply, 401, '请先登录', NO_SESSION);
    if (!(await isSecretariat(prisma, session.userKey))) {
      await tokens.endSession(cookie);
      return errorPage(reply, 403, '无权访问', '后台仅限联盟秘书处成员使用。您的身份以系统登记为准。');
    }
    request.adminSession = session;
    if (request.method !== 'GET' && request.method !== 'HEAD' && !sameOrigin(request, publicUrl))
      return errorPage(reply, 403, '请求被拒绝', '请求来自其他网站，已拒绝。请在后台页面内操作。');
  };
}

/** preHandler (after the body is parsed): the session's CSRF token on every state-changing request. */
export async function requireCsrf(request: FastifyRequest, reply: FastifyReply) {
  if (request.method === 'GET' || request.method === 'HEAD') return;
  if (!request.adminSession || !csrfValid(request, request.adminSession))
    return errorPage(reply, 403, '请求被拒绝', '页面已过期或请求无效（CSRF 校验失败），请刷新页面后重试。');
}
