// 成员单位: the list, a CSV import with the CLI's line-by-line report, and the export.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { exportMembersCsv, importMembers } from '../../membership/members.ts';
import { importReport } from '../../membership/import-report.ts';
import { formatDate } from '../../membership/format.ts';
import { csrfField, html } from '../html.ts';
import type { PageDeps } from '../routes.ts';

const STATUS: Record<string, string> = { active: '成员', withdrawn: '已退出', expelled: '已除名' };

export function registerMemberPages(scope: FastifyInstance, deps: PageDeps): void {
  const { services } = deps.app;
  const { prisma } = services.db;
  const t = (key: string, vars?: Record<string, string | number>) => services.texts.t(key, vars);

  const listPage = async (request: FastifyRequest, report?: { problems: string[]; summary: string }) => {
    const members = await prisma.member.findMany({ orderBy: [{ status: 'asc' }, { joinedAt: 'asc' }], take: 2000 });
    return html`${
        report
          ? html`<section class="report" role="status">
              <h2>导入结果</h2>
              <p>${report.summary}</p>
              ${
                report.problems.length
                  ? html`<ul>
                      ${report.problems.map((p) => html`<li>${p}</li>`)}
                    </ul>`
                  : ''
              }
            </section>`
          : ''
      }
      <section>
        <h2>导入名单（CSV）</h2>
        <p class="muted">
          列：orgName,orgType,repName,channel,userId（与命令行 members import 相同）。按单位名称更新，不会重复。
        </p>
        <form method="post" action="/admin/members/import" enctype="multipart/form-data">
          ${csrfField(deps.context(request))} <label for="csv">CSV 文件</label
          ><input id="csv" type="file" name="csv" accept=".csv,text/csv" required />
          <button type="submit" class="primary">导入</button>
        </form>
        <p>
          <a class="button" href="/admin/members/export.csv">导出成员名单（CSV）</a>
          <a class="button" href="/admin/members/export.csv?all=1">导出全部（含已退出）</a>
        </p>
      </section>
      <section>
        <h2>名单（${members.length}）</h2>
        <ul class="cards">
          ${members.map(
            (m) =>
              html`<li>
                <strong>${m.orgName}</strong
                ><span class="meta"
                  >${STATUS[m.status] ?? m.status} · ${m.orgType || '—'} · ${m.repName || '—'} ·
                  ${m.channel}:${m.userId} · ${formatDate(m.joinedAt)}</span
                >
              </li>`,
          )}
        </ul>
      </section>`;
  };

  scope.get('/members', async (request, reply) => {
    return deps.page(request, reply, 'members', '成员单位', await listPage(request));
  });

  scope.post<{ Body: { csv?: unknown } }>('/members/import', async (request, reply) => {
    const file = request.body?.csv;
    const text = Buffer.isBuffer(file) ? file.toString('utf8') : typeof file === 'string' ? file : '';
    if (!text.trim()) {
      const empty = { problems: [], summary: '没有收到文件内容，请选择一个 CSV 文件。' };
      return deps.page(request, reply, 'members', '成员单位', await listPage(request, empty));
    }
    const result = await importMembers(prisma, deps.actor(request), text.replace(/^\uFEFF/, ''));
    const report = importReport(t, result);
    return deps.page(request, reply, 'members', '成员单位', await listPage(request, report));
  });

  scope.get<{ Querystring: { all?: string } }>('/members/export.csv', async (request, reply) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="members.csv"')
      .send(await exportMembersCsv(prisma, request.query.all === '1')),
  );
}
