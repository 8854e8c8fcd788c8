// 概览: what waits for the secretariat, with links to each page.
import type { FastifyInstance } from 'fastify';
import { html } from '../html.ts';
import type { PageDeps } from '../routes.ts';

export function registerHomePage(scope: FastifyInstance, deps: PageDeps): void {
  const prisma = deps.app.services.db.prisma;
  scope.get('/', async (request, reply) => {
    const [openCases, openNotices, openObjections, openMotions, failed, members] = await Promise.all([
      prisma.reviewCase.count({ where: { status: 'open' } }),
      prisma.publicNotice.count({ where: { status: 'open' } }),
      prisma.objection.count({ where: { status: 'open' } }),
      prisma.motion.count({ where: { status: 'open' } }),
      prisma.outboxMessage.count({ where: { status: 'failed' } }),
      prisma.member.count({ where: { status: 'active' } }),
    ]);
    const tile = (label: string, value: number, href: string) =>
      html`<a class="tile" href="${href}"><span class="num">${value}</span><span>${label}</span></a>`;
    return deps.page(
      request,
      reply,
      'home',
      '概览',
      html`<div class="tiles">
        ${tile('待审查的申请', openCases, '/admin/applications?status=submitted')}
        ${tile('公示中', openNotices, '/admin/notices')} ${tile('待处理的异议', openObjections, '/admin/notices')}
        ${tile('进行中的表决', openMotions, '/admin/motions')} ${tile('投递失败的消息', failed, '/admin/delivery')}
        ${tile('成员单位', members, '/admin/members')}
      </div>`,
    );
  });
}
