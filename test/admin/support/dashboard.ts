// `serve` with no chat channel but the HTTP server (so /admin), on a fresh database and a Redis
// prefix of its own; console users talk to the same app as the chat would. PUBLIC_URL is this
// server's address (a free port picked first), so the 「后台」 links point at it.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { startService, type Service } from '../../../src/commands/serve.ts';
import { createLogger } from '../../../src/log.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';
import { testUser, type TestUser } from '../../support/app.ts';
import { removeKeys } from '../../channels/support/redis-keys.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Dashboard = {
  service: Service;
  /** PUBLIC_URL: http://127.0.0.1:<port> */
  url: string;
  /** Added to the real time as the app's clock (link and session expiry). */
  clock: { offsetMs: number };
  user(id: string): TestUser;
  /** Sends 「后台」 as this console user and returns the link in the reply. */
  link(id: string): Promise<string>;
  /** Logs in over plain HTTP (as a browser would: POST from the login page); cookie and CSRF token. */
  login(id: string): Promise<HttpSession>;
  close(): Promise<void>;
};

export type HttpSession = { cookie: string; csrf: string };

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startDashboard(env: Record<string, string> = {}): Promise<Dashboard> {
  const database: TestDatabase = await createTestDatabase();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const prefix = `t-${randomBytes(5).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    SECRETARIAT_CONSOLE_IDS: 'sec1,sec2',
    APPLICATION_DEADLINE: '2099-12-31',
    LOG_LEVEL: 'silent',
    DATA_DIR: path.join(os.tmpdir(), `ab-admin-${randomBytes(4).toString('hex')}`),
    ...env,
  });
  const clock = { offsetMs: 0 };
  const service = await startService(config, {
    log: createLogger('silent'),
    channels: [],
    now: () => new Date(Date.now() + clock.offsetMs),
  });
  const users = new Map<string, TestUser>();
  const user = (id: string) => {
    if (!users.has(id)) users.set(id, testUser(service.app, id));
    return users.get(id)!;
  };
  const link = async (id: string) => {
    await user(id).says('后台');
    const match = /https?:\/\/\S+\/admin\/login\?token=[\w-]+/.exec(user(id).lastText());
    if (!match) throw new Error(`no login link for ${id}: ${user(id).lastText()}`);
    return match[0];
  };
  return {
    service,
    url,
    clock,
    user,
    link,
    async login(id) {
      const token = new URL(await link(id)).searchParams.get('token')!;
      const res = await postForm(url, '/admin/login', { token });
      expect(res.status).toBe(303);
      const cookie = /ab_admin=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
      const home = await fetch(`${url}/admin`, { headers: { cookie } });
      expect(home.status).toBe(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await home.text())![1]!;
      return { cookie, csrf };
    },
    async close() {
      await service.close();
      await removeKeys(REDIS_URL, prefix);
      await database.drop();
    },
  };
}

/** A same-origin form POST, as the dashboard's own pages send (Origin and Sec-Fetch-Site set). */
export function postForm(
  base: string,
  route: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}${route}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: base,
      'sec-fetch-site': 'same-origin',
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

/** WCAG 2 contrast ratio of two `rgb(r, g, b)` colours. */
export function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = (css.match(/\d+(\.\d+)?/g) ?? [])
      .slice(0, 3)
      .map(Number)
      .map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
