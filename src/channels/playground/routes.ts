// The playground's HTTP side, under /playground/: the page (plain static files from ./public), and a
// small JSON API — personas, one server-sent-events stream for the personas a page watches, a text,
// a file upload, a card button, a file download. Every call names a persona the browser may use
// (personas.ts); a persona another browser created answers 404, like one that does not exist.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import { mimeOfName } from '../mime.ts';
import { projectRoot } from '../../paths.ts';
import type { PlaygroundChannel, StreamEvent } from './playground-channel.ts';
import { personaView, ROLES, type Persona } from './personas.ts';

/** The page's files: served as they are from the repository (no build step; the image copies them). */
export const PUBLIC_DIR = path.join(projectRoot, 'src/channels/playground/public');
/** A stamped scan is a few MB; the bot itself refuses more than its own limit with a reply. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const COOKIE = 'playground_session';
const FILE_ID = /^[A-Za-z0-9_-]{1,64}$/;

const NewPersona = z.object({
  name: z.string().trim().min(1, '请填写名字').max(40, '名字最多 40 个字'),
  role: z.enum(ROLES),
});
const Message = z.object({ text: z.string().max(100_000) });

/** `127.0.0.1`, `[::1]`, `192.168.1.5`, `localhost` (Fastify's hostname has no port). */
export function isDirectHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || isIP(host) !== 0;
}

export function registerPlaygroundRoutes(server: FastifyInstance, channel: PlaygroundChannel): void {
  const deps = channel.parts;
  const { personas } = deps;
  server.get('/', (_request, reply) => reply.redirect('/playground/'));
  server.register(async (scope) => {
    await scope.register(fastifyCookie);
    await scope.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 2 } });
    await scope.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/playground/', index: 'index.html' });
    // DNS rebinding: a web page elsewhere must not reach the playground through a name of its own
    // that resolves to this machine. Only an IP address or localhost is accepted as the host.
    scope.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/playground')) return;
      if (!isDirectHost(request.hostname))
        return reply.code(421).send({ error: '请用 IP 地址或 localhost 访问试用页面' });
    });
    // No page may frame the playground or run scripts from elsewhere.
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('x-frame-options', 'DENY');
      reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
      );
    });

    /** The browser's session: a random id in an HttpOnly cookie, made on its first call. */
    const sessionOf = (request: FastifyRequest, reply: FastifyReply): string => {
      const existing = request.cookies[COOKIE];
      if (existing && /^[A-Za-z0-9_-]{32}$/.test(existing)) return existing;
      const made = randomBytes(24).toString('base64url');
      reply.setCookie(COOKIE, made, { path: '/playground', httpOnly: true, sameSite: 'strict', maxAge: 30 * 86_400 });
      return made;
    };
    const personaOf = (request: FastifyRequest<{ Params: { persona: string } }>, reply: FastifyReply) => {
      const persona = personas.visible(request.params.persona, sessionOf(request, reply));
      if (!persona) void reply.code(404).send({ error: '没有这个用户（或它属于另一个浏览器）' });
      return persona;
    };

    scope.get('/playground/api/info', async (request, reply) => {
      sessionOf(request, reply);
      return deps.info;
    });

    scope.get('/playground/api/personas', async (request, reply) =>
      personas.list(sessionOf(request, reply)).map(personaView),
    );

    scope.post('/playground/api/personas', async (request, reply) => {
      const body = NewPersona.safeParse(request.body);
      if (!body.success) return reply.code(400).send({ error: body.error.issues[0]?.message ?? '内容不对' });
      const made = personas.create(sessionOf(request, reply), body.data.name, body.data.role);
      if (made === 'too_many') return reply.code(429).send({ error: '这个浏览器建的用户太多了' });
      return reply.code(201).send(personaView(made));
    });

    // One stream for the personas a page watches: their logs first, then what arrives, live.
    scope.get<{ Querystring: { personas?: string } }>('/playground/api/events', async (request, reply) => {
      const session = sessionOf(request, reply);
      const ids = String(request.query.personas ?? '')
        .split(',')
        .filter(Boolean)
        .slice(0, 50);
      const watched = ids.map((id) => personas.visible(id, session)).filter((p): p is Persona => p !== undefined);
      if (watched.length === 0 || watched.length !== ids.length)
        return reply.code(404).send({ error: '没有这个用户（或它属于另一个浏览器）' });
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      const write = (event: StreamEvent | { type: 'history'; persona: string; entries: unknown[] }) =>
        raw.write(`data: ${JSON.stringify(event)}\n\n`);
      for (const p of watched) write({ type: 'history', persona: p.id, entries: channel.history(p.id) });
      const wanted = new Set(watched.map((p) => p.id));
      const unwatch = channel.watch((event) => {
        if (wanted.has(event.persona)) write(event);
      });
      const ping = setInterval(() => raw.write(': ping\n\n'), 15_000);
      request.raw.on('close', () => {
        clearInterval(ping);
        unwatch();
      });
    });

    scope.post<{ Params: { persona: string } }>(
      '/playground/api/personas/:persona/messages',
      async (request, reply) => {
        const persona = personaOf(request, reply);
        if (!persona) return reply;
        const body = Message.safeParse(request.body);
        if (!body.success) return reply.code(400).send({ error: '消息格式不对：需要 {"text": "…"}' });
        await channel.fromPersona(persona.id, { text: body.data.text });
        return { ok: true };
      },
    );

    scope.post<{ Params: { persona: string } }>('/playground/api/personas/:persona/files', async (request, reply) => {
      const persona = personaOf(request, reply);
      if (!persona) return reply;
      if (!request.isMultipart()) return reply.code(400).send({ error: '请用表单上传文件' });
      const part = await request.file();
      if (!part) return reply.code(400).send({ error: '没有收到文件' });
      let data: Buffer;
      try {
        data = await part.toBuffer();
      } catch {
        return reply.code(413).send({ error: `文件太大，最多 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB` });
      }
      const name = path.basename(part.filename.replace(/\\/g, '/')).slice(-120) || '文件';
      await channel.fromPersona(persona.id, {
        file: { name, mime: mimeOfName(name), size: data.length, fetch: async () => data },
      });
      return { ok: true };
    });

    scope.post<{ Params: { persona: string; ref: string; index: string } }>(
      '/playground/api/personas/:persona/cards/:ref/buttons/:index',
      async (request, reply) => {
        const persona = personaOf(request, reply);
        if (!persona) return reply;
        const index = Number(request.params.index);
        if (!Number.isInteger(index) || index < 0) return reply.code(400).send({ error: '没有这个按钮' });
        const result = await channel.click(persona.id, request.params.ref, index, deps.now());
        const refused = { no_card: '这张卡片不是发给您的', no_button: '没有这个按钮', expired: '这张卡片已过期' };
        if (result !== 'ok') return reply.code(result === 'expired' ? 410 : 404).send({ error: refused[result] });
        return { ok: true };
      },
    );

    scope.get<{ Params: { persona: string; file: string } }>(
      '/playground/api/personas/:persona/files/:file',
      async (request, reply) => {
        const persona = personaOf(request, reply);
        if (!persona) return reply;
        const id = request.params.file;
        if (!FILE_ID.test(id) || !channel.mayDownload(persona.id, id))
          return reply.code(404).send({ error: '没有这个文件' });
        const file = await deps.readFile(id);
        if (!file) return reply.code(404).send({ error: '没有这个文件' });
        return reply
          .header('content-type', file.mime)
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
          .header('cache-control', 'private, no-store')
          .send(file.data);
      },
    );
  });
}
