// The few WeCom server API calls the bot makes (gettoken, message/send, update_template_card,
// media/upload, media/get), over fetch. Every call goes with the shared access_token, is tried once
// more with a fresh token when WeCom refuses it, and fails as a classified BotError (api-error.ts).
// The last setup problem (untrusted IP, wrong secret) is kept for /healthz until a call succeeds.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BotError } from '../../bot/errors.ts';
import { MAX_INCOMING_FILE_BYTES } from '../channel.ts';
import { AccessToken } from './access-token.ts';
import { hintOf, setupProblem, toPlatformError, TOKEN_CODES, type WecomFailure } from './api-error.ts';
import type { WecomSettings } from './settings.ts';

const TIMEOUT_MS = 15_000;

export type SendResult = { msgid?: string; response_code?: string; invaliduser?: string; unlicenseduser?: string };

export type Media = { name: string; mime: string; data: Buffer };

type Answer = WecomFailure & Record<string, unknown>;

export class WecomApi {
  readonly token: AccessToken;
  /** The setup problem that blocks sending now, if any (see api-error.ts). */
  problem: { code: number; hint: string } | undefined;

  constructor(
    private readonly settings: WecomSettings,
    redis: Redis,
    keyPrefix: string,
    private readonly log: Logger,
  ) {
    this.token = new AccessToken(redis, `${keyPrefix}wecom:token:${settings.corpId}:${settings.agentId}`, () =>
      this.fetchToken(),
    );
  }

  async sendMessage(message: Record<string, unknown>): Promise<SendResult> {
    const body = { ...message, agentid: this.settings.agentId };
    const result = (await this.call('send message', 'POST', '/cgi-bin/message/send', body)) as SendResult;
    // errcode 0 with the recipient listed as invalid: nothing was delivered.
    const invalid = [result.invaliduser, result.unlicenseduser].filter(Boolean).join('|');
    if (invalid)
      throw new BotError(
        'PLATFORM_PERMANENT',
        `wecom send message: recipient ${invalid} invalid, unlicensed or outside the app's visible range`,
        { permanent: true },
      );
    return result;
  }

  async updateTemplateCard(body: Record<string, unknown>): Promise<void> {
    await this.call('update card', 'POST', '/cgi-bin/message/update_template_card', {
      ...body,
      agentid: this.settings.agentId,
    });
  }

  async uploadMedia(name: string, data: Buffer, type: 'file' | 'image' = 'file'): Promise<string> {
    const result = await this.call('upload media', 'POST', `/cgi-bin/media/upload?type=${type}`, () => {
      const form = new FormData();
      form.append('media', new Blob([new Uint8Array(data)]), name);
      return form;
    });
    const mediaId = result.media_id;
    if (typeof mediaId !== 'string' || !mediaId)
      throw new BotError('PLATFORM_TRANSIENT', 'wecom upload media: no media_id in the answer');
    return mediaId;
  }

  /** A member's file or image by its MediaId (valid three days). */
  async getMedia(mediaId: string): Promise<Media> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokenOrError();
      const url = this.url(`/cgi-bin/media/get?media_id=${encodeURIComponent(mediaId)}`, token);
      const res = await this.fetch('get media', url, { method: 'GET' });
      const type = res.headers.get('content-type') ?? '';
      if (res.ok && !type.includes('json') && !type.startsWith('text/')) {
        const size = Number(res.headers.get('content-length') ?? 0);
        if (size > MAX_INCOMING_FILE_BYTES)
          throw new BotError('PLATFORM_PERMANENT', `wecom get media: ${size} bytes, too large`, { permanent: true });
        const data = await readCapped(res);
        return { name: fileNameOf(res.headers.get('content-disposition')), mime: type.split(';')[0]!, data };
      }
      const body = (await res.json().catch(() => ({}))) as Answer;
      if (attempt === 1 && typeof body.errcode === 'number' && TOKEN_CODES.has(body.errcode)) {
        await this.token.refused(token);
        continue;
      }
      throw this.failed('get media', res.status, body);
    }
  }

  /** Readiness: no setup problem seen since the last successful call. */
  healthy(): boolean {
    return this.problem === undefined;
  }

  private async call(what: string, method: 'GET' | 'POST', path: string, body: unknown): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokenOrError();
      const init: RequestInit =
        typeof body === 'function'
          ? { method, body: (body as () => FormData)() }
          : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
      const res = await this.fetch(what, this.url(path, token), init);
      const answer = (await res.json().catch(() => undefined)) as Answer | undefined;
      if (res.ok && answer && answer.errcode === 0) {
        this.cleared();
        return answer;
      }
      if (attempt === 1 && typeof answer?.errcode === 'number' && TOKEN_CODES.has(answer.errcode)) {
        await this.token.refused(token);
        continue;
      }
      throw this.failed(what, res.status, answer ?? {});
    }
  }

  private async tokenOrError(): Promise<string> {
    try {
      return await this.token.get();
    } catch (error) {
      if (error instanceof BotError) throw error;
      throw toPlatformError('get access_token', { cause: error });
    }
  }

  private async fetchToken(): Promise<{ token: string; expiresInSeconds: number }> {
    const { corpId, secret } = this.settings;
    const url = `${this.settings.apiBase}/cgi-bin/gettoken?corpid=${encodeURIComponent(corpId)}&corpsecret=${encodeURIComponent(secret)}`;
    const res = await this.fetch('get access_token', url, { method: 'GET' });
    const answer = (await res.json().catch(() => ({}))) as Answer;
    if (!res.ok || answer.errcode !== 0 || typeof answer.access_token !== 'string')
      throw this.failed('get access_token', res.status, answer);
    this.cleared();
    return { token: answer.access_token, expiresInSeconds: Number(answer.expires_in) || 7200 };
  }

  private async fetch(what: string, url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw toPlatformError(what, { cause: error });
    }
  }

  private failed(what: string, status: number, body: WecomFailure): BotError {
    const code = typeof body.errcode === 'number' ? body.errcode : undefined;
    const problem = setupProblem(code);
    if (problem && code !== undefined) {
      if (this.problem?.code !== code)
        this.log.error({ errcode: code, errmsg: body.errmsg, call: what }, `wecom cannot send: ${problem}`);
      this.problem = { code, hint: problem };
    } else if (code !== undefined && hintOf(code)) {
      this.log.warn({ errcode: code, errmsg: body.errmsg, call: what }, `wecom ${what}: ${hintOf(code)}`);
    }
    return toPlatformError(what, { status, body });
  }

  private cleared(): void {
    if (!this.problem) return;
    this.log.info({ errcode: this.problem.code }, 'wecom API answers again; setup problem resolved');
    this.problem = undefined;
  }

  private url(path: string, token: string): string {
    return `${this.settings.apiBase}${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`;
  }
}

async function readCapped(res: Response): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_INCOMING_FILE_BYTES)
      throw new BotError('PLATFORM_PERMANENT', 'wecom get media: file too large', { permanent: true });
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** `attachment; filename="a.pdf"` or RFC 5987 `filename*=UTF-8''%E7%94…`; WeCom sends either. */
function fileNameOf(disposition: string | null): string {
  if (!disposition) return 'file';
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star.trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through to the plain name */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)?.[1]?.trim();
  if (!plain) return 'file';
  // Node reads header bytes as Latin-1; a UTF-8 name sent raw is recovered here.
  const bytes = Buffer.from(plain, 'latin1');
  const utf8 = bytes.toString('utf8');
  return utf8.includes('\uFFFD') ? plain : utf8;
}
