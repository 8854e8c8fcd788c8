// 入盟申请: the list by status with a search, one application with its fields, its DOCX and scan
// (by application id only), and the review — the same Review.decide the card buttons call.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { FORM } from '../../application/form.ts';
import { isBlank } from '../../application/normalize.ts';
import type { ApplicationView } from '../../application/service.ts';
import { readFile } from '../../db/files.ts';
import { REVIEW_REASON_MAX, type Decision } from '../../membership/review.ts';
import { reviewResultText } from '../../membership/process-handlers.ts';
import { formatTime } from '../../membership/format.ts';
import { csrfField, html } from '../html.ts';
import { back, UUID, type PageDeps } from '../routes.ts';
import { errorPage } from '../security.ts';

const STATUSES = ['submitted', 'notice', 'admitted', 'draft', 'rejected', 'revoked', 'cancelled'] as const;
const DECISIONS: Record<string, Decision> = { approve: 'approved', return: 'returned', reject: 'rejected' };

export function registerApplicationPages(scope: FastifyInstance, deps: PageDeps): void {
  const { services, modules } = deps.app;
  const { prisma } = services.db;
  const t = (key: string, vars?: Record<string, string | number>) => services.texts.t(key, vars);
  const statusName = (status: string) =>
    services.texts.has(`application.status_${status}`) ? t(`application.status_${status}`) : status;
  const org = (a: ApplicationView) => a.fields.orgName ?? t('application.org_unnamed');

  scope.get<{ Querystring: { status?: string; q?: string } }>('/applications', async (request, reply) => {
    const status = String(request.query.status ?? '');
    const q = String(request.query.q ?? '')
      .trim()
      .slice(0, 100);
    const all = await modules.application.applications.listAll();
    const shown = all.filter(
      (a) =>
        (!status || a.status === status) &&
        (!q ||
          [a.number ?? '', org(a), a.fields.contactName ?? '', `${a.channel}:${a.userId}`].some((v) => v.includes(q))),
    );
    const body = html`<form method="get" action="/admin/applications" class="filters">
        <label
          >状态
          <select name="status">
            <option value="">全部</option>
            ${STATUSES.map(
              (s) => html`<option value="${s}" ${s === status ? html` selected` : ''}>${statusName(s)}</option>`,
            )}
          </select></label
        >
        <label>搜索 <input type="search" name="q" value="${q}" placeholder="单位名称、编号或联系人" /></label>
        <button type="submit">筛选</button>
      </form>
      <p class="muted">共 ${shown.length} 份</p>
      <ul class="cards">
        ${shown.map(
          (a) =>
            html`<li>
              <a href="/admin/applications/${a.id}"
                ><strong>${org(a)}</strong>
                <span class="meta"
                  >${a.number ?? '草稿'} · ${statusName(a.status)} · ${formatTime(a.updatedAt)}</span
                ></a
              >
            </li>`,
        )}
      </ul>`;
    return deps.page(request, reply, 'applications', '入盟申请', body);
  });

  scope.get<{ Params: { id: string } }>('/applications/:id', async (request, reply) => {
    const app = await load(request.params.id, reply);
    if (!app) return reply;
    const openCase = await prisma.reviewCase.findFirst({
      where: { applicationId: app.id, status: 'open' },
      orderBy: { createdAt: 'desc' },
    });
    const decisions = await prisma.reviewCase.findMany({
      where: { applicationId: app.id, status: { not: 'open' } },
      orderBy: { createdAt: 'asc' },
    });
    const body = html`<p class="meta">
        ${app.number ?? '草稿'} · ${statusName(app.status)} · 申请人 ${app.channel}:${app.userId}
      </p>
      <dl class="fields">
        ${FORM.map(
          (f) =>
            html`<dt>${t(`application.field_${f.key}`)}</dt>
              <dd>${app.fields[f.key] ?? '—'}</dd>`,
        )}
      </dl>
      <p class="files">
        ${
          app.documentFileId
            ? html`<a class="button" href="/admin/applications/${app.id}/document">下载申请表（DOCX）</a>`
            : html`<span class="muted">尚无申请表</span>`
        }
        ${
          app.scanFileId
            ? html`<a class="button" href="/admin/applications/${app.id}/scan">下载盖章扫描件</a>`
            : html`<span class="muted">尚未收到盖章扫描件</span>`
        }
      </p>
      ${decisions.map(
        (c) =>
          html`<p class="meta">
            审查结果：${t(`membership.decision_${c.status}`)}（${c.decidedBy ?? ''}，${c.decidedAt ? formatTime(c.decidedAt) : ''}）${c.reason ? html`：${c.reason}` : ''}
          </p>`,
      )}
      ${
        openCase
          ? html`<section class="review">
              <h2>资格审查</h2>
              <form method="post" action="/admin/applications/${app.id}/review">
                ${csrfField(deps.context(request))}
                <label for="reason">退回或不予通过的原因（通过时不需要）</label>
                <textarea id="reason" name="reason" rows="3" maxlength="${REVIEW_REASON_MAX}"></textarea>
                <div class="actions">
                  <button type="submit" name="decision" value="approve" class="primary">通过，进入公示</button>
                  <button type="submit" name="decision" value="return">退回补充</button>
                  <button type="submit" name="decision" value="reject" class="danger">不予通过</button>
                </div>
              </form>
            </section>`
          : ''
      }`;
    return deps.page(request, reply, 'applications', org(app), body);
  });

  scope.post<{ Params: { id: string }; Body: { decision?: string; reason?: string } }>(
    '/applications/:id/review',
    async (request, reply) => {
      const app = await load(request.params.id, reply);
      if (!app) return reply;
      const to = `/admin/applications/${app.id}`;
      const decision = DECISIONS[String(request.body?.decision ?? '')];
      if (!decision) return back(request, reply, to, '请选择审查结论。');
      const reason = String(request.body?.reason ?? '').trim();
      if (decision !== 'approved') {
        if (isBlank(reason)) return back(request, reply, to, '退回或不予通过时请填写原因。');
        if (reason.length > REVIEW_REASON_MAX)
          return back(
            request,
            reply,
            to,
            t('membership.review_reason_too_long', { length: reason.length, max: REVIEW_REASON_MAX }),
          );
      }
      const openCase = await prisma.reviewCase.findFirst({
        where: { applicationId: app.id, status: 'open' },
        orderBy: { createdAt: 'desc' },
      });
      const result = openCase
        ? await modules.membership.review.decide(
            deps.actor(request),
            openCase.id,
            decision,
            decision === 'approved' ? undefined : reason,
          )
        : { kind: 'not_found' as const };
      return back(request, reply, to, reviewResultText(t, services.config.publicNoticeMs, result));
    },
  );

  for (const [route, column] of [
    ['document', 'documentFileId'],
    ['scan', 'scanFileId'],
  ] as const) {
    scope.get<{ Params: { id: string } }>(`/applications/:id/${route}`, async (request, reply) => {
      const app = await load(request.params.id, reply);
      if (!app) return reply;
      const fileId = app[column];
      const file = fileId ? await readFile(prisma, fileId) : undefined;
      if (!file) return errorPage(reply, 404, '找不到文件', '这份申请还没有这个文件。');
      return reply
        .header(
          'content-disposition',
          `attachment; filename="${asciiName(file.name)}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
        )
        .type(file.mime || 'application/octet-stream')
        .send(file.data);
    });
  }

  /** An application by its id; a malformed id (`../x`) is refused with 404 before any query. */
  async function load(id: string, reply: FastifyReply): Promise<ApplicationView | undefined> {
    const app = UUID.test(id) ? await modules.application.applications.get(id) : undefined;
    if (!app) errorPage(reply, 404, '找不到申请', '没有这份申请。');
    return app;
  }
}

/** The file name for old clients: ASCII only, no quotes or path separators. */
const asciiName = (name: string): string => name.replace(/[^\w.-]/g, '_') || 'file';
