// WeCom API failures → BotError the delivery layer can act on, with a line an operator can act on.
// WeCom answers HTTP 200 with an `errcode`; the codes that mean "this app cannot send at all until
// someone fixes its setup" (an untrusted server IP, a wrong secret) also mark the channel unhealthy
// on /healthz until a call succeeds again.
import { BotError } from '../../bot/errors.ts';

/** The cached access_token was refused: fetch a new one and try again once. */
export const TOKEN_CODES = new Set([40014, 42001, 41001]);

type Kind = 'setup' | 'rate' | 'transient' | 'permanent';

/** What each code means, for the log; `setup` codes block every send until the operator acts. */
const KNOWN: Record<number, { kind: Kind; hint: string }> = {
  60020: {
    kind: 'setup',
    hint: '服务器 IP 不在应用的“企业可信IP”中：在管理后台 应用管理 → 本应用 → 企业可信IP 添加本机出口 IP (untrusted server IP)',
  },
  40001: { kind: 'setup', hint: 'WECOM_SECRET 不正确或已重置 (invalid secret)' },
  40013: { kind: 'setup', hint: 'WECOM_CORP_ID 不正确 (invalid corp id)' },
  40056: { kind: 'setup', hint: 'WECOM_AGENT_ID 不正确 (invalid agent id)' },
  40091: { kind: 'setup', hint: 'WECOM_SECRET 不正确 (invalid secret)' },
  48002: { kind: 'setup', hint: '应用无权调用该接口，请检查应用权限 (API forbidden for this app)' },
  301002: { kind: 'setup', hint: '应用无权操作该成员 (no privilege for this member)' },
  45009: { kind: 'rate', hint: '接口调用超过频率限制，稍后重试 (API frequency limit exceeded)' },
  45033: { kind: 'rate', hint: '接口并发调用超过限制 (too many concurrent calls)' },
  45015: { kind: 'permanent', hint: '回复时间超过限制，该消息不再发送 (reply window exceeded)' },
  [-1]: { kind: 'transient', hint: '企业微信系统繁忙，稍后重试 (system busy)' },
  60011: {
    kind: 'permanent',
    hint: '成员不在应用可见范围内：在应用“可见范围”中加入该成员 (member outside the app’s visible range)',
  },
  81013: { kind: 'permanent', hint: '接收人无效或不在应用可见范围内 (no valid recipient)' },
  60111: { kind: 'permanent', hint: '成员 UserID 不存在 (no such member)' },
  40003: { kind: 'permanent', hint: '成员 UserID 无效 (invalid user id)' },
  40007: { kind: 'permanent', hint: '媒体文件 media_id 无效或已过期 (invalid media id)' },
  40004: { kind: 'permanent', hint: '媒体文件类型不支持 (unsupported media type)' },
  40006: { kind: 'permanent', hint: '文件大小超过限制 (file too large)' },
  44004: { kind: 'permanent', hint: '消息内容为空 (empty message)' },
  40058: { kind: 'permanent', hint: '请求参数不合法 (invalid parameter)' },
  [40014]: { kind: 'transient', hint: 'access_token 无效，已重新获取 (token refused)' },
  [42001]: { kind: 'transient', hint: 'access_token 已过期，已重新获取 (token expired)' },
};

/** How long a rate-limited or blocked channel pauses its queue before trying again. */
const PAUSE_MS: Record<'setup' | 'rate', number> = { setup: 60_000, rate: 60_000 };

export type WecomFailure = { errcode?: number; errmsg?: string };

/** A setup problem (untrusted IP, wrong secret) the operator must fix; undefined for any other error. */
export function setupProblem(code: number | undefined): string | undefined {
  return code !== undefined && KNOWN[code]?.kind === 'setup' ? KNOWN[code].hint : undefined;
}

export function hintOf(code: number | undefined): string | undefined {
  return code === undefined ? undefined : KNOWN[code]?.hint;
}

/**
 * A failed call → BotError. `status` is the HTTP status (undefined: no answer at all). Setup
 * problems pause the queue like a rate limit, so nothing waiting is given up while the operator
 * fixes the app; unknown codes are permanent (WeCom documents them as request errors).
 */
export function toPlatformError(
  what: string,
  failure: { status?: number; body?: WecomFailure; cause?: unknown },
): BotError {
  const { status, body, cause } = failure;
  const code = typeof body?.errcode === 'number' ? body.errcode : undefined;
  const known = code !== undefined ? KNOWN[code] : undefined;
  const detail =
    `wecom ${what} failed: ${status ?? 'no response'}` +
    (code !== undefined ? ` errcode ${code} ${body?.errmsg ?? ''}` : '') +
    (known ? ` — ${known.hint}` : cause instanceof Error ? ` ${cause.message}` : '');
  if (known?.kind === 'rate' || known?.kind === 'setup' || status === 429)
    return new BotError('PLATFORM_RATE_LIMITED', detail, {
      cause,
      retryAfterMs: PAUSE_MS[known?.kind === 'setup' ? 'setup' : 'rate'],
    });
  if (
    status === undefined ||
    status >= 500 ||
    known?.kind === 'transient' ||
    (code !== undefined && TOKEN_CODES.has(code))
  )
    return new BotError('PLATFORM_TRANSIENT', detail, { cause });
  return new BotError('PLATFORM_PERMANENT', detail, { cause, permanent: true });
}
