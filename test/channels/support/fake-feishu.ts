// A local fake of the Feishu Open API, spoken to by the real Lark SDK through FEISHU_DOMAIN. It keeps
// what the bot sent, drops a second send with the same `uuid` (as Feishu does) and answers with the
// rate-limit error on demand, or (`limits`) whenever the bot goes beyond Feishu's frequency limits
// for sends and card updates (feishu-rate-limits.ts).
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { attachLongConnection, type FakeLongConnection } from './fake-feishu-ws.ts';
import { FeishuRateLimits, type FeishuLimits } from './feishu-rate-limits.ts';

export const BOT_OPEN_ID = 'ou_bot_alliance';

export type SentMessage = {
  messageId: string;
  via: 'create' | 'reply';
  chatId?: string;
  replyTo?: string;
  msgType: string;
  content: Record<string, unknown>;
  uuid?: string;
  /** performance.now() when the fake received the call (benchmarks). */
  at: number;
};

export type FakeFeishu = {
  url: string;
  messages: SentMessage[];
  updates: { messageId: string; content: Record<string, unknown> }[];
  uploads: { fileKey: string; name: string; size: number }[];
  resources: Map<string, Buffer>;
  tokenCalls: number;
  /** Every send or reply call that got through, including ones dropped as a repeated uuid. */
  sendCalls: number;
  /** Number of send/reply calls answered with HTTP 429 + code 99991400 so far. */
  rateLimited: number;
  /** performance.now() of each call answered with the rate-limit error. */
  rateLimitedAt: number[];
  /** performance.now() of every send or reply call accepted (a repeated uuid included): what counts against the limits. */
  sendTimes: number[];
  /** The next `count` send or reply calls get HTTP 429, code 99991400, reset after `resetSeconds`. */
  rateLimitNext(count: number, resetSeconds?: number): void;
  /**
   * The next `count` send or reply calls fail the way networks do: `500` answers an internal error
   * without sending; `cut` records the message, then drops the connection before answering (the
   * sender cannot know it went out).
   */
  failNext(count: number, how: '500' | 'cut'): void;
  /** While true, the bot info endpoint answers HTTP 500. */
  botInfoDown: boolean;
  /** Token endpoint answer delay, to make concurrent token fetches overlap. */
  tokenDelayMs: number;
  /** Forgets every issued token, as Feishu does when one is revoked or expires early. */
  revokeTokens(): void;
  textsTo(chatId: string): string[];
  /** The long connection (`FEISHU_MODE=ws`): push events to the SDK's WSClient. */
  ws: FakeLongConnection;
  close(): Promise<void>;
};

export async function startFakeFeishu(options: { limits?: FeishuLimits } = {}): Promise<FakeFeishu> {
  const app: FastifyInstance = Fastify();
  const enforced = options.limits ? new FeishuRateLimits(options.limits) : undefined;
  const tokens = new Set<string>();
  const byUuid = new Map<string, SentMessage>();
  let limitLeft = 0;
  let resetSeconds = 1;
  let failLeft = 0;
  let failHow: '500' | 'cut' = '500';
  let seq = 0;
  const state: Omit<FakeFeishu, 'url' | 'close' | 'rateLimitNext' | 'failNext' | 'textsTo' | 'ws' | 'revokeTokens'> = {
    messages: [],
    updates: [],
    uploads: [],
    resources: new Map(),
    tokenCalls: 0,
    sendCalls: 0,
    rateLimited: 0,
    rateLimitedAt: [],
    sendTimes: [],
    tokenDelayMs: 0,
    botInfoDown: false,
  };

  app.addContentTypeParser(/^multipart\/form-data/, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const authorised = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (token && tokens.has(token)) return true;
    void reply.code(400).send({ code: 99991663, msg: 'Invalid access token for authorization.' });
    return false;
  };
  /** Answers the rate-limit error when one is due (on demand, or beyond the enforced limits of `api`). */
  const limited = (reply: FastifyReply, api: 'send' | 'patch', chat?: string): boolean => {
    let reset: number | undefined;
    if (limitLeft > 0 && api === 'send') {
      limitLeft -= 1;
      reset = resetSeconds;
    } else reset = enforced?.take(api, Date.now(), chat);
    if (reset === undefined) return false;
    state.rateLimited += 1;
    state.rateLimitedAt.push(performance.now());
    void reply
      .code(429)
      .header('x-ogw-ratelimit-limit', '50')
      .header('x-ogw-ratelimit-reset', String(reset))
      .send({ code: 99991400, msg: 'request trigger frequency limit' });
    return true;
  };
  /** Answers a 500 (nothing sent) and returns true while failures are due. */
  const failing = (reply: FastifyReply): boolean => {
    if (failLeft <= 0 || failHow !== '500') return false;
    failLeft -= 1;
    void reply.code(500).send({ code: 1, msg: 'internal error' });
    return true;
  };
  /** After recording a message: cuts the connection instead of answering, while such failures are due. */
  const cut = (reply: FastifyReply): boolean => {
    if (failLeft <= 0 || failHow !== 'cut') return false;
    failLeft -= 1;
    reply.raw.socket?.destroy();
    return true;
  };
  const record = (message: Omit<SentMessage, 'messageId' | 'at'>): SentMessage => {
    state.sendCalls += 1;
    state.sendTimes.push(performance.now());
    if (message.uuid && byUuid.has(message.uuid)) return byUuid.get(message.uuid)!;
    const sent = { ...message, messageId: `om_${++seq}_${randomBytes(4).toString('hex')}`, at: performance.now() };
    if (message.uuid) byUuid.set(message.uuid, sent);
    state.messages.push(sent);
    return sent;
  };
  const parse = (content: unknown): Record<string, unknown> => JSON.parse(String(content)) as Record<string, unknown>;

  app.post('/open-apis/auth/v3/tenant_access_token/internal', async (request) => {
    state.tokenCalls += 1;
    if (state.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, state.tokenDelayMs));
    const body = request.body as { app_id?: string; app_secret?: string };
    if (!body?.app_id || !body.app_secret) return { code: 10003, msg: 'invalid param' };
    const token = `t-${randomBytes(8).toString('hex')}`;
    tokens.add(token);
    return { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 };
  });

  app.get('/open-apis/bot/v3/info', async (request, reply) => {
    if (!authorised(request, reply)) return reply;
    if (state.botInfoDown) return reply.code(500).send({ code: 1, msg: 'internal error' });
    return { code: 0, msg: 'ok', bot: { open_id: BOT_OPEN_ID, app_name: '联盟助手' } };
  });

  app.post('/open-apis/im/v1/messages', async (request, reply) => {
    const query = request.query as { receive_id_type?: string };
    const body = request.body as { receive_id: string; msg_type: string; content: string; uuid?: string };
    if (!authorised(request, reply) || limited(reply, 'send', body?.receive_id) || failing(reply)) return reply;
    if (query.receive_id_type !== 'chat_id' && query.receive_id_type !== 'open_id')
      return reply.code(400).send({ code: 230001, msg: 'bad receive_id_type' });
    // A message to a user (open_id) lands in the p2p chat with them; the fake names it after the user.
    const chatId = query.receive_id_type === 'open_id' ? `p2p:${body.receive_id}` : body.receive_id;
    const sent = record({
      via: 'create',
      chatId,
      msgType: body.msg_type,
      content: parse(body.content),
      uuid: body.uuid,
    });
    if (cut(reply)) return reply;
    return { code: 0, msg: 'success', data: { message_id: sent.messageId, chat_id: body.receive_id } };
  });

  app.post('/open-apis/im/v1/messages/:id/reply', async (request, reply) => {
    const { id } = request.params as { id: string };
    // A reply lands in the chat of the message it answers; the fake counts it per message.
    if (!authorised(request, reply) || limited(reply, 'send', `reply:${id}`) || failing(reply)) return reply;
    const body = request.body as { msg_type: string; content: string; uuid?: string };
    const sent = record({
      via: 'reply',
      replyTo: id,
      msgType: body.msg_type,
      content: parse(body.content),
      uuid: body.uuid,
    });
    if (cut(reply)) return reply;
    return { code: 0, msg: 'success', data: { message_id: sent.messageId } };
  });

  // PATCH a card, with the documented limits (im/v1/message/patch): only an interactive message the
  // app sent, shared (`config.update_multi: true`, before and after), content ≤ 30 KB, at most 5
  // updates a second per message. (The 14-day limit is not modelled.) Error codes are the fake's
  // stand-ins in Feishu's ranges; 230020 is Feishu's rate-limit code.
  const patchTimes = new Map<string, number[]>();
  app.patch('/open-apis/im/v1/messages/:id', async (request, reply) => {
    if (!authorised(request, reply)) return reply;
    const { id } = request.params as { id: string };
    // The app-wide limits of the update API (its own bucket); the 5-a-second per message is below.
    if (limited(reply, 'patch')) return reply;
    const raw = String((request.body as { content?: unknown })?.content ?? '');
    const sent = state.messages.find((m) => m.messageId === id);
    if (!sent || sent.msgType !== 'interactive')
      return reply.code(400).send({ code: 230001, msg: 'message is not an interactive card sent by this app' });
    if (Buffer.byteLength(raw) > 30 * 1024) return reply.code(400).send({ code: 230025, msg: 'content too long' });
    const content = parse(raw);
    const shared = (c: Record<string, unknown>) => (c.config as { update_multi?: unknown })?.update_multi === true;
    if (!shared(sent.content) || !shared(content))
      return reply.code(400).send({ code: 230001, msg: 'only shared cards (update_multi) can be updated' });
    const now = Date.now();
    const recent = (patchTimes.get(id) ?? []).filter((t) => now - t < 1_000);
    if (recent.length >= 5) return reply.code(400).send({ code: 230020, msg: 'message update frequency limit' });
    patchTimes.set(id, [...recent, now]);
    state.updates.push({ messageId: id, content });
    return { code: 0, msg: 'success', data: {} };
  });

  app.post('/open-apis/im/v1/files', async (request, reply) => {
    if (!authorised(request, reply)) return reply;
    const raw = (request.body as Buffer).toString('latin1');
    const name = Buffer.from(/name="file_name"\r\n\r\n([^\r]*)\r\n/.exec(raw)?.[1] ?? '', 'latin1').toString('utf8');
    const fileKey = `file_${randomBytes(6).toString('hex')}`;
    state.uploads.push({ fileKey, name, size: (request.body as Buffer).length });
    return { code: 0, msg: 'success', data: { file_key: fileKey } };
  });

  app.get('/open-apis/im/v1/messages/:id/resources/:key', async (request, reply) => {
    if (!authorised(request, reply)) return reply;
    const { key } = request.params as { id: string; key: string };
    const data = state.resources.get(key);
    if (!data) return reply.code(400).send({ code: 234003, msg: 'File not in msg.' });
    return reply.header('content-type', 'application/octet-stream').send(data);
  });

  let baseUrl = '';
  const longConnection = attachLongConnection(app.server, () => baseUrl);
  app.post('/callback/ws/endpoint', async (request) => {
    const body = request.body as { AppID?: string; AppSecret?: string };
    return body.AppID && body.AppSecret ? longConnection.endpoint() : { code: 1000040343, msg: 'invalid app' };
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const fake = state as FakeFeishu;
  fake.url = `http://127.0.0.1:${port}`;
  baseUrl = fake.url;
  fake.ws = longConnection.ws;
  fake.revokeTokens = () => tokens.clear();
  fake.failNext = (count, how) => {
    failLeft = count;
    failHow = how;
  };
  fake.rateLimitNext = (count, reset = 1) => {
    limitLeft = count;
    resetSeconds = reset;
  };
  fake.textsTo = (chatId) =>
    state.messages.filter((m) => m.chatId === chatId && m.msgType === 'text').map((m) => String(m.content.text));
  fake.close = async () => {
    longConnection.ws.close();
    await app.close();
  };
  return fake;
}
