// The WeChat Official Account (服务号) variables and the settings built from them (read by config.ts
// through the registry). Plain mode without an EncodingAESKey; safe mode (安全模式) with one.
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../../config-error.ts';
import { optional, orDefault, whole } from '../../env-schema.ts';
import type { EnvOf } from '../define.ts';

export type MpSettings = {
  appId: string;
  appSecret: string;
  /** 服务器配置 → 令牌 (Token): signs every callback. */
  token: string;
  /** 服务器配置 → EncodingAESKey: set for 安全模式 (encrypted callbacks and replies). */
  encodingAesKey: string | undefined;
  /** A template message for notifications to followers outside the 48-hour customer-service window. */
  templateId: string | undefined;
  /** The template's field that carries the notice (e.g. `thing1`, or `first` in old templates). */
  templateField: string;
  /** API base: https://api.weixin.qq.com, or (tests) a local fake. */
  apiBase: string;
  /** Where this server is reached from the internet: files go out as download links under it. */
  publicUrl: string | undefined;
  /** How long a kept message goes unrenewed (its process died) before another process answers it. */
  takeoverAfterMs: number;
};

export const mpEnv = {
  WECHAT_MP_APP_ID: optional(
    z.string().regex(/^wx[0-9a-zA-Z]{16}$/, '应形如 wx 加 16 位字母数字 (wx + 16 characters)'),
  ),
  WECHAT_MP_APP_SECRET: optional(z.string()),
  WECHAT_MP_TOKEN: optional(
    z.string().regex(/^[A-Za-z0-9]{3,32}$/, '应是 3 到 32 位英文字母或数字 (3–32 letters or digits)'),
  ),
  WECHAT_MP_ENCODING_AES_KEY: optional(
    z.string().regex(/^[A-Za-z0-9]{43}$/, '应是 43 位英文字母或数字 (43 letters or digits)'),
  ),
  WECHAT_MP_TEMPLATE_ID: optional(z.string()),
  WECHAT_MP_TEMPLATE_FIELD: orDefault(
    z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, '应是模板字段名，如 thing1 (a template field name such as thing1)')
      .default('thing1'),
  ),
  WECHAT_MP_API_BASE: orDefault(z.url('应是完整的网址 (must be a URL)').default('https://api.weixin.qq.com')),
  WECHAT_MP_PUBLIC_URL: optional(z.url('应是完整的网址 (must be a URL)')),
  WECHAT_MP_SEND_PER_MIN: whole(1, 1_000_000, 600),
  WECHAT_MP_PER_CHAT_PER_SEC: whole(1, 1_000, 2),
  WECHAT_MP_TAKEOVER_AFTER_MS: whole(1_000, 3_600_000, 60_000),
};

type MpEnv = EnvOf<typeof mpEnv>;

/** Undefined when WECHAT_MP_APP_ID is not set: the Official Account channel is off. */
export function mpSettings(e: MpEnv): MpSettings | undefined {
  if (!e.WECHAT_MP_APP_ID) return undefined;
  const problems: ConfigProblem[] = [];
  if (!e.WECHAT_MP_APP_SECRET)
    problems.push({
      variable: 'WECHAT_MP_APP_SECRET',
      reason: '设置了 WECHAT_MP_APP_ID 时必须设置 (required with WECHAT_MP_APP_ID)',
    });
  if (!e.WECHAT_MP_TOKEN)
    problems.push({
      variable: 'WECHAT_MP_TOKEN',
      reason: '设置了 WECHAT_MP_APP_ID 时必须设置（公众号“服务器配置”中的令牌） (required: the Token of 服务器配置)',
    });
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    appId: e.WECHAT_MP_APP_ID,
    appSecret: e.WECHAT_MP_APP_SECRET!,
    token: e.WECHAT_MP_TOKEN!,
    encodingAesKey: e.WECHAT_MP_ENCODING_AES_KEY,
    templateId: e.WECHAT_MP_TEMPLATE_ID,
    templateField: e.WECHAT_MP_TEMPLATE_FIELD,
    apiBase: e.WECHAT_MP_API_BASE.replace(/(?<!\/)\/+$/, ''),
    publicUrl: e.WECHAT_MP_PUBLIC_URL?.replace(/(?<!\/)\/+$/, ''),
    takeoverAfterMs: e.WECHAT_MP_TAKEOVER_AFTER_MS,
  };
}

export function mpLimits(e: MpEnv) {
  return { sendPerMin: e.WECHAT_MP_SEND_PER_MIN, perChatPerSec: e.WECHAT_MP_PER_CHAT_PER_SEC };
}
