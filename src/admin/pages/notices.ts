// 公示与异议: the notices with their objections (the reason, never who objected — as on the cards),
// and the objection decision through the same Notices.decideObjection the card buttons call.
import type { FastifyInstance } from 'fastify';
import { recusalText } from '../../membership/recusal.ts';
import { formatTime } from '../../membership/format.ts';
import { csrfField, html } from '../html.ts';
import { back, UUID, type PageDeps } from '../routes.ts';

const NOTICE_STATUS: Record<string, string> = {
  open: '公示中',
  granted: '已确认成员资格',
  revoked: '异议成立，未入盟',
  blocked: '账号已代表其他单位',
};
const OBJECTION_STATUS: Record<string, string> = { open: '待处理', upheld: '异议成立', dismissed: '已驳回' };

export function registerNoticePages(scope: FastifyInstance, deps: PageDeps): void {
  const { services, modules } = deps.app;
  const { prisma } = services.db;
  const t = (key: string, vars?: Record<string, string | number>) => services.texts.t(key, vars);

  scope.get('/notices', async (request, reply) => {
    const notices = await prisma.publicNotice.findMany({
      orderBy: { startsAt: 'desc' },
      take: 100,
      include: { objections: { orderBy: { createdAt: 'asc' } } },
    });
    const csrf = csrfField(deps.context(request));
    const body = html`${notices.length === 0 ? html`<p class="muted">还没有公示。</p>` : ''}
      <ul class="cards">
        ${notices.map(
          (n) =>
            html`<li>
              <strong>${n.orgName}</strong>
              <span class="meta"
                >${NOTICE_STATUS[n.status] ?? n.status} · ${formatTime(n.startsAt)} 至 ${formatTime(n.endsAt)}</span
              >
              ${n.objections.map(
                (o) =>
                  html`<div class="objection">
                    <p>异议（${OBJECTION_STATUS[o.status] ?? o.status}）：${o.reason}</p>
                    ${
                      o.status === 'open'
                        ? html`<form method="post" action="/admin/objections/${o.id}" class="actions">
                            ${csrf}
                            <button type="submit" name="decision" value="dismissed">驳回异议</button>
                            <button type="submit" name="decision" value="upheld" class="danger">异议成立</button>
                          </form>`
                        : html`<p class="meta">${o.decidedBy ?? ''} ${o.decidedAt ? formatTime(o.decidedAt) : ''}</p>`
                    }
                  </div>`,
              )}
            </li>`,
        )}
      </ul>`;
    return deps.page(request, reply, 'notices', '公示与异议', body);
  });

  scope.post<{ Params: { id: string }; Body: { decision?: string } }>('/objections/:id', async (request, reply) => {
    const decision = request.body?.decision;
    if (!UUID.test(request.params.id) || (decision !== 'upheld' && decision !== 'dismissed'))
      return back(request, reply, '/admin/notices', t('membership.review_not_found'));
    const result = await modules.membership.notices.decideObjection(deps.actor(request), request.params.id, decision);
    const message =
      result.kind === 'not_found'
        ? t('membership.review_not_found')
        : result.kind === 'recused'
          ? recusalText(t, result)
          : result.kind === 'decided'
            ? t('membership.objection_already_decided', { by: result.by, at: formatTime(result.at) })
            : t(`membership.objection_done_${decision}`, { org: result.org });
    return back(request, reply, '/admin/notices', message);
  });
}
