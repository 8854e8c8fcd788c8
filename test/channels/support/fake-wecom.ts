// A local fake of the WeCom server API (qyapi.weixin.qq.com), spoken to through WECOM_API_BASE: the
// real paths and JSON of gettoken, message/send, message/update_template_card, media/upload and
// media/get. It keeps what the bot sent and, like WeCom, drops (answering success) what goes beyond
// 30 messages a minute to one member; it can refuse tokens, block the caller's IP (60020) and
// answer other error codes on demand.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';

export const CORP_ID = 'ww0123456789abcdef';
export const AGENT_ID = '1000002';
export const SECRET = 'wecom-app-secret';

export type WecomSent = {
  msgid: string;
  touser: string;
  msgtype: string;
  body: Record<string, unknown>;
  /** template_card: its task_id and the response_code WeCom issued for it. */
  taskId?: string;
  responseCode?: string;
  /** Beyond WeCom's per-member limit: answered with success, never shown to the member. */
  dropped: boolean;
  /** performance.now() when the fake received the call (benchmarks). */
  at: number;
};

export type FakeWecom = {
  url: string;
  /** Messages members actually see (dropped ones are not here). */
  messages: WecomSent[];
  dropped: WecomSent[];
  updates: { userids: string[]; responseCode: string; card: Record<string, unknown>; at: number }[];
  uploads: { mediaId: string; name: string; size: number; type: string }[];
  /** Files members sent, by MediaId, for media/get. */
  media: Map<string, { name: string; mime: string; data: Buffer }>;
  tokenCalls: number;
  sendCalls: number;
  tokenDelayMs: number;
  /** WeCom's per-member limit the fake drops beyond (30 a minute). */
  perMemberPerMinute: number;
  /** While set, every call (gettoken included) answers this errcode, e.g. 60020 for an untrusted IP. */
  failAll: number | undefined;
  /** The next `count` message/send calls answer `errcode`. */
  failNext(count: number, errcode: number): void;
  /** Forgets every issued token (40014 on their next use). */
  revokeTokens(): void;
  /** Issues the response_code a click on this card carries (a fresh single-use one). */
  clickCode(taskId: string): string;
  sentTo(userId: string): WecomSent[];
  close(): Promise<void>;
};

export async function startFakeWecom(): Promise<FakeWecom> {
  const app: FastifyInstance = Fastify({ bodyLimit: 60 * 1024 * 1024 });
  await app.register(multipart, { limits: { fileSize: 60 * 1024 * 1024 } });
  const tokens = new Set<string>();
  /** Unused response codes → the task_id they change. */
  const codes = new Map<string, string>();
  const perMinute = new Map<string, number>();
  let seq = 0;
  let failLeft = 0;
  let failCode = 0;
  const issue = (taskId: string) => {
    const code = `rc-${randomBytes(8).toString('hex')}`;
    codes.set(code, taskId);
    return code;
  };

  const state: FakeWecom = {
    url: '',
    messages: [],
    dropped: [],
    updates: [],
    uploads: [],
    media: new Map(),
    tokenCalls: 0,
    sendCalls: 0,
    tokenDelayMs: 0,
    perMemberPerMinute: 30,
    failAll: undefined,
    failNext(count, errcode) {
      failLeft = count;
      failCode = errcode;
    },
    revokeTokens: () => tokens.clear(),
    clickCode: (taskId) => issue(taskId),
    sentTo: (userId) => state.messages.filter((m) => m.touser === userId),
    close: () => app.close(),
  };

  /** Token check and forced failures; answers and returns false when the call may not proceed. */
  const allowed = (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (state.failAll !== undefined) {
      void reply.send({ errcode: state.failAll, errmsg: `forced ${state.failAll}` });
      return false;
    }
    const token = (request.query as { access_token?: string }).access_token;
    if (!token) {
      void reply.send({ errcode: 41001, errmsg: 'access_token missing' });
      return false;
    }
    if (!tokens.has(token)) {
      void reply.send({ errcode: 40014, errmsg: 'invalid access_token' });
      return false;
    }
    return true;
  };

  app.get('/cgi-bin/gettoken', async (request) => {
    state.tokenCalls += 1;
    if (state.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, state.tokenDelayMs));
    if (state.failAll !== undefined) return { errcode: state.failAll, errmsg: `forced ${state.failAll}` };
    const { corpid, corpsecret } = request.query as { corpid?: string; corpsecret?: string };
    if (corpid !== CORP_ID) return { errcode: 40013, errmsg: 'invalid corpid' };
    if (corpsecret !== SECRET) return { errcode: 40001, errmsg: 'invalid credential' };
    const token = `at-${randomBytes(12).toString('hex')}`;
    tokens.add(token);
    return { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 };
  });

  app.post('/cgi-bin/message/send', async (request, reply) => {
    if (!allowed(request, reply)) return reply;
    state.sendCalls += 1;
    if (failLeft > 0) {
      failLeft -= 1;
      return { errcode: failCode, errmsg: `forced ${failCode}` };
    }
    const body = request.body as Record<string, unknown> & { touser?: string; msgtype?: string; agentid?: unknown };
    if (String(body.agentid) !== AGENT_ID) return { errcode: 40056, errmsg: 'invalid agentid' };
    if (!body.touser || !body.msgtype) return { errcode: 40058, errmsg: 'invalid parameter' };
    const content = body[body.msgtype] as Record<string, unknown> | undefined;
    if (!content) return { errcode: 40058, errmsg: `no ${body.msgtype}` };
    if (body.msgtype === 'text' && Buffer.byteLength(String(content.content ?? '')) > 2048)
      return { errcode: 45002, errmsg: 'content size out of limit' };
    if (body.msgtype === 'file' && !state.uploads.some((u) => u.mediaId === content.media_id))
      return { errcode: 40007, errmsg: 'invalid media_id' };
    const minute = `${body.touser}:${Math.floor(Date.now() / 60_000)}`;
    const count = (perMinute.get(minute) ?? 0) + 1;
    perMinute.set(minute, count);
    const sent: WecomSent = {
      msgid: `msg${++seq}_${randomBytes(4).toString('hex')}`,
      touser: body.touser,
      msgtype: body.msgtype,
      body: content,
      dropped: count > state.perMemberPerMinute,
      at: performance.now(),
    };
    const answer: Record<string, unknown> = { errcode: 0, errmsg: 'ok', invaliduser: '', msgid: sent.msgid };
    if (body.msgtype === 'template_card') {
      sent.taskId = String(content.task_id ?? '');
      if (content.card_type === 'button_interaction') answer.response_code = sent.responseCode = issue(sent.taskId);
    }
    (sent.dropped ? state.dropped : state.messages).push(sent);
    return answer;
  });

  app.post('/cgi-bin/message/update_template_card', async (request, reply) => {
    if (!allowed(request, reply)) return reply;
    const body = request.body as {
      userids?: string[];
      response_code?: string;
      template_card?: Record<string, unknown>;
    };
    const code = body.response_code ?? '';
    if (!codes.has(code)) return { errcode: 40058, errmsg: 'invalid response_code' };
    codes.delete(code);
    state.updates.push({
      userids: body.userids ?? [],
      responseCode: code,
      card: body.template_card ?? {},
      at: performance.now(),
    });
    return { errcode: 0, errmsg: 'ok', invaliduser: [] };
  });

  app.post('/cgi-bin/media/upload', async (request, reply) => {
    if (!allowed(request, reply)) return reply;
    const { type } = request.query as { type?: string };
    const file = await request.file();
    if (!file || file.fieldname !== 'media') return { errcode: 41005, errmsg: 'media data missing' };
    const data = await file.toBuffer();
    const mediaId = `media-${randomBytes(10).toString('hex')}`;
    state.uploads.push({ mediaId, name: file.filename, size: data.length, type: type ?? '' });
    state.media.set(mediaId, { name: file.filename, mime: 'application/octet-stream', data });
    return { errcode: 0, errmsg: '', type, media_id: mediaId, created_at: String(Math.floor(Date.now() / 1000)) };
  });

  app.get('/cgi-bin/media/get', async (request, reply) => {
    if (!allowed(request, reply)) return reply;
    const { media_id: id } = request.query as { media_id?: string };
    const media = id ? state.media.get(id) : undefined;
    if (!media) return { errcode: 40007, errmsg: 'invalid media_id' };
    return reply
      .header('content-type', media.mime)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(media.name)}`)
      .send(media.data);
  });

  state.url = await app.listen({ port: 0, host: '127.0.0.1' });
  return state;
}
