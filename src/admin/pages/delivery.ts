// 消息投递: queue depths, outbox counts, the dead deliveries with a retry, and a link to the queue
// board (/ops/queues, behind the ops login).
import type { FastifyInstance } from 'fastify';
import { retryDeadDelivery } from '../../delivery/retry-dead.ts';
import { DASHBOARD_PATH } from '../../http/ops.ts';
import { formatTime } from '../../membership/format.ts';
import { unitNamesByAccount } from '../../membership/members.ts';
import { csrfField, html } from '../html.ts';
import { back, UUID, type PageDeps } from '../routes.ts';

const RESULT: Record<string, string> = {
  retried: '已重新排队投递。',
  not_failed: '这条消息不在失败状态，未作改动。',
  not_found: '找不到这条消息。',
};

export function registerDeliveryPages(scope: FastifyInstance, deps: PageDeps): void {
  const { services } = deps.app;
  const { prisma } = services.db;
  const delivery = services.delivery;

  scope.get('/delivery', async (request, reply) => {
    const queues = delivery?.enabled
      ? await Promise.all(
          delivery.allQueues().map(async (q) => ({
            name: q.name,
            counts: await q.getJobCounts('waiting', 'active', 'delayed', 'failed'),
          })),
        )
      : [];
    const outbox = await prisma.outboxMessage.groupBy({ by: ['status'], _count: true });
    const failed = await prisma.outboxMessage.findMany({
      where: { status: 'failed' },
      orderBy: { failedAt: 'desc' },
      take: 50,
      select: { id: true, channel: true, lastError: true, failedAt: true, attempts: true, address: true },
    });
    const recipients = await recipientNames(
      prisma,
      failed.map((f) => ({ channel: f.channel, userId: recipientOf(f.address) })),
    );
    const csrf = csrfField(deps.context(request));
    const body = html`<section>
        <h2>发件箱</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">状态</th>
              <th scope="col">条数</th>
            </tr>
          </thead>
          <tbody>
            ${outbox.map(
              (g) =>
                html`<tr>
                  <td>${g.status}</td>
                  <td>${g._count}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </section>
      <section>
        <h2>队列</h2>
        ${
          queues.length === 0
            ? html`<p class="muted">未连接 Redis，消息直接发送。</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th scope="col">队列</th>
                    <th scope="col">等待</th>
                    <th scope="col">发送中</th>
                    <th scope="col">延迟</th>
                    <th scope="col">失败</th>
                  </tr>
                </thead>
                <tbody>
                  ${queues.map(
                    (q) =>
                      html`<tr>
                        <td>${q.name}</td>
                        <td>${q.counts.waiting ?? 0}</td>
                        <td>${q.counts.active ?? 0}</td>
                        <td>${q.counts.delayed ?? 0}</td>
                        <td>${q.counts.failed ?? 0}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }${deps.opsBoard ? html`<p><a class="button" href="${DASHBOARD_PATH}">打开队列看板（需运维账号）</a></p>` : ''}
      </section>
      <section>
        <h2>投递失败（${failed.length}）</h2>
        <ul class="cards">
          ${failed.map(
            (f) =>
              html`<li>
                <span class="meta"
                  >${f.channel} · ${f.failedAt ? formatTime(f.failedAt) : ''} · 尝试 ${f.attempts} 次</span
                >
                <p class="recipient">
                  收件人：${recipients.get(`${f.channel}:${recipientOf(f.address)}`) ?? ''}${recipientOf(f.address)}
                </p>
                <p class="pre">${f.lastError ?? ''}</p>
                <form method="post" action="/admin/delivery/${f.id}/retry">
                  ${csrf}<button type="submit">重新投递</button>
                </form>
              </li>`,
          )}
        </ul>
      </section>`;
    return deps.page(request, reply, 'delivery', '消息投递', body);
  });

  scope.post<{ Params: { id: string } }>('/delivery/:id/retry', async (request, reply) => {
    const result = UUID.test(request.params.id)
      ? await retryDeadDelivery(prisma, delivery, deps.actor(request), request.params.id)
      : 'not_found';
    return back(request, reply, '/admin/delivery', RESULT[result]!);
  });
}

/** Who a row was for: the address's user (a direct message), else its chat. */
function recipientOf(address: unknown): string {
  const a = (address ?? {}) as { userId?: string; chatId?: string };
  return a.userId ?? a.chatId ?? '';
}

/** The member units those accounts represent ("丁市教育中心 · "), by `channel:userId`. */
async function recipientNames(
  prisma: PageDeps['app']['services']['db']['prisma'],
  accounts: { channel: string; userId: string }[],
): Promise<Map<string, string>> {
  const names = await unitNamesByAccount(
    prisma,
    accounts.filter((a) => a.userId !== ''),
  );
  return new Map([...names].map(([key, org]) => [key, `${org} · `]));
}
