// The few Open API calls the bot makes, through the official SDK. Adds what the SDK lacks: one shared
// token fetch for concurrent callers, a fresh token when Feishu refuses the cached one, and typed
// errors (api-error.ts) instead of axios errors. The two calls made for every reply (send, reply)
// are plain JSON POSTs with the SDK's token (json-post.ts) unless a proxy is configured.
import http from 'node:http';
import https from 'node:https';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { FeishuConfig } from './settings.ts';
import { checkCode, toPlatformError, tokenRefused } from './api-error.ts';
import { MAX_INCOMING_FILE_BYTES } from '../channel.ts';
import { postJson, type JsonPostAgents } from './json-post.ts';

export type MsgType = 'text' | 'post' | 'interactive' | 'file';
export type ReceiveIdType = 'chat_id' | 'open_id' | 'union_id';

/** Feishu refuses downloads over 100 MB anyway; a stamped scan is far smaller. */

export class FeishuApi {
  readonly client: lark.Client;
  private readonly cache = new lark.DefaultCache();
  private botId: Promise<string | undefined> | undefined;
  private readonly agents = keptAliveAgents();
  /** Sends and replies as plain POSTs (json-post.ts); through the SDK when a proxy is configured. */
  private readonly direct: boolean;
  private readonly userAgent: string;

  constructor(
    private readonly config: FeishuConfig,
    private readonly log: Logger,
    httpProxy = false,
  ) {
    this.direct = !httpProxy;
    this.client = new lark.Client({
      appId: config.appId,
      appSecret: config.appSecret,
      domain: config.domain,
      cache: this.cache,
      logger: sdkLogger(log),
      loggerLevel: lark.LoggerLevel.warn,
      httpInstance: keptAliveHttp(this.agents),
    });
    shareTokenFetch(this.client);
    // The SDK's own User-Agent (oapi-node-sdk/<version>), so both paths look alike to Feishu.
    this.userAgent = (this.client as unknown as { userAgent?: string }).userAgent ?? 'oapi-node-sdk';
  }

  /** The bot's own open_id, to recognise @-mentions of it in groups. Fetched once, retried on failure. */
  botOpenId(): Promise<string | undefined> {
    this.botId ??= this.call('bot info', () =>
      this.client.request<{ code?: number; msg?: string; bot?: { open_id?: string } }>({
        method: 'GET',
        url: '/open-apis/bot/v3/info',
      }),
    ).then(
      (res) => res.bot?.open_id,
      (error: unknown) => {
        this.botId = undefined;
        this.log.warn({ err: (error as Error).message }, 'feishu bot info unavailable');
        return undefined;
      },
    );
    return this.botId;
  }

  async createMessage(
    receiveId: string,
    idType: ReceiveIdType,
    msgType: MsgType,
    content: string,
    uuid: string,
  ): Promise<string> {
    const data = { receive_id: receiveId, msg_type: msgType, content, uuid };
    const res = await this.call('send message', () =>
      this.direct
        ? this.post(`/open-apis/im/v1/messages?receive_id_type=${encodeURIComponent(idType)}`, data)
        : this.client.im.v1.message.create({ params: { receive_id_type: idType }, data }),
    );
    return res.data?.message_id ?? '';
  }

  async replyMessage(messageId: string, msgType: MsgType, content: string, uuid: string): Promise<string> {
    const data = { msg_type: msgType, content, uuid };
    const res = await this.call('reply message', () =>
      this.direct
        ? this.post(`/open-apis/im/v1/messages/${messageId}/reply`, data)
        : this.client.im.v1.message.reply({ path: { message_id: messageId }, data }),
    );
    return res.data?.message_id ?? '';
  }

  /** A message call as a plain POST with the tenant token (the SDK's, shared with its own calls). */
  private async post(
    path: string,
    data: unknown,
  ): Promise<{ code?: number; msg?: string; data?: { message_id?: string } }> {
    const token = await this.client.tokenManager.getTenantAccessToken();
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    if (token) headers.authorization = `Bearer ${token}`;
    else this.log.warn('feishu token not obtained');
    return (await postJson(new URL(`${this.config.domain}${path}`), headers, data, this.agents)) as {
      code?: number;
      msg?: string;
      data?: { message_id?: string };
    };
  }

  async patchMessage(messageId: string, content: string): Promise<void> {
    await this.call('update card', () =>
      this.client.im.v1.message.patch({ path: { message_id: messageId }, data: { content } }),
    );
  }

  async uploadFile(name: string, data: Buffer): Promise<string> {
    const res = await this.call('upload file', async () => {
      const out = await this.client.im.v1.file.create({
        data: { file_type: fileType(name), file_name: name, file: data },
      });
      // The SDK unwraps `data` here and returns null on a business error.
      return { code: out?.file_key ? 0 : -1, msg: 'no file_key in answer', file_key: out?.file_key };
    });
    return res.file_key!;
  }

  async download(messageId: string, fileKey: string, type: 'file' | 'image'): Promise<Buffer> {
    const res = await this.call('download resource', async () => ({
      code: 0,
      resource: await this.client.im.v1.messageResource.get({
        path: { message_id: messageId, file_key: fileKey },
        params: { type },
      }),
    }));
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.resource.getReadableStream() as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_INCOMING_FILE_BYTES)
        throw toPlatformError({ response: { status: 413, data: { msg: 'file too large' } } }, 'download resource');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  private async call<T extends { code?: number; msg?: string }>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return checkCode(await fn(), what);
      } catch (error) {
        const refused = tokenRefused(error) || tokenRefused((error as { cause?: unknown }).cause);
        if (refused && attempt === 1) {
          await this.cache.set(lark.CTenantAccessToken, '', 0, { namespace: this.config.appId });
          continue;
        }
        throw toPlatformError(error, what);
      }
    }
  }
}

function keptAliveAgents(): JsonPostAgents {
  const agent = { keepAlive: true, keepAliveMsecs: 60_000 };
  return { http: new http.Agent(agent), https: new https.Agent(agent) };
}

/**
 * The SDK's axios instance, with agents whose keep-alive probe interval is the one axios itself sets
 * on every request socket (60 s). With Node's default agent (1 s) each API call flipped the socket
 * option twice — two system calls per message sent. Same interceptors as the SDK's default: the
 * answer's `data`, or `{ data, headers }` when a call asks for the headers (file downloads).
 */
function keptAliveHttp(agents: JsonPostAgents): lark.HttpInstance {
  const instance = lark.defaultHttpInstance.create({ httpAgent: agents.http, httpsAgent: agents.https });
  instance.interceptors.response.use((resp) =>
    (resp.config as { $return_headers?: boolean }).$return_headers
      ? ({ data: resp.data as unknown, headers: resp.headers } as never)
      : (resp.data as never),
  );
  return instance as unknown as lark.HttpInstance;
}

function fileType(name: string): 'doc' | 'pdf' | 'xls' | 'ppt' | 'stream' {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'doc' || ext === 'docx') return 'doc';
  if (ext === 'pdf') return 'pdf';
  if (ext === 'xls' || ext === 'xlsx') return 'xls';
  if (ext === 'ppt' || ext === 'pptx') return 'ppt';
  return 'stream';
}

/**
 * The SDK's token manager lets every concurrent caller that misses the cache fetch its own token
 * (measured: one expiry under load became 59 token calls). Concurrent callers share one fetch here.
 */
function shareTokenFetch(client: lark.Client): void {
  const manager = client.tokenManager;
  const original = manager.getTenantAccessToken.bind(manager);
  const inFlight = new Map<string, Promise<unknown>>();
  manager.getTenantAccessToken = (params) => {
    // The tenant key travels under a symbol the SDK does not export; store apps have one per tenant.
    // (The SDK's calls pass {[tenant key symbol]: undefined}: the same fetch as no params.)
    const key = params
      ? Object.getOwnPropertySymbols(params)
          .map((s) => (params as Record<symbol, unknown>)[s])
          .filter((value) => value !== undefined)
          .map(String)
          .join()
      : '';
    let pending = inFlight.get(key);
    if (!pending) {
      pending = original(params).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };
}

/**
 * The SDK logs every failed API request itself; ours are classified and logged by the caller, so
 * those go to debug. The long connection's errors (`errors: 'warn'`) are the only news of an outage.
 */
export function sdkLogger(log: Logger, options: { errors?: 'debug' | 'warn' } = {}): lark.Logger {
  const text = (parts: unknown[]) =>
    parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  const errorLevel = options.errors ?? 'debug';
  return {
    error: (...m: unknown[]) => log[errorLevel]({ sdk: text(m) }, 'lark sdk error'),
    warn: (...m: unknown[]) => log.warn({ sdk: text(m) }, 'lark sdk warning'),
    info: (...m: unknown[]) => log.debug({ sdk: text(m) }, 'lark sdk'),
    debug: (...m: unknown[]) => log.trace({ sdk: text(m) }, 'lark sdk'),
    trace: (...m: unknown[]) => log.trace({ sdk: text(m) }, 'lark sdk'),
  };
}
