// The WeCom (企业微信) self-built app variables and the settings built from them (read by config.ts
// through the registry). The app is off unless WECOM_CORP_ID is set; then everything else it needs
// must be set too.
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../../config-error.ts';
import { optional, orDefault, whole } from '../../env-schema.ts';
import type { ChannelLimits, EnvOf } from '../define.ts';

export type WecomSettings = {
  corpId: string;
  agentId: number;
  secret: string;
  /** The callback's Token (signatures) and EncodingAESKey (43 characters, the AES key in Base64). */
  token: string;
  encodingAesKey: string;
  /** API base URL: qyapi.weixin.qq.com, or (tests) a local fake. */
  apiBase: string;
  /** How far a callback's timestamp may be from now before it is refused as stale (replay). */
  maxSkewSeconds: number;
};

export const wecomEnv = {
  WECOM_CORP_ID: optional(z.string()),
  WECOM_AGENT_ID: optional(z.string()),
  WECOM_SECRET: optional(z.string()),
  WECOM_TOKEN: optional(z.string()),
  WECOM_ENCODING_AES_KEY: optional(z.string()),
  WECOM_API_BASE: orDefault(
    z
      .string()
      .trim()
      .regex(/^https?:\/\/\S+$/, '应是完整网址 (must be a URL)')
      .default('https://qyapi.weixin.qq.com'),
  ),
  WECOM_MAX_SKEW_SECONDS: whole(10, 86_400, 300),
  /** The app's overall pace; WeCom's own daily cap is 200 × the licensed seats per app. */
  WECOM_SEND_PER_MIN: whole(1, 1_000_000, 1_200),
  WECOM_PER_CHAT_PER_SEC: whole(1, 1_000, 2),
  /** WeCom drops (silently) a member's messages beyond 30 a minute and 1,000 an hour. */
  WECOM_PER_MEMBER_PER_MIN: whole(1, 1_000, 30),
  WECOM_PER_MEMBER_PER_HOUR: whole(1, 100_000, 1_000),
};

type WecomEnv = EnvOf<typeof wecomEnv>;

const need = (variable: string, reason: string): ConfigProblem => ({ variable, reason });

/** Undefined when WECOM_CORP_ID is not set: the WeCom channel is off. */
export function wecomSettings(e: WecomEnv): WecomSettings | undefined {
  if (!e.WECOM_CORP_ID) return undefined;
  const problems: ConfigProblem[] = [];
  const required = '设置了 WECOM_CORP_ID 时必须设置 (required with WECOM_CORP_ID)';
  if (!e.WECOM_AGENT_ID) problems.push(need('WECOM_AGENT_ID', required));
  else if (!/^\d{1,10}$/.test(e.WECOM_AGENT_ID))
    problems.push(need('WECOM_AGENT_ID', '应是应用的 AgentId，一串数字 (the app AgentId, digits)'));
  if (!e.WECOM_SECRET) problems.push(need('WECOM_SECRET', required));
  if (!e.WECOM_TOKEN) problems.push(need('WECOM_TOKEN', required));
  if (!e.WECOM_ENCODING_AES_KEY) problems.push(need('WECOM_ENCODING_AES_KEY', required));
  else if (!/^[A-Za-z0-9+/]{43}$/.test(e.WECOM_ENCODING_AES_KEY))
    problems.push(
      need(
        'WECOM_ENCODING_AES_KEY',
        '应是 43 位字母数字（应用“接收消息”设置里随机获取的 EncodingAESKey） (43 letters and digits)',
      ),
    );
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    corpId: e.WECOM_CORP_ID,
    agentId: Number(e.WECOM_AGENT_ID),
    secret: e.WECOM_SECRET!,
    token: e.WECOM_TOKEN!,
    encodingAesKey: e.WECOM_ENCODING_AES_KEY!,
    apiBase: e.WECOM_API_BASE.replace(/(?<!\/)\/+$/, ''),
    maxSkewSeconds: e.WECOM_MAX_SKEW_SECONDS,
  };
}

export function wecomLimits(e: WecomEnv): ChannelLimits {
  return {
    sendPerMin: e.WECOM_SEND_PER_MIN,
    perChatPerSec: e.WECOM_PER_CHAT_PER_SEC,
    perChatWindows: [
      { max: e.WECOM_PER_MEMBER_PER_MIN, ms: 60_000 },
      { max: e.WECOM_PER_MEMBER_PER_HOUR, ms: 3_600_000 },
    ],
  };
}
