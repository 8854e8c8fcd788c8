// The dashboard's doors, through real HTTP against `serve`: no login, an expired link, a used link,
// a member's and an applicant's login (403), a role revoked mid-session, logout and session expiry,
// CSRF on state-changing requests (token, Origin, Sec-Fetch-Site), and file and static paths that
// try to climb out (`../`). The login is driven as a user does: 「后台」 in chat, the link from the reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { fillToSummary } from '../support/application-script.ts';
import { AdminTokens } from '../../src/admin/tokens.ts';
import { postForm, startDashboard, type Dashboard } from './support/dashboard.ts';

let d: Dashboard;
beforeAll(async () => {
  d = await startDashboard();
  await d.service.app.services.db.prisma.member.create({
    data: { orgName: '北京市数字教育中心', channel: 'console', userId: 'm1' },
  });
}, 120_000);
afterAll(async () => d?.close());

const prisma = () => d.service.app.services.db.prisma;
const get = (route: string, cookie?: string) =>
  fetch(`${d.url}${route}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

/** A raw request line, not normalised by a client (`/a/../b` stays as typed). */
function rawGet(route: string, cookie: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(d.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: route, headers: { cookie } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('login', () => {
  it('without a session every page and API is refused with a pointer to 「后台」', async () => {
    for (const route of ['/admin', '/admin/applications', '/admin/members/export.csv', '/admin/delivery']) {
      const res = await get(route);
      expect(res.status, route).toBe(401);
      expect(await res.text()).toContain('后台');
    }
    expect((await get('/admin/api/motions/00000000-0000-0000-0000-000000000000/turnout')).status).toBe(401);
    const post = await postForm(d.url, '/admin/broadcasts', { text: '未登录的群发' });
    expect(post.status).toBe(401);
    expect(await prisma().broadcast.count()).toBe(0);
  });

  it('a link works once: opening it does not use it, the button does; a second use is refused', async () => {
    const link = await d.link('sec1');
    expect(d.user('sec1').lastText()).toContain('只能打开一次');
    expect(link.startsWith(`${d.url}/admin/login?token=`)).toBe(true);
    // A chat app previewing the link (GET) must not burn it.
    expect((await get(new URL(link).pathname + new URL(link).search)).status).toBe(200);
    const first = await postForm(d.url, '/admin/login', { token: tokenOf(link) });
    expect(first.status).toBe(303);
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/admin/);
    const again = await postForm(d.url, '/admin/login', { token: tokenOf(link) });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('已经用过');
    expect(await prisma().auditLog.count({ where: { action: 'admin.login', actor: 'console:sec1' } })).toBe(1);
  });

  it('an expired link is refused; a made-up or malformed token too', async () => {
    const link = await d.link('sec1');
    d.clock.offsetMs = 11 * 60_000;
    try {
      const res = await postForm(d.url, '/admin/login', { token: tokenOf(link) });
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('已过期');
    } finally {
      d.clock.offsetMs = 0;
    }
    for (const token of ['A'.repeat(43), '', '../../etc/passwd', `${tokenOf(link)}x`, "' OR 1=1 --"]) {
      const res = await postForm(d.url, '/admin/login', { token });
      expect(res.status, token).toBe(400);
    }
  });

  it('a member and an applicant get no link, and a link issued to them anyway gets 403', async () => {
    await d.user('m1').says('后台');
    expect(d.user('m1').lastText()).toContain('仅限联盟秘书处成员');
    const zhang = d.user('zhang');
    await fillToSummary(zhang, '贵州智慧教育科技有限公司');
    await zhang.says('确认提交');
    await zhang.says('稍后再传');
    await zhang.says('后台');
    expect(zhang.lastText()).toContain('仅限联盟秘书处成员');
    expect(await prisma().adminLoginToken.count({ where: { userKey: { in: ['console:m1', 'console:zhang'] } } })).toBe(
      0,
    );
    const tokens = new AdminTokens(prisma(), { linkMs: 600_000, sessionMs: 3_600_000 });
    for (const userKey of ['console:m1', 'console:zhang']) {
      const { token } = await tokens.issueLogin(userKey);
      const res = await postForm(d.url, '/admin/login', { token });
      expect(res.status, userKey).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    // A session (say, from before a role change) for a member: 403 on every request, not just at login.
    const { token } = await tokens.startSession('console:m1');
    const res = await get('/admin', `ab_admin=${token}`);
    expect(res.status).toBe(403);
  });

  it('the role is read on every request: revoked mid-session → 403', async () => {
    await d.user('sec1').says('添加秘书处 console:temp');
    const session = await d.login('temp');
    expect((await get('/admin/applications', session.cookie)).status).toBe(200);
    await d.user('sec1').says('移除秘书处 console:temp');
    expect((await get('/admin/applications', session.cookie)).status).toBe(403);
    expect((await get('/admin/applications', session.cookie)).status).toBe(401);
  });

  it('logout ends the session; an expired session is refused', async () => {
    const session = await d.login('sec2');
    const out = await postForm(d.url, '/admin/logout', { _csrf: session.csrf }, { cookie: session.cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/ab_admin=;/);
    expect((await get('/admin', session.cookie)).status).toBe(401);

    const later = await d.login('sec2');
    d.clock.offsetMs = 8 * 3_600_000 + 1_000;
    try {
      expect((await get('/admin', later.cookie)).status).toBe(401);
    } finally {
      d.clock.offsetMs = 0;
    }
  });
});

describe('CSRF', () => {
  it('every state-changing request needs the session token and a same-origin browser context', async () => {
    const s = await d.login('sec1');
    const before = await prisma().broadcast.count();
    const attempts: [string, Record<string, string>, Record<string, string>][] = [
      ['no token', { text: '伪造群发' }, {}],
      ['wrong token', { text: '伪造群发', _csrf: 'x'.repeat(43) }, {}],
      ['another session’s token', { text: '伪造群发', _csrf: (await d.login('sec2')).csrf }, {}],
      ['cross-site Origin', { text: '伪造群发', _csrf: s.csrf }, { origin: 'https://evil.example' }],
      ['Sec-Fetch-Site cross-site', { text: '伪造群发', _csrf: s.csrf }, { 'sec-fetch-site': 'cross-site' }],
      ['Sec-Fetch-Site same-site', { text: '伪造群发', _csrf: s.csrf }, { 'sec-fetch-site': 'same-site' }],
      ['null Origin', { text: '伪造群发', _csrf: s.csrf }, { origin: 'null' }],
    ];
    for (const [what, fields, headers] of attempts) {
      const res = await postForm(d.url, '/admin/broadcasts', fields, { cookie: s.cookie, ...headers });
      expect(res.status, what).toBe(403);
    }
    // Logout and retry are state changes too.
    expect((await postForm(d.url, '/admin/logout', {}, { cookie: s.cookie })).status).toBe(403);
    expect(
      (await postForm(d.url, '/admin/delivery/00000000-0000-0000-0000-000000000000/retry', {}, { cookie: s.cookie }))
        .status,
    ).toBe(403);
    expect(await prisma().broadcast.count()).toBe(before);
    // The same request with the token, from the page's own origin, goes through.
    const ok = await postForm(d.url, '/admin/broadcasts', { text: '真实群发', _csrf: s.csrf }, { cookie: s.cookie });
    expect(ok.status).toBe(303);
    expect(await prisma().broadcast.count()).toBe(before + 1);
    // Login itself refuses a cross-site POST (login CSRF).
    const link = await d.link('sec1');
    const cross = await postForm(d.url, '/admin/login', { token: tokenOf(link) }, { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
  });
});

describe('delivery', () => {
  it('a dead delivery is retried from the page: back to pending, attempts reset, audited; others untouched', async () => {
    const s = await d.login('sec1');
    const failed = await prisma().outboxMessage.create({
      data: {
        channel: 'console',
        address: { chatId: 'm1', userId: 'm1' },
        payload: [{ kind: 'text', text: '测试消息' }],
        status: 'failed',
        attempts: 10,
        lastError: 'platform refused',
        failedAt: new Date(),
      },
    });
    const page = await (await get('/admin/delivery', s.cookie)).text();
    expect(page).toContain('platform refused');
    expect(page).toContain(`/admin/delivery/${failed.id}/retry`);
    const res = await postForm(d.url, `/admin/delivery/${failed.id}/retry`, { _csrf: s.csrf }, { cookie: s.cookie });
    expect(res.status).toBe(303);
    const row = await prisma().outboxMessage.findUniqueOrThrow({ where: { id: failed.id } });
    expect(['pending', 'queued']).toContain(row.status);
    expect(row.attempts).toBe(0);
    expect(
      await prisma().auditLog.count({
        where: { action: 'delivery.retry', entityId: failed.id, actor: 'console:sec1' },
      }),
    ).toBe(1);
    // A second retry (the row is no longer failed) changes nothing; a bad id is refused.
    await postForm(d.url, `/admin/delivery/${failed.id}/retry`, { _csrf: s.csrf }, { cookie: s.cookie });
    expect(await prisma().auditLog.count({ where: { action: 'delivery.retry', entityId: failed.id } })).toBe(1);
    const bad = await postForm(d.url, '/admin/delivery/..%2f..%2fx/retry', { _csrf: s.csrf }, { cookie: s.cookie });
    expect(bad.status).toBe(303);
    expect(decodeURIComponent(bad.headers.get('location') ?? '')).toContain('找不到这条消息');
  });
});

describe('paths', () => {
  it('files only by application id; ../ and other shapes refused; static files stay in their folder', async () => {
    const s = await d.login('sec1');
    const app = await prisma().application.findFirstOrThrow({ where: { userId: 'zhang' } });
    const docx = await get(`/admin/applications/${app.id}/document`, s.cookie);
    expect(docx.status).toBe(200);
    expect(docx.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(
      Buffer.from(await docx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect((await get(`/admin/applications/${app.id}/scan`, s.cookie)).status).toBe(404);
    for (const route of [
      `/admin/applications/../../package.json/document`,
      `/admin/applications/..%2f..%2fpackage.json/document`,
      `/admin/applications/%2e%2e%2f%2e%2e%2fetc%2fpasswd/scan`,
      `/admin/applications/${app.documentFileId}/document`,
      `/admin/static/../tokens.ts`,
      `/admin/static/%2e%2e/tokens.ts`,
      `/admin/static/..%2ftokens.ts`,
      `/admin/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json`,
      `/admin/static/vendor/../../routes.ts`,
    ]) {
      const res = await rawGet(route, s.cookie);
      expect(res.status, route).toBeGreaterThanOrEqual(400);
      expect(res.body, route).not.toContain('alliance-bot');
      expect(res.body, route).not.toContain('hashToken');
    }
  });

  it('every dashboard response carries the security headers', async () => {
    const res = await get('/admin/login?token=x');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('bad input', () => {
  it('a review from the page with a bad decision or reason changes nothing and says why', async () => {
    const s = await d.login('sec1');
    const app = await prisma().application.findFirstOrThrow({ where: { userId: 'zhang' } });
    for (let i = 0; i < 200 && !(await prisma().reviewCase.count({ where: { applicationId: app.id } })); i++)
      await new Promise((r) => setTimeout(r, 50));
    const review = (fields: Record<string, string>) =>
      postForm(d.url, `/admin/applications/${app.id}/review`, { _csrf: s.csrf, ...fields }, { cookie: s.cookie });
    const cases: [Record<string, string>, string][] = [
      [{ decision: 'delete' }, '请选择审查结论'],
      [{}, '请选择审查结论'],
      [{ decision: 'reject', reason: '。。' }, '请填写原因'],
      [{ decision: 'return', reason: '   ' }, '请填写原因'],
      [{ decision: 'reject', reason: '长'.repeat(501) }, '原因太长'],
    ];
    for (const [fields, says] of cases) {
      const res = await review(fields);
      expect(res.status).toBe(303);
      const location = decodeURIComponent(res.headers.get('location') ?? '');
      expect(location, JSON.stringify(fields)).toContain(says);
      // The message shows on the page it leads to; a crafted one (no valid signature) does not.
      const shown = await (await get(res.headers.get('location')!, s.cookie)).text();
      expect(shown).toContain(says);
    }
    const forged = await (
      await get(`/admin/applications/${app.id}?msg=${encodeURIComponent('请转账')}&sig=x`, s.cookie)
    ).text();
    expect(forged).not.toContain('请转账');
    expect((await prisma().application.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('submitted');
    expect(
      await prisma().auditLog.count({
        where: { entityId: app.id, action: { startsWith: 'review.' }, NOT: { action: 'review.open' } },
      }),
    ).toBe(0);
    // A body over the limit gets a clear page, not a crash.
    const big = await postForm(
      d.url,
      '/admin/broadcasts',
      { _csrf: s.csrf, text: '长'.repeat(200_000) },
      { cookie: s.cookie },
    );
    expect(big.status).toBe(413);
    expect(await big.text()).toContain('太大');
  });
});

// Last: it leaves 127.0.0.1 unable to log in for the rest of the window.
describe('login throttle', () => {
  it('an address that keeps presenting bad tokens is refused for a while, even with a good one', async () => {
    for (let i = 0; i < 30; i++) await postForm(d.url, '/admin/login', { token: 'B'.repeat(43) });
    const link = await d.link('sec1');
    const res = await postForm(d.url, '/admin/login', { token: tokenOf(link) });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
