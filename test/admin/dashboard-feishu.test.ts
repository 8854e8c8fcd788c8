// 「后台」 on Feishu, through `serve` in webhook mode and the fake Open API: the link comes back in a
// Feishu message, is bound to the user's channel-neutral key (`feishu:ou_…`) and opens the
// dashboard on the same server; a member on Feishu gets no link.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFeishuWorld, sentText, type FeishuWorld } from '../channels/support/feishu-service.ts';
import { postForm } from './support/dashboard.ts';

let w: FeishuWorld;
let base: string;
beforeAll(async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  base = `http://127.0.0.1:${port}`;
  w = await startFeishuWorld({ SECRETARIAT: 'feishu:ou_sec', PORT: String(port), PUBLIC_URL: `${base}/` });
  await w.service.app.services.db.prisma.member.create({
    data: { orgName: '北京市数字教育中心', channel: 'feishu', userId: 'ou_m1' },
  });
}, 120_000);
afterAll(async () => w?.close());

describe('「后台」 on Feishu', () => {
  it('sends a one-time link that logs the Feishu account in', async () => {
    const reply = sentText(await w.user('ou_sec').says('后台'));
    const link = /https?:\/\/\S+\/admin\/login\?token=[\w-]+/.exec(reply)?.[0];
    expect(link, reply).toBeDefined();
    expect(link!.startsWith(`${base}/admin/login?token=`)).toBe(true);
    const row = await w.service.app.services.db.prisma.adminLoginToken.findFirstOrThrow();
    expect(row.userKey).toBe('feishu:ou_sec');
    const login = await postForm(base, '/admin/login', { token: new URL(link!).searchParams.get('token')! });
    expect(login.status).toBe(303);
    const cookie = /ab_admin=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    const home = await fetch(`${base}/admin`, { headers: { cookie } });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('feishu:ou_sec');
  });

  it('a member on Feishu is told it is for the secretariat, and gets no link', async () => {
    const reply = sentText(await w.user('ou_m1').says('管理后台'));
    expect(reply).toContain('仅限联盟秘书处成员');
    expect(reply).not.toContain('/admin/login');
  });
});
