// The WeChat Official Account (服务号) channel as the registry sees it: the callback of 服务器配置
// (/wechat-mp/callback) answered inline — a passive reply when the bot is done within the budget —
// and plain API calls for everything else, so any process (`serve`, `worker`) can deliver.
import { defineChannel, type ChannelDeps, type RouteContext } from '../define.ts';
import { EventDedup } from '../event-dedup.ts';
import { PendingCards } from '../wechat/pending-cards.ts';
import { FileLinks } from './file-link.ts';
import type { WechatMpChannel } from './mp-channel.ts';
import { registerMpRoutes } from './routes.ts';
import { mpEnv, mpLimits, mpSettings, type MpSettings } from './settings.ts';

/**
 * How long the callback waits for the bot's answer. WeChat drops the response after 5 s counted on
 * its side, network included; keeping the event in Redis may take up to 0.5 s before the budget
 * starts, and the reply is rendered and encrypted after it: 3.5 s leaves about a second for the
 * network both ways. A charter question answered from the knowledge base takes milliseconds.
 */
export const INLINE_BUDGET_MS = 3_500;

export const wechatMpChannel = defineChannel({
  name: 'wechat-mp',
  env: mpEnv,
  settings: mpSettings,
  limits: mpLimits,
  answerMode: { inline: { budgetMs: INLINE_BUDGET_MS } },
  clickableButtons: false,
  sendsFrom: 'any',
  routes(server, { channel, settings, log }: RouteContext<MpSettings, WechatMpChannel>) {
    registerMpRoutes(server, {
      channel,
      secrets: { token: settings.token, appId: settings.appId, encodingAesKey: settings.encodingAesKey },
      links: channel.links,
      readFile: channel.readFile,
      log,
    });
    if (!settings.encodingAesKey)
      log.warn(
        '未设置 WECHAT_MP_ENCODING_AES_KEY：公众号回调为明文模式，签名不覆盖消息内容，建议改用安全模式 ' +
          '(plain mode: the signature does not cover the body; 安全模式 is recommended)',
      );
  },
  async create(deps: ChannelDeps<MpSettings>): Promise<WechatMpChannel> {
    const [{ WechatMpChannel }, { MpApi }] = await Promise.all([import('./mp-channel.ts'), import('./mp-api.ts')]);
    const { settings, redis, keyPrefix, log } = deps;
    return new WechatMpChannel({
      settings,
      api: new MpApi({ ...settings, redis, keyPrefix, log }),
      log,
      texts: deps.texts,
      redis,
      keyPrefix,
      dedup: new EventDedup(redis, keyPrefix),
      // Its own numbering space: an OpenID is not a Wechaty contact id.
      pending: new PendingCards(redis, `${keyPrefix}mp:`),
      links: settings.publicUrl ? new FileLinks(settings.appSecret, settings.publicUrl) : undefined,
      readFile: deps.readFile,
      now: deps.now,
      takeoverAfterMs: settings.takeoverAfterMs,
    });
  },
  health: (channel: WechatMpChannel) => ({ wechatMp: channel.ready() }),
});
