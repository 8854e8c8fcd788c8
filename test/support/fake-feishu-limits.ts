// A local stand-in for Feishu's send-message API that enforces its documented limits: N send calls
// per minute per app, M calls per second per app, K messages per second to one user or chat. Above
// them it answers HTTP 429, code 99991400, with an `x-ogw-ratelimit-reset` header, like Feishu. The
// request `uuid` deduplicates like Feishu's (same uuid → same message, not a second one).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FeishuLimits = { sendPerMin: number; apiPerSec: number; perChatPerSec: number };

export type FakeFeishu = {
  url: string;
  /** Distinct messages each receiver got (after uuid dedup). */
  messages: Map<string, { uuid: string; messageId: string; content: string }[]>;
  stats: {
    calls: number;
    accepted: number;
    rateLimited: number;
    repeatedUuid: number;
    firstAt?: number;
    lastAt?: number;
  };
  /** The next sends to this receiver fail: 'transient' (HTTP 500) or 'permanent' (bot blocked). */
  failNext(receiveId: string, kind: 'transient' | 'permanent', times?: number): void;
  totalMessages(): number;
  close(): Promise<void>;
};

export const FEISHU_DEFAULT_LIMITS: FeishuLimits = { sendPerMin: 1000, apiPerSec: 50, perChatPerSec: 5 };

export async function startFakeFeishu(limits: FeishuLimits = FEISHU_DEFAULT_LIMITS, port = 0): Promise<FakeFeishu> {
  const messages = new Map<string, { uuid: string; messageId: string; content: string }[]>();
  const byUuid = new Map<string, string>();
  const sendLog: number[] = [];
  const secondCounts = new Map<string, number>();
  const failures = new Map<string, { kind: 'transient' | 'permanent'; times: number }>();
  const stats: FakeFeishu['stats'] = { calls: 0, accepted: 0, rateLimited: 0, repeatedUuid: 0 };
  let nextId = 0;

  const countSecond = (key: string, now: number) => {
    const k = `${key}:${Math.floor(now / 1000)}`;
    const n = (secondCounts.get(k) ?? 0) + 1;
    secondCounts.set(k, n);
    return n;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      stats.calls += 1;
      const reply = (status: number, body: object, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (!req.url?.startsWith('/open-apis/im/v1/messages')) return reply(404, { code: 404, msg: 'not found' });
      let body: { receive_id?: string; content?: string; uuid?: string };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { code: 9499, msg: 'bad json' });
      }
      const receiver = body.receive_id ?? '';
      const limited = (resetSec: number) => {
        stats.rateLimited += 1;
        reply(
          429,
          { code: 99991400, msg: 'request trigger frequency limit' },
          { 'x-ogw-ratelimit-reset': String(resetSec) },
        );
      };
      // Per app, all APIs, per second.
      if (countSecond('app', now) > limits.apiPerSec) return limited(1);
      // Per app, send API, sliding minute.
      while (sendLog.length > 0 && sendLog[0]! <= now - 60_000) sendLog.shift();
      if (sendLog.length >= limits.sendPerMin)
        return limited(Math.max(1, Math.ceil((sendLog[0]! + 60_000 - now) / 1000)));
      if (countSecond(`chat:${receiver}`, now) > limits.perChatPerSec) return limited(1);
      sendLog.push(now);
      const failure = failures.get(receiver);
      if (failure && failure.times > 0) {
        failure.times -= 1;
        if (failure.kind === 'transient') return reply(500, { code: 1, msg: 'internal error' });
        return reply(400, { code: 230013, msg: 'Bot has NO availability to this user.' });
      }
      const known = body.uuid ? byUuid.get(body.uuid) : undefined;
      if (known) {
        stats.repeatedUuid += 1;
        return reply(200, { code: 0, msg: 'success', data: { message_id: known } });
      }
      const messageId = `om_${++nextId}`;
      if (body.uuid) byUuid.set(body.uuid, messageId);
      messages.set(receiver, [
        ...(messages.get(receiver) ?? []),
        { uuid: body.uuid ?? '', messageId, content: body.content ?? '' },
      ]);
      stats.accepted += 1;
      stats.firstAt ??= now;
      stats.lastAt = now;
      reply(200, { code: 0, msg: 'success', data: { message_id: messageId } });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    messages,
    stats,
    failNext: (receiveId, kind, times = 1) => failures.set(receiveId, { kind, times }),
    totalMessages: () => [...messages.values()].reduce((n, list) => n + list.length, 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
