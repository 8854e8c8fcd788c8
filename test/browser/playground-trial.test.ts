// `npm start` on a fresh machine: `serve` with nothing configured — no DATABASE_URL (embedded PGlite),
// no REDIS_URL, no HOST — runs the playground alone on 127.0.0.1, seeds the demo secretariat and
// member unit, opens the application window for the trial and says so on the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { startService, type Service } from '../../src/commands/serve.ts';
import { artifactPath, launchBrowser } from '../support/browser.ts';
import { capturingLogger } from '../channels/support/world-env.ts';

const dataDir = path.join(os.tmpdir(), `ab-trial-${randomBytes(4).toString('hex')}`);
let service: Service;
let browser: Browser;

beforeAll(async () => {
  service = await startService(loadConfig({ DATA_DIR: dataDir, PORT: '0' }), { log: capturingLogger().log });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start: the playground trial on the embedded defaults', () => {
  it('runs on 127.0.0.1 without Redis, with demo personas seeded and the application window open', async () => {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect([...service.channels.keys()]).toEqual(['playground']);
    // Ready without Redis: there is none to check.
    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, server: true, database: true });
    const page = await (await browser.newContext({ viewport: { width: 1000, height: 760 } })).newPage();
    // The root sends a newcomer to the page.
    await page.goto(`${service.url}/`);
    expect(page.url()).toBe(`${service.url}/playground/`);
    await expect.poll(() => page.locator('#trial-banner').innerText()).toContain('申请窗口开放');
    expect(await page.locator('#trial-banner').innerText()).toContain('2019 年 9 月 26 日');

    await page.locator('nav button[data-persona="secretariat"]').click();
    await page.getByLabel('消息').fill('成员名单');
    await page.getByRole('button', { name: '发送' }).click();
    await expect.poll(() => page.locator('#log').innerText(), { timeout: 20_000 }).toContain('北京市数字教育中心');

    await page.locator('nav button[data-persona="applicant"]').click();
    await page.getByLabel('消息').fill('我要申请加入联盟');
    await page.getByRole('button', { name: '发送' }).click();
    await expect.poll(() => page.locator('#log').innerText(), { timeout: 20_000 }).toContain('单位名称');
    expect(await page.locator('#log').innerText()).not.toContain('截止');
    await page.getByLabel('消息').fill('退出联盟以后多久可以再申请？');
    await page.getByRole('button', { name: '发送' }).click();
    await expect.poll(() => page.locator('#log').innerText(), { timeout: 20_000 }).toContain('第二十条');
    await page.screenshot({ path: artifactPath('playground-trial.png') });
  }, 90_000);
});
