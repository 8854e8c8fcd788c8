// The Feishu / Lark variables and the settings built from them (read by config.ts through the registry).
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../../config-error.ts';
import { idList, optional, orDefault, whole } from '../../env-schema.ts';
import type { EnvOf } from '../define.ts';

export type FeishuConfig = {
  mode: 'webhook' | 'ws';
  appId: string;
  appSecret: string;
  verificationToken: string | undefined;
  encryptKey: string | undefined;
  /** Webhook mode without an encrypt key (requests unsigned, token only) was asked for explicitly. */
  allowUnsigned: boolean;
  /** Open API base URL: Feishu, Lark, or (tests) a local fake. */
  domain: string;
  /** Feishu group that also receives review cards. */
  secretariatChatId: string | undefined;
};

export const feishuEnv = {
  FEISHU_MODE: orDefault(z.enum(['webhook', 'ws'], '应是 webhook 或 ws (must be webhook or ws)').default('ws')),
  FEISHU_APP_ID: optional(z.string()),
  FEISHU_APP_SECRET: optional(z.string()),
  FEISHU_VERIFICATION_TOKEN: optional(z.string()),
  FEISHU_ENCRYPT_KEY: optional(z.string()),
  FEISHU_ALLOW_UNSIGNED: orDefault(z.enum(['0', '1'], '应是 0 或 1 (must be 0 or 1)').default('0')),
  FEISHU_DOMAIN: orDefault(
    z
      .string()
      .trim()
      .refine(
        (v) => v === 'feishu' || v === 'lark' || /^https?:\/\/\S+$/.test(v),
        '应是 feishu、lark 或完整网址 (feishu, lark or a URL)',
      )
      .default('feishu'),
  ),
  SECRETARIAT_FEISHU_OPEN_IDS: idList,
  SECRETARIAT_FEISHU_CHAT_ID: optional(z.string()),
  FEISHU_SEND_PER_MIN: whole(1, 1_000_000, 1_000),
  FEISHU_API_PER_SEC: whole(1, 100_000, 50),
  FEISHU_PER_CHAT_PER_SEC: whole(1, 1_000, 5),
};

type FeishuEnv = EnvOf<typeof feishuEnv>;

const feishuDomains: Record<string, string> = { feishu: 'https://open.feishu.cn', lark: 'https://open.larksuite.com' };

/** Undefined when FEISHU_APP_ID is not set: the Feishu channel is off. Settings that only make sense together are checked together. */
export function feishuSettings(e: FeishuEnv): FeishuConfig | undefined {
  if (!e.FEISHU_APP_ID) return undefined;
  const problems: ConfigProblem[] = [];
  if (!e.FEISHU_APP_SECRET)
    problems.push({
      variable: 'FEISHU_APP_SECRET',
      reason: '设置了 FEISHU_APP_ID 时必须设置 (required with FEISHU_APP_ID)',
    });
  // The SDK's long connection silently refuses any other form, leaving a bot that never hears anything.
  if (e.FEISHU_MODE === 'ws' && !/^cli_[0-9a-f]{16}$/i.test(e.FEISHU_APP_ID))
    problems.push({
      variable: 'FEISHU_APP_ID',
      reason: '应形如 cli_ 加 16 位十六进制字符 (should look like cli_ + 16 hex digits)',
    });
  if (e.FEISHU_MODE === 'webhook' && !e.FEISHU_VERIFICATION_TOKEN)
    problems.push({
      variable: 'FEISHU_VERIFICATION_TOKEN',
      reason: 'webhook 模式必须设置，用于校验请求来源 (required in webhook mode)',
    });
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    mode: e.FEISHU_MODE,
    appId: e.FEISHU_APP_ID,
    appSecret: e.FEISHU_APP_SECRET!,
    verificationToken: e.FEISHU_VERIFICATION_TOKEN,
    encryptKey: e.FEISHU_ENCRYPT_KEY,
    allowUnsigned: e.FEISHU_ALLOW_UNSIGNED === '1',
    domain: (feishuDomains[e.FEISHU_DOMAIN] ?? e.FEISHU_DOMAIN).replace(/(?<!\/)\/+$/, ''),
    secretariatChatId: e.SECRETARIAT_FEISHU_CHAT_ID,
  };
}

export function feishuLimits(e: FeishuEnv) {
  return {
    sendPerMin: e.FEISHU_SEND_PER_MIN,
    apiPerSec: e.FEISHU_API_PER_SEC,
    perChatPerSec: e.FEISHU_PER_CHAT_PER_SEC,
  };
}
