// The WeChat (Wechaty) variables and the settings built from them (read by config.ts through the registry).
import { z } from 'zod';
import { idList, optional, whole } from '../../env-schema.ts';
import type { EnvOf } from '../define.ts';

export const DEFAULT_PUPPET = 'wechaty-puppet-wechat4u';

export type WechatSettings = {
  /** Chosen with WECHATY_PUPPET: only then does `serve` log in to WeChat (the `wechat` command always does). */
  chosen: boolean;
  puppet: string;
  puppetToken: string | undefined;
  name: string;
};

export const wechatEnv = {
  WECHATY_PUPPET: optional(z.string().trim().min(1)),
  WECHATY_PUPPET_SERVICE_TOKEN: optional(z.string()),
  WECHATY_NAME: optional(z.string().trim().min(1)),
  SECRETARIAT_WECHAT_IDS: idList,
  WECHAT_SEND_PER_MIN: whole(1, 1_000_000, 60),
  WECHAT_PER_CHAT_PER_SEC: whole(1, 1_000, 1),
};

type WechatEnv = EnvOf<typeof wechatEnv>;

export function wechatSettings(e: WechatEnv): WechatSettings {
  return {
    chosen: e.WECHATY_PUPPET !== undefined,
    puppet: e.WECHATY_PUPPET ?? DEFAULT_PUPPET,
    puppetToken: e.WECHATY_PUPPET_SERVICE_TOKEN,
    name: e.WECHATY_NAME ?? 'alliance-bot',
  };
}

export function wechatLimits(e: WechatEnv) {
  return { sendPerMin: e.WECHAT_SEND_PER_MIN, perChatPerSec: e.WECHAT_PER_CHAT_PER_SEC };
}
