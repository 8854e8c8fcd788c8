// The dashboard in a real browser (Chromium, 390 px wide like a phone): the secretariat logs in with
// the link 「后台」 sent in chat, reviews an application from the page — the same state change,
// applicant notification and audit entry as the card button — imports members, watches a vote's
// turnout chart; a value like `<script>alert(1)</script>` is shown as text and no dialog fires; a
// cross-site page's forged POST is refused. Screenshots go to test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, artifactPath } from '../support/browser.ts';
import { fillToSummary } from '../support/application-script.ts';
import { contrast, startDashboard, type Dashboard } from './support/dashboard.ts';

const XSS = '<script>alert(1)</script>';
const PHONE = { width: 390, height: 844 };

let d: Dashboard;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  d = await startDashboard();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await d?.close();
});

const prisma = () => d.service.app.services.db.prisma;

async function submit(id: string, org: string): Promise<string> {
  const user = d.user(id);
  await fillToSummary(user, org);
  await user.says('确认提交');
  expect(user.lastText()).toMatch(/LM-\d{4}-\d{4}/);
  const app = await prisma().application.findFirstOrThrow({ where: { userId: id }, orderBy: { createdAt: 'desc' } });
  // The review sweep (a poller of `serve`) opens the case.
  for (let i = 0; i < 200; i++) {
    const open = await prisma().reviewCase.findFirst({ where: { applicationId: app.id, status: 'open' } });
    if (open) return app.id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no review case for ${org}`);
}

/** Logs in as this console user the way a person does: 「后台」, open the link, press the button. */
async function browserLogin(id: string): Promise<void> {
  context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(await d.link(id));
  await page.getByRole('button', { name: '进入后台' }).click();
  await page.waitForURL(`${d.url}/admin`).catch(async (error: unknown) => {
    throw new Error(`login failed at ${page.url()}: ${await page.content()}`, { cause: error });
  });
}

/** The page fits 390 px, every visible control has a label, and text and buttons have enough contrast. */
async function checkUsable(name: string): Promise<void> {
  const report = await page.evaluate(() => {
    const unlabelled = [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => (el as HTMLInputElement).type !== 'hidden')
      .filter((el) => {
        const input = el as HTMLInputElement;
        return (input.labels?.length ?? 0) === 0 && !input.getAttribute('aria-label');
      })
      .map((el) => el.outerHTML);
    const nameless = [...document.querySelectorAll('button, a')]
      .filter((el) => !(el.textContent ?? '').trim() && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML);
    const colours = (selector: string) =>
      [...document.querySelectorAll(selector)].map((el) => {
        const style = getComputedStyle(el);
        let bg = style.backgroundColor;
        for (let p = el.parentElement; bg === 'rgba(0, 0, 0, 0)' && p; p = p.parentElement)
          bg = getComputedStyle(p).backgroundColor;
        return { fg: style.color, bg: bg === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : bg, what: selector };
      });
    return {
      width: document.documentElement.scrollWidth,
      unlabelled,
      nameless,
      pairs: [
        ...colours('main p, main li, main dd, h1'),
        ...colours('button'),
        ...colours('.nav a'),
        ...colours('.meta'),
      ],
    };
  });
  expect(report.width, `${name}: horizontal scroll`).toBeLessThanOrEqual(PHONE.width);
  expect(report.unlabelled, `${name}: unlabelled controls`).toEqual([]);
  expect(report.nameless, `${name}: buttons/links without a name`).toEqual([]);
  for (const { fg, bg, what } of report.pairs)
    expect(contrast(fg, bg), `${name}: ${what} ${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
  await page.screenshot({ path: artifactPath(`admin-${name}.png`), fullPage: true });
}

describe('the dashboard in a browser', () => {
  it('a review from the page does what the card button does', { timeout: 120_000 }, async () => {
    const byCard = await submit('zhang', '贵州智慧教育科技有限公司');
    const byPage = await submit('li', '云南数字教育研究院');
    const caseOf = async (applicationId: string) =>
      (await prisma().reviewCase.findFirstOrThrow({ where: { applicationId } })).id;
    const cardCase = await caseOf(byCard);
    const pageCase = await caseOf(byPage);

    await d.user('sec1').clicks('review.approve', { case: cardCase });
    expect(d.user('sec1').lastText()).toContain('公示');

    await browserLogin('sec2');
    await checkUsable('home');
    await page.getByRole('link', { name: '入盟申请' }).click();
    await page.getByLabel('状态').selectOption('submitted');
    await page.getByRole('button', { name: '筛选' }).click();
    await checkUsable('applications');
    await page.getByRole('link', { name: /云南数字教育研究院/ }).click();
    await checkUsable('application');
    await page.getByRole('button', { name: '通过，进入公示' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('公示');

    const [a, b] = await Promise.all([
      prisma().application.findUniqueOrThrow({ where: { id: byCard } }),
      prisma().application.findUniqueOrThrow({ where: { id: byPage } }),
    ]);
    expect([a.status, b.status]).toEqual(['notice', 'notice']);
    const decided = await prisma().reviewCase.findMany({ where: { id: { in: [cardCase, pageCase] } } });
    expect(decided.map((c) => [c.status, c.decidedBy]).sort()).toEqual([
      ['approved', 'console:sec1'],
      ['approved', 'console:sec2'],
    ]);
    // The applicant's notification: the same text but for number and name.
    const notice = async (caseId: string, app: typeof a) => {
      const row = await prisma().outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `applicant:${caseId}` } });
      const text = JSON.stringify(row.payload)
        .replaceAll(app.number!, 'N')
        .replaceAll((app.fields as { orgName: string }).orgName, 'ORG')
        .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/g, 'T')
        .replace(/\d{4}年\d{1,2}月\d{1,2}日[^"\\，。]*/g, 'T');
      return { channel: row.channel, address: row.address, text };
    };
    const [cardNote, pageNote] = [await notice(cardCase, a), await notice(pageCase, b)];
    expect(pageNote.text).toBe(cardNote.text);
    expect([cardNote.channel, pageNote.channel]).toEqual(['console', 'console']);
    expect(cardNote.address).toEqual({ chatId: 'zhang', userId: 'zhang' });
    expect(pageNote.address).toEqual({ chatId: 'li', userId: 'li' });
    // The audit entry: same action, shape and before/after, by whoever decided.
    const entry = async (applicationId: string) => {
      const row = await prisma().auditLog.findFirstOrThrow({
        where: { entityId: applicationId, action: 'review.approve' },
      });
      const after = row.after as { status: string; notice: string };
      return {
        actor: row.actor,
        entity: row.entity,
        before: row.before,
        status: after.status,
        hasNotice: Boolean(after.notice),
      };
    };
    expect(await entry(byCard)).toEqual({
      actor: 'console:sec1',
      entity: 'application',
      before: { status: 'submitted' },
      status: 'notice',
      hasNotice: true,
    });
    expect(await entry(byPage)).toEqual({
      actor: 'console:sec2',
      entity: 'application',
      before: { status: 'submitted' },
      status: 'notice',
      hasNotice: true,
    });
    // The card, clicked again after the page decided, says who decided.
    await d.user('sec1').clicks('review.approve', { case: pageCase });
    expect(d.user('sec1').lastText()).toContain('console:sec2');
  });

  it('a value like <script> is shown as text and runs nothing', { timeout: 120_000 }, async () => {
    if (!page) await browserLogin('sec2');
    await submit('evil', XSS);
    await page.goto(`${d.url}/admin/applications?q=${encodeURIComponent('<script')}`);
    await expect.poll(() => page.locator('ul.cards').textContent()).toContain(XSS);
    await page.getByRole('link', { name: /alert/ }).click();
    expect(await page.locator('h1').textContent()).toBe(XSS);
    // The same through a CSV upload: the name in the list, the bad value in the line-by-line report.
    await page.goto(`${d.url}/admin/members`);
    const csv = [
      'orgName,orgType,repName,channel,userId',
      `"${XSS}",企业,代表,console,x1`,
      '贵州省电化教育馆,教育部门,张三,console,m2',
      '<img src=x onerror=alert(2)>,企业,代表,"<svg onload=alert(3)>",x2',
      '只有两列,企业',
    ].join('\n');
    await page
      .getByLabel('CSV 文件')
      .setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: '导入' }).click();
    const report = await page.locator('.report').textContent();
    expect(report).toContain('新增 2 家');
    expect(report).toContain('第 4 行已跳过');
    expect(report).toContain('第 5 行已跳过');
    expect(report).toContain('<svg onload=alert(3)>');
    expect(await page.locator('ul.cards').last().textContent()).toContain(XSS);
    await checkUsable('members');
    expect(await page.locator('script').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('a forged POST from another site is refused', { timeout: 120_000 }, async () => {
    if (!page) await browserLogin('sec2');
    const before = await prisma().broadcast.count();
    const target = `${d.url}/admin/broadcasts`;
    const evil = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<form method="post" action="${target}"><input name="text" value="伪造的群发"><input name="_csrf" value="guess"></form>
<script>document.forms[0].submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const port = (evil.address() as { port: number }).port;
    try {
      // localhost is another site than 127.0.0.1: the browser sends Origin and Sec-Fetch-Site: cross-site.
      const response = page.waitForResponse(target);
      await page.goto(`http://localhost:${port}/`);
      expect([401, 403]).toContain((await response).status());
    } finally {
      evil.close();
    }
    expect(await prisma().broadcast.count()).toBe(before);
  });

  it(
    'a vote’s live turnout chart, result and minutes; delivery and broadcasts pages',
    { timeout: 120_000 },
    async () => {
      if (!page) await browserLogin('sec2');
      const rows = [
        ['甲单位', 'va'],
        ['乙单位', 'vb'],
        ['丙单位', 'vc'],
      ];
      for (const [orgName, userId] of rows)
        await prisma().member.create({ data: { orgName: orgName!, channel: 'console', userId: userId! } });
      const created = await d.service.app.congress.create('console:sec1', {
        kind: 'general',
        title: '2027 年年会地点',
        text: '2027 年年会在贵阳召开。',
        closes_at: new Date(Date.now() + 3_600_000).toISOString(),
      });
      if (!created.ok) throw new Error(JSON.stringify(created.errors));
      await d.user('va').says('赞成');
      await page.goto(`${d.url}/admin/motions`);
      await page.getByRole('link', { name: /年会地点/ }).click();
      const canvas = page.locator('#turnout-chart');
      await expect.poll(() => canvas.getAttribute('data-voted')).toBe('1');
      await d.user('vb').says('反对');
      // The chart polls: the second vote appears without a reload.
      await expect.poll(() => canvas.getAttribute('data-voted'), { timeout: 15_000 }).toBe('2');
      await expect.poll(() => page.locator('#turnout').textContent()).toContain('已投 2 家');
      await checkUsable('motion');
      const minutes = await page.evaluate(async () => (await fetch(location.pathname + '/minutes.csv')).text());
      expect(minutes).toContain('甲单位');

      await page.getByRole('link', { name: '群发通知' }).click();
      await page.getByLabel(/通知正文/).fill('请各成员单位于本周五前提交年度报告。');
      await page.getByRole('button', { name: '发送' }).click();
      await expect.poll(() => page.locator('.flash').textContent()).toContain('群发');
      await checkUsable('broadcasts');
      await page.getByRole('link', { name: '消息投递' }).click();
      await checkUsable('delivery');
      await page.getByRole('link', { name: '公示与异议' }).click();
      await checkUsable('notices');
      await page.getByRole('button', { name: '退出登录' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('已退出登录');
      expect((await page.goto(`${d.url}/admin`))?.status()).toBe(401);
      expect(dialogs).toEqual([]);
    },
  );
});
