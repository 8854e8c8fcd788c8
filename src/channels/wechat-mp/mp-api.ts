// The few Official Account API calls the bot makes, with the access_token shared by every process:
// kept in Redis until shortly before it expires, fetched by one process at a time (a short Redis
// lock; the others wait for its result), and fetched afresh when WeChat refuses the cached one
// (40001 / 40014 / 42001). Each fetch of a new token invalidates the previous one at WeChat, which
// is why processes must not fetch on their own.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MAX_INCOMING_FILE_BYTES } from '../channel.ts';
import { checkAnswer, tokenRefused, transportError, type ApiAnswer } from './api-error.ts';

/** Renewed this long before WeChat says it expires (7200 s), so a token never dies mid-call. */
const EARLY_MS = 5 * 60_000;
/** How long one process may hold the right to fetch the token. */
const LOCK_MS = 10_000;
/** How long a process waits for another's fetch before fetching itself. */
const WAIT_FOR_OTHERS_MS = 5_000;
const CALL_TIMEOUT_MS = 10_000;

// KEYS: token. ARGV: the refused token. Deletes it only if it is still the cached one.
const DROP_IF_SAME = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type Scripts = Redis & { mpTokenDropIfSame(key: string, token: string): Promise<number> };

export type MpApiOptions = {
  appId: string;
  appSecret: string;
  apiBase: string;
  redis: Redis;
  keyPrefix: string;
  log: Logger;
};

export type TextMessage = { msgtype: 'text'; text: { content: string } };
export type ImageMessage = { msgtype: 'image'; image: { media_id: string } };

export class MpApi {
  private readonly redis: Scripts;
  private cached: { token: string; until: number } | undefined;
  private fetching: Promise<string> | undefined;

  constructor(private readonly options: MpApiOptions) {
    if (!('mpTokenDropIfSame' in options.redis))
      options.redis.defineCommand('mpTokenDropIfSame', { numberOfKeys: 1, lua: DROP_IF_SAME });
    this.redis = options.redis as Scripts;
  }

  /** 客服消息: to a follower who wrote within the last 48 hours. */
  async sendCustom(openId: string, message: TextMessage | ImageMessage): Promise<void> {
    await this.call('custom message', 'POST', '/cgi-bin/message/custom/send', { touser: openId, ...message });
  }

  /** 模板消息: a notice with one field filled, reaching followers outside the window. */
  async sendTemplate(openId: string, templateId: string, data: Record<string, { value: string }>): Promise<string> {
    const answer = await this.call<{ msgid?: number | string }>(
      'template message',
      'POST',
      '/cgi-bin/message/template/send',
      {
        touser: openId,
        template_id: templateId,
        data,
      },
    );
    return String(answer.msgid ?? '');
  }

  /** 临时素材: uploads an image for a message; answers its media_id (valid three days). */
  async uploadImage(name: string, mime: string, data: Buffer): Promise<string> {
    const answer = await this.call<{ media_id?: string }>('media upload', 'POST', '/cgi-bin/media/upload', undefined, {
      type: 'image',
      form: { name, mime, data },
    });
    if (!answer.media_id) throw transportError('media upload', new Error('no media_id in answer'));
    return answer.media_id;
  }

  /** Downloads what a follower sent (an image) by its MediaId. */
  async downloadMedia(mediaId: string): Promise<Buffer> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.token();
      const url = `${this.options.apiBase}/cgi-bin/media/get?access_token=${encodeURIComponent(token)}&media_id=${encodeURIComponent(mediaId)}`;
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      } catch (error) {
        throw transportError('media download', error);
      }
      if (res.status >= 500) throw transportError('media download', new Error(`HTTP ${res.status}`));
      const type = res.headers.get('content-type') ?? '';
      if (type.includes('json') || type.startsWith('text/plain')) {
        const answer = (await res.json().catch(() => ({ errcode: -1 }))) as ApiAnswer;
        if (tokenRefused(answer) && attempt === 1) {
          await this.dropToken(token);
          continue;
        }
        checkAnswer(answer, 'media download');
      }
      const size = Number(res.headers.get('content-length') ?? 0);
      if (size > MAX_INCOMING_FILE_BYTES) throw new Error(`wechat-mp media too large: ${size} bytes`);
      const data = Buffer.from(await res.arrayBuffer());
      if (data.length > MAX_INCOMING_FILE_BYTES) throw new Error(`wechat-mp media too large: ${data.length} bytes`);
      return data;
    }
  }

  /** The shared access_token (fetched when none is cached). */
  async token(): Promise<string> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.token;
    this.fetching ??= this.sharedToken().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  /** WeChat refused `token`: forget it here and in Redis (unless another process replaced it already). */
  async dropToken(token: string): Promise<void> {
    if (this.cached?.token === token) this.cached = undefined;
    await this.redis.mpTokenDropIfSame(this.key('token'), token);
  }

  private async sharedToken(): Promise<string> {
    const giveUpAt = Date.now() + WAIT_FOR_OTHERS_MS;
    for (;;) {
      const [token, ttl] = await Promise.all([this.redis.get(this.key('token')), this.redis.pttl(this.key('token'))]);
      if (token && ttl > 0) {
        this.cached = { token, until: Date.now() + ttl };
        return token;
      }
      const lock = await this.redis.set(this.key('token-lock'), String(process.pid), 'PX', LOCK_MS, 'NX');
      if (lock === 'OK' || Date.now() > giveUpAt) {
        try {
          return await this.fetchToken();
        } finally {
          if (lock === 'OK') await this.redis.del(this.key('token-lock')).catch(() => undefined);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async fetchToken(): Promise<string> {
    const { appId, appSecret, apiBase, log } = this.options;
    const url = `${apiBase}/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(appId)}&secret=${encodeURIComponent(appSecret)}`;
    let answer: ApiAnswer & { access_token?: string; expires_in?: number };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
      answer = (await res.json()) as typeof answer;
    } catch (error) {
      throw transportError('access_token', error);
    }
    checkAnswer(answer, 'access_token');
    if (!answer.access_token) throw transportError('access_token', new Error('no access_token in answer'));
    const lifeMs = Math.max(60_000, (Number(answer.expires_in) || 7200) * 1000 - EARLY_MS);
    await this.redis.set(this.key('token'), answer.access_token, 'PX', lifeMs);
    this.cached = { token: answer.access_token, until: Date.now() + lifeMs };
    log.info({ expiresInS: answer.expires_in }, 'wechat-mp access_token fetched');
    return answer.access_token;
  }

  private async call<T>(
    what: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    upload?: { type: string; form: { name: string; mime: string; data: Buffer } },
  ): Promise<T & ApiAnswer> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.token();
      const params = new URLSearchParams({ access_token: token, ...(upload ? { type: upload.type } : {}) });
      let init: RequestInit = { method, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) };
      if (upload) {
        const form = new FormData();
        const { name, mime, data } = upload.form;
        form.append('media', new Blob([new Uint8Array(data)], { type: mime }), name);
        init = { ...init, body: form };
      } else if (body !== undefined) {
        // WeChat wants the characters themselves, not \u escapes (JSON.stringify writes them so).
        init = { ...init, body: JSON.stringify(body), headers: { 'content-type': 'application/json; charset=utf-8' } };
      }
      let answer: T & ApiAnswer;
      try {
        const res = await fetch(`${this.options.apiBase}${path}?${params}`, init);
        if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
        answer = (await res.json()) as T & ApiAnswer;
      } catch (error) {
        throw transportError(what, error);
      }
      if (tokenRefused(answer) && attempt === 1) {
        this.options.log.warn({ errcode: answer.errcode }, 'wechat-mp access_token refused; fetching a new one');
        await this.dropToken(token);
        continue;
      }
      return checkAnswer(answer, what);
    }
  }

  private key(kind: string): string {
    return `${this.options.keyPrefix}wechat-mp:${kind}:${this.options.appId}`;
  }
}
