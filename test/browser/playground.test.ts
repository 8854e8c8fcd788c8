// The playground end to end in Chromium, as people would use it: an applicant persona on a 390 px
// phone screen fills in the form dialog in Chinese, downloads the DOCX and uploads a stamped scan;
// the secretariat persona sees the review card with its buttons and approves (the card is replaced
// in place); the member persona gets the 公示 card live; the shortened notice period ends and the
// applicant is told it is a member. No Redis: the outbox is delivered in process, as with `npm start`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PlaygroundChannel } from '../../src/channels/playground/playground-channel.ts';
import { loadConfig } from '../../src/config.ts';
import { startService, type Service } from '../../src/commands/serve.ts';
import { importMembers } from '../../src/membership/members.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { artifactPath, launchBrowser } from '../support/browser.ts';
import { capturingLogger } from '../channels/support/world-env.ts';

const XSS_ORG = '<script>alert(1)</script>贵州智慧教育科技有限公司';
// A 1×1 PNG: what a phone photo of the stamped form is, as far as type detection goes.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

let database: TestDatabase;
let service: Service;
let browser: Browser;
let context: BrowserContext;
const dialogs: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    DATA_DIR: path.join(os.tmpdir(), `ab-playground-${randomBytes(4).toString('hex')}`),
    SECRETARIAT: 'playground:secretariat',
    APPLICATION_DEADLINE: 'none',
    PUBLIC_NOTICE_PERIOD: '6s',
  });
  service = await startService(config, { log: capturingLogger().log });
  await importMembers(
    service.app.services.db.prisma,
    'test',
    'orgName,orgType,repName,channel,userId\n北京市数字教育中心,教育部门,王代表,playground,member\n',
  );
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await service?.close();
  await database?.drop();
});

async function openAs(persona: string): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${service.url}/playground/`);
  await page.locator(`nav button[data-persona="${persona}"]`).click();
  await expect.poll(() => page.locator('#who').textContent()).toContain(`playground:${persona}`);
  return page;
}

async function say(page: Page, text: string, expectReply: string | RegExp): Promise<void> {
  const before = await page.locator('#log li.bot').count();
  await page.getByRole('textbox', { name: '消息' }).fill(text);
  await page.getByRole('button', { name: '发送' }).click();
  await expect.poll(() => page.locator('#log li.bot').count(), { timeout: 20_000 }).toBeGreaterThan(before);
  await expect.poll(() => page.locator('#log').innerText(), { timeout: 20_000 }).toMatch(expectReply);
}

describe('the playground in a browser', () => {
  it('an application from submission to membership, across three personas', async () => {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect([...service.channels.keys()]).toEqual(['playground']);
    const applicant = await openAs('applicant');
    const secretariat = await openAs('secretariat');
    const member = await openAs('member');

    await say(applicant, '我要申请加入联盟', /单位名称/);
    await say(applicant, XSS_ORG, /地址/);
    await say(applicant, '贵州省贵阳市云岩区北京路1号', /性质/);
    await say(applicant, '公司', /基本情况|简介/);
    await say(applicant, '本公司成立于2010年，员工200人，从事数字教育资源开发，已接入国家体系。', /代表/);
    await say(applicant, '王磊，信息科科长，13812345678，wanglei@example.com', /联系人/);
    await say(applicant, '同上', /确认提交/);
    // The field value is shown as text, not run: the literal tag is on the page, no dialog fired.
    expect(await applicant.locator('#log').innerText()).toContain('<script>alert(1)</script>');
    expect(await applicant.locator('#log script').count()).toBe(0);
    await say(applicant, '确认提交', /LM-\d{4}-\d{4}/);

    const link = applicant.locator('#log li.bot.file a').first();
    await expect.poll(() => link.count(), { timeout: 20_000 }).toBe(1);
    const [download] = await Promise.all([applicant.waitForEvent('download'), link.click()]);
    const saved = artifactPath('playground-application.docx');
    await download.saveAs(saved);
    expect(download.suggestedFilename()).toMatch(/\.docx$/);
    expect(fs.readFileSync(saved).subarray(0, 2).toString()).toBe('PK');

    await applicant
      .getByLabel('上传文件（如盖章扫描件）')
      .setInputFiles({ name: '盖章扫描件.png', mimeType: 'image/png', buffer: PNG });
    await expect.poll(() => applicant.locator('#log').innerText(), { timeout: 20_000 }).toContain('已收到盖章扫描件');
    await applicant.screenshot({ path: artifactPath('playground-applicant.png'), fullPage: true });

    // The secretariat's review card arrives live, rendered with its buttons.
    const review = secretariat.locator('#log li.card', { hasText: '入盟申请待资格审查' });
    await expect.poll(() => review.count(), { timeout: 30_000 }).toBe(1);
    const ref = await review.getAttribute('data-ref');
    const card = secretariat.locator(`#log li.card[data-ref="${ref}"]`);
    expect(await card.innerText()).toContain('<script>alert(1)</script>');
    const approve = card.getByRole('button', { name: '通过资格审查' });
    expect(await approve.count()).toBe(1);
    await secretariat.screenshot({ path: artifactPath('playground-secretariat-card.png'), fullPage: true });
    await approve.click();
    // The clicked card is replaced in place: same message, the decision shown, no buttons left.
    await expect.poll(() => card.getByRole('button').count(), { timeout: 20_000 }).toBe(0);
    expect(await card.innerText()).toMatch(/通过资格审查[\s\S]*已由 playground:secretariat/);
    expect(await secretariat.locator('#log li.card', { hasText: '入盟申请待资格审查' }).count()).toBe(0);
    await secretariat.screenshot({ path: artifactPath('playground-secretariat-decided.png'), fullPage: true });

    // Live on the other personas' pages, with no reload.
    await expect
      .poll(() => applicant.locator('#log').innerText(), { timeout: 20_000 })
      .toContain('已通过秘书处资格审查');
    await expect.poll(() => member.locator('#log').innerText(), { timeout: 20_000 }).toContain('入盟公示');
    await member.screenshot({ path: artifactPath('playground-member-notice.png'), fullPage: true });
    await expect
      .poll(() => applicant.locator('#log').innerText(), { timeout: 30_000 })
      .toContain('已取得国家数字教育资源公共服务体系联盟成员资格');
    const unit = await service.app.services.db.prisma.member.findFirstOrThrow({ where: { userId: 'applicant' } });
    expect(unit).toMatchObject({ status: 'active', channel: 'playground', orgName: XSS_ORG });
    await applicant.screenshot({ path: artifactPath('playground-member-granted.png'), fullPage: true });

    // The new member is on the secretariat's dashboard: 「后台」 in the playground, the one-time link
    // opened, the members page lists the unit (its name shown as text, not run).
    await say(secretariat, '后台', /admin\/login\?token=/);
    const login = /https?:\/\/\S+\/admin\/login\?token=[\w-]+/.exec(await secretariat.locator('#log').innerText())![0];
    const admin = await context.newPage();
    admin.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await admin.goto(login);
    await admin.getByRole('button', { name: '进入后台' }).click();
    await admin.waitForURL(/\/admin$/);
    await admin.goto(new URL('/admin/members', admin.url()).href);
    await expect.poll(() => admin.locator('main').innerText(), { timeout: 20_000 }).toContain(XSS_ORG);
    expect(await admin.locator('main script').count()).toBe(0);
    await admin.screenshot({ path: artifactPath('playground-dashboard-members.png'), fullPage: true });
    expect(dialogs).toEqual([]);
  }, 240_000);

  it('is laid out for a 390 px screen with every control labelled', async () => {
    const page = await openAs('applicant');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: '＋ 新建用户' }).click();
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((e) => (e as HTMLInputElement).labels?.length === 0 && !e.getAttribute('aria-label'))
        .map((e) => e.id),
    );
    expect(unlabelled).toEqual([]);
    // A persona made here is private to this browser.
    await page.getByLabel('名字').fill('<img src=x onerror=alert(2)>赵老师');
    await page.getByLabel('身份').selectOption('applicant');
    await page.getByRole('button', { name: '建立' }).click();
    await expect.poll(() => page.locator('#who').textContent()).toContain('playground:u-');
    expect(await page.locator('nav').innerText()).toContain('<img src=x onerror=alert(2)>赵老师');
    // A blank message is not sent from the page (the API answers one: see below).
    await page.getByLabel('消息').fill('   ');
    await page.getByRole('button', { name: '发送' }).click();
    await say(page, '问'.repeat(20_000), /太长/);
    await page.screenshot({ path: artifactPath('playground-new-persona.png') });
    expect(dialogs).toEqual([]);
  }, 60_000);

  it('refuses path traversal, other browsers’ personas, forged clicks and files sent to someone else', async () => {
    const channel = service.channels.get('playground') as PlaygroundChannel;
    const docx = channel.history('applicant').find((e) => e.kind === 'file' && e.from === 'bot')!.file!.id;
    const reviewCard = channel.history('secretariat').find((e) => e.kind === 'card')!.ref;

    // Raw paths, as a client that does not normalise them would send.
    for (const raw of [
      '/playground/../package.json',
      '/playground/%2e%2e/package.json',
      '/playground/..%2fpackage.json',
      '/playground/%2e%2e%2f%2e%2e%2fpackage.json',
      `/playground/api/personas/applicant/files/..%2f..%2fpackage.json`,
      `/playground/api/personas/..%2fapplicant/files/${docx}`,
    ]) {
      const res = await rawGet(raw);
      expect(res.body, raw).not.toContain('"alliance-bot"');
      expect(res.status, raw).not.toBe(200);
    }
    expect((await rawGet(`/playground/api/personas/applicant/files/${docx}`)).status).toBe(200);
    // DNS rebinding: a page on another name resolving here is refused; IP addresses and localhost are fine.
    const port = new URL(service.url).port;
    expect((await rawGet('/playground/api/personas', { host: `rebind.example:${port}` })).status).toBe(421);
    expect((await rawGet('/playground/', { host: `localhost:${port}` })).status).toBe(200);

    // Two browsers (two cookie jars): B cannot see, watch, write as or download for A's persona.
    const a = await session();
    const made = (await a.json('/playground/api/personas', { name: '甲单位', role: 'applicant' })) as { id: string };
    const b = await session();
    expect(((await b.json('/playground/api/personas')) as { id: string }[]).map((p) => p.id)).not.toContain(made.id);
    expect((await b.call(`/playground/api/events?personas=${made.id}`)).status).toBe(404);
    expect((await b.call(`/playground/api/personas/${made.id}/messages`, { text: '你好' })).status).toBe(404);
    expect((await a.call(`/playground/api/personas/${made.id}/messages`, { text: '你好' })).status).toBe(200);
    // Files: only to whom they were sent.
    expect((await a.call(`/playground/api/personas/${made.id}/files/${docx}`)).status).toBe(404);
    expect((await a.call(`/playground/api/personas/member/files/${docx}`)).status).toBe(404);
    // A blank message through the API: the bot says it got no text.
    expect((await a.call(`/playground/api/personas/${made.id}/messages`, { text: '' })).status).toBe(200);
    await expect
      .poll(() => channel.history(made.id).some((e) => /没有收到文字内容/.test(e.text ?? '')), { timeout: 10_000 })
      .toBe(true);
    // Unknown persona, forged click on the secretariat's card by the applicant, a button that is not there.
    expect((await a.call('/playground/api/personas/nobody/messages', { text: '你好' })).status).toBe(404);
    const before = await service.app.services.db.prisma.auditLog.count();
    expect((await a.call(`/playground/api/personas/applicant/cards/${reviewCard}/buttons/0`, {})).status).toBe(404);
    expect((await a.call(`/playground/api/personas/secretariat/cards/${reviewCard}/buttons/9`, {})).status).toBe(404);
    expect(await service.app.services.db.prisma.auditLog.count()).toBe(before);
    // Malformed bodies get a clear error, not a crash.
    expect((await a.call(`/playground/api/personas/applicant/messages`, { words: 1 })).status).toBe(400);
    expect((await a.call('/playground/api/personas', { name: '', role: 'applicant' })).status).toBe(400);
    expect((await a.call('/playground/api/personas', { name: '乙', role: 'admin' })).status).toBe(400);
    // An odd file type reaches the bot, which says what it expected.
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('MZ\x90\x00not really')]), 'setup.exe');
    const upload = await a.call(`/playground/api/personas/${made.id}/files`, form);
    expect(upload.status).toBe(200);
    await channel.idle();
    await service.app.services.delivery!.flush();
    await expect
      .poll(() => channel.history(made.id).some((e) => e.from === 'bot' && /文件/.test(e.text ?? '')), {
        timeout: 10_000,
      })
      .toBe(true);
  }, 60_000);
});

function rawGet(rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(service.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A browser's cookie jar, for the API. */
async function session() {
  let cookie = '';
  const call = async (route: string, body?: unknown) => {
    const init: RequestInit = { headers: cookie ? { cookie } : {} };
    if (body instanceof FormData) Object.assign(init, { method: 'POST', body });
    else if (body !== undefined)
      Object.assign(init, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { ...init.headers, 'content-type': 'application/json' },
      });
    const res = await fetch(`${service.url}${route}`, init);
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    if (route.includes('/events')) await res.body?.cancel();
    return res;
  };
  await call('/playground/api/info');
  return { call, json: async (route: string, body?: unknown) => (await call(route, body)).json() };
}
