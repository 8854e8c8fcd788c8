// A local HTTP server speaking the OpenAI chat-completions protocol, for the real `openai` client.
// Each test sets `reply` to decide what the "model" says (or how it fails). Query rewrites
// (src/knowledge/rewrite.ts: the system prompt asks for OUT_OF_SCOPE) are kept apart — in
// `rewriteRequests`, answered by `rewrite`, by default OUT_OF_SCOPE (the question's own retrieval
// decides) — so `requests` and `reply` stay the answers a test is about.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChatRequest = { model: string; max_tokens?: number; messages: { role: string; content: string }[] };
export type FakeReply = { content: string; delayMs?: number } | { status: number; body: unknown } | { hang: true };

export type FakeOpenAI = {
  baseUrl: string;
  requests: ChatRequest[];
  reply: (request: ChatRequest) => FakeReply;
  rewriteRequests: ChatRequest[];
  rewrite: (request: ChatRequest) => FakeReply;
  close(): Promise<void>;
};

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const fake: FakeOpenAI = {
    baseUrl: '',
    requests: [],
    reply: () => ({ content: 'NO_ANSWER' }),
    rewriteRequests: [],
    rewrite: () => ({ content: 'OUT_OF_SCOPE' }),
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const request = JSON.parse(raw) as ChatRequest;
      const isRewrite = request.messages[0]?.role === 'system' && request.messages[0].content.includes('OUT_OF_SCOPE');
      (isRewrite ? fake.rewriteRequests : fake.requests).push(request);
      const answer = (isRewrite ? fake.rewrite : fake.reply)(request);
      if ('hang' in answer) return; // never answers: the client must time out
      if ('status' in answer) {
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        return;
      }
      const body = {
        id: `chatcmpl-${fake.requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: answer.content } }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      };
      setTimeout(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
        answer.delayMs ?? 0,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
