// 大会表决: the motions, one motion's live turnout chart (Chart.js, polled), its result and the
// minutes export — Congress.status and Congress.exportCsv, as `motions status` / `motions export`.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Motion } from '../../generated/prisma/client.ts';
import { formatTime } from '../../membership/format.ts';
import { concernedName } from '../../congress/units.ts';
import { html } from '../html.ts';
import { UUID, type PageDeps } from '../routes.ts';
import { errorPage } from '../security.ts';

const STATUS: Record<string, string> = { draft: '未开始', open: '投票中', closed: '已结束', cancelled: '已取消' };

export function registerMotionPages(scope: FastifyInstance, deps: PageDeps): void {
  const { services, modules } = deps.app;
  const { prisma } = services.db;
  const congress = modules.congress;

  const load = async (id: string, reply: FastifyReply): Promise<Motion | undefined> => {
    const motion = UUID.test(id) ? await prisma.motion.findUnique({ where: { id } }) : null;
    if (!motion) errorPage(reply, 404, '找不到表决', '没有这项表决。');
    return motion ?? undefined;
  };

  scope.get('/motions', async (request, reply) => {
    const motions = await prisma.motion.findMany({ orderBy: { number: 'desc' }, take: 100 });
    const body = html`${motions.length === 0 ? html`<p class="muted">还没有表决。秘书处可在聊天中发起。</p>` : ''}
      <ul class="cards">
        ${motions.map(
          (m) =>
            html`<li>
              <a href="/admin/motions/${m.id}"
                ><strong>第 ${m.number} 号：${m.title}</strong>
                <span class="meta">${STATUS[m.status] ?? m.status} · 截止 ${formatTime(m.closesAt)}</span></a
              >
            </li>`,
        )}
      </ul>`;
    return deps.page(request, reply, 'motions', '大会表决', body);
  });

  scope.get<{ Params: { id: string } }>('/motions/:id', async (request, reply) => {
    const motion = await load(request.params.id, reply);
    if (!motion) return reply;
    const status = await congress.status(motion);
    const result = status.result ? (status.result === 'passed' ? '通过' : '未通过') : '尚未结束';
    const body = html`<p class="meta">
        ${STATUS[motion.status] ?? motion.status} · ${formatTime(motion.opensAt)} 至
        ${formatTime(motion.closesAt)}${motion.secret ? ' · 无记名' : ''}
      </p>
      <p class="pre">${motion.text}</p>
      ${
        motion.kind === 'expulsion'
          ? html`<p>被提请除名的成员单位：${(await concernedName(prisma, motion)) ?? ''}</p>
              <p class="pre">秘书处核实情况：${motion.verification ?? '（未单独填写，见动议全文）'}</p>`
          : ''
      }
      <section>
        <h2>投票进度</h2>
        <p id="turnout" aria-live="polite">应投 ${status.eligible} 家，已投 ${status.voted} 家</p>
        ${
          status.unreached.length > 0
            ? html`<p id="unreached">
                表决卡片未能送达（尚未投票）：${status.unreached.join('、')}。原因见<a href="/admin/delivery"
                  >消息投递</a
                >，请另行通知。
              </p>`
            : ''
        }
        <div class="chart">
          <canvas
            id="turnout-chart"
            data-src="/admin/api/motions/${motion.id}/turnout"
            role="img"
            aria-label="投票进度图"
          ></canvas>
        </div>
      </section>
      <section>
        <h2>结果：${result}</h2>
        ${
          status.counts
            ? html`<table>
                <thead>
                  <tr>
                    <th scope="col">选项</th>
                    <th scope="col">票数</th>
                  </tr>
                </thead>
                <tbody>
                  ${Object.entries(status.counts).map(
                    ([option, n]) =>
                      html`<tr>
                        <td>${option}</td>
                        <td>${n}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
            : html`<p class="muted">投票结束前不显示票数。</p>`
        }
        <p><a class="button" href="/admin/motions/${motion.id}/minutes.csv">导出表决记录（CSV）</a></p>
      </section>
      <script src="/admin/static/vendor/chart.umd.min.js"></script>
      <script type="module" src="/admin/static/turnout.js"></script>`;
    return deps.page(request, reply, 'motions', `第 ${motion.number} 号表决：${motion.title}`, body);
  });

  /** Turnout over time: the cumulative count of first votes, for the live chart. */
  scope.get<{ Params: { id: string } }>('/api/motions/:id/turnout', async (request, reply) => {
    const motion = await load(request.params.id, reply);
    if (!motion) return reply;
    const status = await congress.status(motion);
    const times = (
      await prisma.voterRecord.findMany({
        where: { motionId: motion.id, votedAt: { not: null } },
        select: { votedAt: true },
        orderBy: { votedAt: 'asc' },
      })
    ).map((r) => r.votedAt!.getTime());
    return {
      status: status.status,
      eligible: status.eligible,
      voted: status.voted,
      counts: status.counts,
      result: status.result,
      points: [{ t: (motion.openedAt ?? motion.opensAt).getTime(), n: 0 }, ...times.map((t, i) => ({ t, n: i + 1 }))],
    };
  });

  scope.get<{ Params: { id: string } }>('/motions/:id/minutes.csv', async (request, reply) => {
    const motion = await load(request.params.id, reply);
    if (!motion) return reply;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="motion-${motion.number}.csv"`)
      .send(await congress.exportCsv(motion));
  });
}
