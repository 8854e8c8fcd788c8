// A local fake of the Official Account API (api.weixin.qq.com) on its real paths and JSON: token,
// message/custom/send, message/template/send, media/upload, media/get. Followers put in
// `outsideWindow` get errcode 45015 "response out of time limit" for customer-service messages, as
// WeChat answers 48 hours after their last message; tokens can be expired on demand (42001).
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

export type CustomMessage = {
  touser: string;
  msgtype: string;
  text?: { content: string };
  image?: { media_id: string };
};
export type TemplateMessage = { touser: string; template_id: string; data: Record<string, { value: string }> };

export type FakeMp = {
  url: string;
  appId: string;
  appSecret: string;
  tokenFetches: number;
  custom: CustomMessage[];
  templates: TemplateMessage[];
  uploads: { type: string; name: string; size: number; mediaId: string }[];
  /** What media/get serves, by media_id (what followers "sent"). */
  media: Map<string, { data: Buffer; type: string }>;
  outsideWindow: Set<string>;
  /** Every issued token stops working (errcode 42001), as when it expires. */
  expireTokens(): void;
  textsTo(openId: string): string[];
  close(): Promise<void>;
};

export async function startFakeMp(appId = 'wx0123456789abcdef', appSecret = 'mp-secret'): Promise<FakeMp> {
  const app: FastifyInstance = Fastify({ bodyLimit: 20 * 1024 * 1024 });
  const live = new Set<string>();
  const expired = new Set<string>();
  const fake: Omit<FakeMp, 'url' | 'close' | 'expireTokens' | 'textsTo'> = {
    appId,
    appSecret,
    tokenFetches: 0,
    custom: [],
    templates: [],
    uploads: [],
    media: new Map(),
    outsideWindow: new Set(),
  };

  app.addContentTypeParser(/^multipart\/form-data/, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  /** The errcode for a token, or undefined when it is good. */
  const tokenProblem = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const token = (request.query as { access_token?: string }).access_token ?? '';
    if (live.has(token)) return false;
    if (expired.has(token)) void reply.send({ errcode: 42001, errmsg: 'access_token expired' });
    else void reply.send({ errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
    return true;
  };

  app.get('/cgi-bin/token', async (request) => {
    const q = request.query as Record<string, string>;
    if (q.grant_type !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' };
    if (q.appid !== appId) return { errcode: 40013, errmsg: 'invalid appid' };
    if (q.secret !== appSecret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    fake.tokenFetches++;
    const token = `tok_${randomBytes(12).toString('hex')}`;
    // A new token replaces the old one (WeChat keeps the old one working for five minutes; not modelled).
    for (const t of live) expired.add(t);
    live.clear();
    live.add(token);
    return { access_token: token, expires_in: 7200 };
  });

  app.post('/cgi-bin/message/custom/send', async (request, reply) => {
    if (tokenProblem(request, reply)) return reply;
    const body = request.body as CustomMessage;
    if (!body?.touser || !body.msgtype) return { errcode: 44002, errmsg: 'empty post data' };
    if (fake.outsideWindow.has(body.touser))
      return { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' };
    fake.custom.push(body);
    return { errcode: 0, errmsg: 'ok' };
  });

  app.post('/cgi-bin/message/template/send', async (request, reply) => {
    if (tokenProblem(request, reply)) return reply;
    const body = request.body as TemplateMessage;
    if (!body?.template_id) return { errcode: 40037, errmsg: 'invalid template_id' };
    fake.templates.push(body);
    return { errcode: 0, errmsg: 'ok', msgid: 200228332 + fake.templates.length };
  });

  app.post('/cgi-bin/media/upload', async (request, reply) => {
    if (tokenProblem(request, reply)) return reply;
    const type = (request.query as { type?: string }).type ?? '';
    if (!['image', 'voice', 'video', 'thumb'].includes(type)) return { errcode: 40004, errmsg: 'invalid media type' };
    const raw = request.body as Buffer;
    const name = /filename="([^"]*)"/.exec(raw.toString('latin1'))?.[1] ?? '';
    const mediaId = `media_${randomBytes(8).toString('hex')}`;
    fake.uploads.push({ type, name, size: raw.length, mediaId });
    return { type, media_id: mediaId, created_at: Math.floor(Date.now() / 1000) };
  });

  app.get('/cgi-bin/media/get', async (request, reply) => {
    if (tokenProblem(request, reply)) return reply;
    const item = fake.media.get((request.query as { media_id?: string }).media_id ?? '');
    if (!item) return { errcode: 40007, errmsg: 'invalid media_id' };
    return reply.type(item.type).send(item.data);
  });

  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return Object.assign(fake, {
    url,
    expireTokens() {
      for (const t of live) expired.add(t);
      live.clear();
    },
    textsTo: (openId: string) => fake.custom.filter((m) => m.touser === openId).map((m) => m.text?.content ?? ''),
    close: () => app.close(),
  });
}
