// The secretariat dashboard at /admin on the one HTTP server of `serve`: server-rendered pages in
// Chinese that call the same modules as the chat (app.modules), a little static CSS and JS, and
// Chart.js from node_modules (no CDN, no build step).
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import type { App } from '../app.ts';
import { projectRoot } from '../paths.ts';
import { isSecretariat } from '../membership/roles.ts';
import { AdminTokens } from './tokens.ts';
import { LoginThrottle, type LoginThrottleOptions } from '../http/login-throttle.ts';
import { COOKIE, errorPage, requireCsrf, requireSecretariat, sameOrigin, securityHeaders } from './security.ts';
import { html, layout, plainPage, type NavKey, type PageContext } from './html.ts';
import { registerApplicationPages } from './pages/applications.ts';
import { registerMemberPages } from './pages/members.ts';
import { registerBroadcastPages } from './pages/broadcasts.ts';
import { registerMotionPages } from './pages/motions.ts';
import { registerDeliveryPages } from './pages/delivery.ts';
import { registerNoticePages } from './pages/notices.ts';
import { registerHomePage } from './pages/home.ts';

export type AdminDeps = {
  app: App;
  /** Whether the queue board (/ops/queues) is mounted, to link it. */
  opsBoard?: boolean;
  /** Failed logins allowed per address and window (tests shorten it). */
  loginThrottle?: LoginThrottleOptions;
};

const LOGIN_THROTTLE: LoginThrottleOptions = { maxFailures: 30, windowMs: 15 * 60_000 };

/** What every page module gets. */
export type PageDeps = {
  app: App;
  opsBoard: boolean;
  /** Sends a full page with the menu. */
  page(
    request: FastifyRequest,
    reply: FastifyReply,
    active: NavKey,
    title: string,
    body: ReturnType<typeof html>,
  ): FastifyReply;
  /** The signed-in secretariat user key (set by the guard). */
  actor(request: FastifyRequest): string;
  context(request: FastifyRequest): PageContext;
};

export const STATIC_DIR = path.join(projectRoot, 'src', 'admin', 'static');
const CHART_JS = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

/** Forms post url-encoded bodies; Fastify parses JSON only. */
function formParser(scope: FastifyInstance): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 256 * 1024 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
}

export function registerAdminRoutes(server: FastifyInstance, deps: AdminDeps): void {
  const { services } = deps.app;
  const { prisma } = services.db;
  const { admin } = services.config;
  const tokens = new AdminTokens(prisma, { linkMs: admin.linkTtlMs, sessionMs: admin.sessionTtlMs }, services.now);
  const secure = admin.publicUrl?.startsWith('https://') ?? false;
  // A login token cannot be guessed (256 bits); this only keeps one address from hammering the table.
  const throttle = new LoginThrottle(deps.loginThrottle ?? LOGIN_THROTTLE);

  void server.register(
    async (scope) => {
      await scope.register(cookie);
      scope.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
        const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
        if (status === 500) request.log.error({ err: error, path: request.url }, 'dashboard request failed');
        const message =
          status === 413
            ? '上传的文件或提交的内容太大（文件不超过 5 MB）。'
            : status === 500
              ? '后台出错了，没有保存任何改动。请稍后重试；如果一直出错，请联系运维。'
              : '请求无法处理，请返回页面重试。';
        return errorPage(reply, status, status === 500 ? '出错了' : '请求无效', message);
      });
      formParser(scope);
      await scope.register(multipart, {
        attachFieldsToBody: 'keyValues',
        limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 10 },
      });
      scope.addHook('onSend', async (_request, reply) => securityHeaders(reply));

      // Public: static files, the login link's page and its POST.
      await scope.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', index: false, cacheControl: false });
      const chart = fs.readFileSync(CHART_JS);
      scope.get('/static/vendor/chart.umd.min.js', (_request, reply) =>
        reply.type('text/javascript; charset=utf-8').send(chart),
      );

      scope.get<{ Querystring: { token?: string } }>('/login', async (request, reply) => {
        const token = String(request.query.token ?? '');
        // The link is not used by opening it (chat apps preview links): the button below uses it.
        return reply.type('text/html; charset=utf-8').send(
          plainPage(
            '登录秘书处后台',
            html`<p>这是您在聊天中获取的一次性登录链接。点击下方按钮进入后台；链接只能使用一次。</p>
              <form method="post" action="/admin/login">
                <input type="hidden" name="token" value="${token}" />
                <button type="submit" class="primary">进入后台</button>
              </form>`,
          ),
        );
      });

      scope.post<{ Body: { token?: string } }>('/login', async (request, reply) => {
        if (!sameOrigin(request, admin.publicUrl))
          return errorPage(reply, 403, '请求被拒绝', '请求来自其他网站，已拒绝。');
        const wait = throttle.blockedFor(request.ip);
        if (wait > 0)
          return errorPage(reply, 429, '请稍后再试', '无效的登录尝试过多，请稍后再试。').header(
            'retry-after',
            String(Math.ceil(wait / 1000)),
          );
        const used = await tokens.useLogin(String(request.body?.token ?? ''));
        if ('error' in used) {
          throttle.failed(request.ip);
          const message = {
            invalid: '登录链接无效。请在聊天中向机器人发送“后台”获取新链接。',
            used: '这个登录链接已经用过了（每个链接只能用一次）。请在聊天中发送“后台”获取新链接。',
            expired: '这个登录链接已过期。请在聊天中发送“后台”获取新链接。',
          }[used.error];
          return errorPage(reply, used.error === 'invalid' ? 400 : 410, '无法登录', message);
        }
        if (!(await isSecretariat(prisma, used.userKey)))
          return errorPage(reply, 403, '无权访问', '后台仅限联盟秘书处成员使用。您的身份以系统登记为准。');
        const { token } = await tokens.startSession(used.userKey);
        await audit(deps.app, used.userKey, 'admin.login');
        return reply
          .setCookie(COOKIE, token, {
            path: '/admin',
            httpOnly: true,
            sameSite: 'strict',
            secure,
            maxAge: Math.floor(admin.sessionTtlMs / 1000),
          })
          .redirect('/admin', 303);
      });

      // Everything else: a live session of a secretariat member, CSRF on every POST.
      await scope.register(async (guarded) => {
        guarded.addHook('onRequest', requireSecretariat(prisma, tokens, admin.publicUrl));
        guarded.addHook('preHandler', requireCsrf);
        guarded.post('/logout', async (request, reply) => {
          await tokens.endSession(request.cookies[COOKIE]);
          return reply
            .clearCookie(COOKIE, { path: '/admin' })
            .type('text/html; charset=utf-8')
            .send(plainPage('已退出登录', html`<p>您已退出秘书处后台。需要时请在聊天中再次发送“后台”。</p>`));
        });
        const pageDeps: PageDeps = {
          app: deps.app,
          opsBoard: deps.opsBoard ?? false,
          actor: (request) => request.adminSession!.userKey,
          context: (request) => ({ user: request.adminSession!.userKey, csrf: request.adminSession!.csrf }),
          page: (request, reply, active, title, body) => {
            const flash = flashOf(request);
            return reply
              .type('text/html; charset=utf-8')
              .send(layout(pageDeps.context(request), active, title, body, flash));
          },
        };
        registerHomePage(guarded, pageDeps);
        registerApplicationPages(guarded, pageDeps);
        registerNoticePages(guarded, pageDeps);
        registerMemberPages(guarded, pageDeps);
        registerBroadcastPages(guarded, pageDeps);
        registerMotionPages(guarded, pageDeps);
        registerDeliveryPages(guarded, pageDeps);
      });
    },
    { prefix: '/admin' },
  );
}

async function audit(app: App, actor: string, action: string): Promise<void> {
  await app.services.db.prisma.auditLog.create({ data: { actor, action, entity: 'admin', entityId: actor } });
}

/**
 * Redirects back to a page with a one-line message shown at its top. The message is signed with the
 * session's CSRF token, so a crafted link cannot make the dashboard show words it never said.
 */
export function back(request: FastifyRequest, reply: FastifyReply, to: string, message: string): FastifyReply {
  const sig = flashSignature(request.adminSession!.csrf, message);
  const url = `${to}${to.includes('?') ? '&' : '?'}msg=${encodeURIComponent(message)}&sig=${sig}`;
  return reply.redirect(url, 303);
}

const flashSignature = (key: string, message: string): string =>
  createHmac('sha256', key).update(message).digest('base64url');

function flashOf(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const { msg, sig } = query ?? {};
  if (typeof msg !== 'string' || typeof sig !== 'string' || !request.adminSession) return undefined;
  return sig === flashSignature(request.adminSession.csrf, msg) ? msg : undefined;
}

/** Ids in URLs are UUIDs; anything else (`../`, `%2e%2e`) is refused before it reaches a query. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
