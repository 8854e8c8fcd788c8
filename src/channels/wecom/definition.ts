// The WeCom (企业微信) self-built app as the registry sees it: `serve` runs it when WECOM_CORP_ID is
// set and mounts /wecom/callback; sends are plain server API calls, so any process can deliver them.
// Members reach the app in WeCom, or inside WeChat through the 微信插件 (see README).
import { defineChannel, type ChannelDeps, type RouteContext } from '../define.ts';
import { EventDedup } from '../event-dedup.ts';
import { registerWecomRoutes } from './routes.ts';
import { wecomEnv, wecomLimits, wecomSettings, type WecomSettings } from './settings.ts';
import type { WecomChannel } from './wecom-channel.ts';

export const wecomChannel = defineChannel({
  name: 'wecom',
  env: wecomEnv,
  settings: wecomSettings,
  limits: wecomLimits,
  answerMode: 'outbox',
  sendsFrom: 'any',
  routes(server, { channel, settings, log }: RouteContext<WecomSettings, WecomChannel>) {
    registerWecomRoutes(server, {
      channel,
      secrets: { token: settings.token, encodingAesKey: settings.encodingAesKey, receiveId: settings.corpId },
      maxSkewSeconds: settings.maxSkewSeconds,
      log,
    });
  },
  async create(deps: ChannelDeps<WecomSettings>): Promise<WecomChannel> {
    const { WecomChannel } = await import('./wecom-channel.ts');
    return new WecomChannel({
      settings: deps.settings,
      log: deps.log,
      texts: deps.texts,
      dedup: new EventDedup(deps.redis, deps.keyPrefix),
      redis: deps.redis,
      keyPrefix: deps.keyPrefix,
      readFile: deps.readFile,
      now: deps.now,
    });
  },
  health(channel: WecomChannel): Record<string, boolean> {
    // wecomApi turns false on a setup problem (untrusted IP, wrong secret) until a call succeeds.
    return { wecom: channel.ready(), wecomApi: channel.api.healthy() };
  },
});
