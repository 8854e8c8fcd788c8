// One JSON POST to the Open API over node:http(s), for the calls made for every reply (send and
// reply to a message). Through the SDK each cost about three times the CPU of the request itself
// (its request formatting, axios's config merging and interceptors, follow-redirects' wrapper): at
// 200 replies/s that was the largest part of what the channel costs. Failures are thrown the way
// axios throws them (`response: {status, data, headers}`, or the socket's error with its `code`),
// so api-error.ts classifies both paths alike.
import http from 'node:http';
import https from 'node:https';

export type JsonPostAgents = { http: http.Agent; https: https.Agent };

/** What a non-2xx answer throws: axios's shape, as api-error.ts reads it. */
class HttpStatusError extends Error {
  constructor(readonly response: { status: number; data: unknown; headers: http.IncomingHttpHeaders }) {
    super(`Request failed with status code ${response.status}`);
    this.name = 'HttpStatusError';
  }
}

/**
 * POSTs `body` as JSON to `url` with `headers`; resolves with the answer's body (parsed when it is
 * JSON, else the text, as axios does) on a 2xx answer, throws HttpStatusError on any other, and an
 * error with code ETIMEDOUT when no answer has come within `timeoutMs`.
 */
export function postJson(
  url: URL,
  headers: Record<string, string>,
  body: unknown,
  agents: JsonPostAgents,
  timeoutMs = 15_000,
): Promise<unknown> {
  const payload = JSON.stringify(body);
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      url,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: {
          ...headers,
          accept: 'application/json, text/plain, */*',
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(payload)),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let data: unknown = text;
          try {
            data = JSON.parse(text);
          } catch {
            // Not JSON: the text itself, as axios leaves it.
          }
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(data);
          else reject(new HttpStatusError({ status, data, headers: response.headers }));
        });
      },
    );
    request.on('error', reject);
    // A request that hangs fails like a cut connection (no response: retried as transient; the
    // message's uuid keeps a retried send from arriving twice).
    request.setTimeout(timeoutMs, () =>
      request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    request.end(payload);
  });
}
