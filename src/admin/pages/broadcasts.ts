// 群发通知: each broadcast with its delivery status (broadcastStatus, as `broadcast status`), and a
// new text broadcast through the same createBroadcast the chat dialog and the CLI use.
import type { FastifyInstance } from 'fastify';
import { broadcastStatus, createBroadcast } from '../../membership/broadcast.ts';
import { broadcastCard } from '../../membership/cards.ts';
import { isBlank } from '../../application/normalize.ts';
import { formatTime } from '../../membership/format.ts';
import { csrfField, html } from '../html.ts';
import { back, type PageDeps } from '../routes.ts';

const TEXT_MAX = 2000;

export function registerBroadcastPages(scope: FastifyInstance, deps: PageDeps): void {
  const { services } = deps.app;
  const { prisma } = services.db;
  const t = (key: string, vars?: Record<string, string | number>) => services.texts.t(key, vars);

  scope.get('/broadcasts', async (request, reply) => {
    const rows = await prisma.broadcast.findMany({ orderBy: { createdAt: 'desc' }, take: 50 });
    const statuses = await Promise.all(rows.map((b) => broadcastStatus(prisma, b.id)));
    const body = html`<section>
        <h2>新建群发</h2>
        <form method="post" action="/admin/broadcasts">
          ${csrfField(deps.context(request))}
          <label for="text">通知正文（发给全体成员单位代表）</label>
          <textarea id="text" name="text" rows="4" maxlength="${TEXT_MAX}" required></textarea>
          <button type="submit" class="primary">发送</button>
        </form>
      </section>
      <section>
        <h2>发送记录</h2>
        <ul class="cards">
          ${rows.map((b, i) => {
            const s = statuses[i]!;
            return html`<li>
              <p class="pre">${b.text}</p>
              <span class="meta">${formatTime(b.createdAt)} · ${b.actor}</span>
              <span class="meta">共 ${s.total} · 已送达 ${s.delivered} · 待发 ${s.pending} · 失败 ${s.failed}</span>
              <progress max="${Math.max(1, s.total)}" value="${s.delivered}" aria-label="送达进度">
                ${s.delivered}/${s.total}
              </progress>
            </li>`;
          })}
        </ul>
      </section>`;
    return deps.page(request, reply, 'broadcasts', '群发通知', body);
  });

  scope.post<{ Body: { text?: string } }>('/broadcasts', async (request, reply) => {
    const text = String(request.body?.text ?? '').trim();
    if (isBlank(text)) return back(request, reply, '/admin/broadcasts', '通知正文不能为空。');
    if (text.length > TEXT_MAX)
      return back(
        request,
        reply,
        '/admin/broadcasts',
        `通知正文太长（${text.length} 字），请控制在 ${TEXT_MAX} 字以内。`,
      );
    const { id, total } = await createBroadcast(prisma, {
      actor: deps.actor(request),
      text,
      card: broadcastCard(t, text),
    });
    services.delivery?.wake();
    return back(request, reply, '/admin/broadcasts', t('membership.broadcast_queued', { id, total }));
  });
}
