// The Feishu / Lark channel as the registry sees it. Webhook mode mounts /feishu/events and
// /feishu/cards; ws mode holds the SDK's long connection. Sends are plain Open API calls, so any
// process (`serve`, `worker`, `chat`) can deliver Feishu messages.
import { ConfigError } from '../../config-error.ts';
import { defineChannel, type ChannelDeps, type RouteContext } from '../define.ts';
import { EventDedup } from '../event-dedup.ts';
import type { FeishuChannel } from './feishu-channel.ts';
import { registerFeishuRoutes } from './routes.ts';
import { feishuEnv, feishuLimits, feishuSettings, type FeishuConfig } from './settings.ts';

export const feishuChannel = defineChannel({
  name: 'feishu',
  env: feishuEnv,
  settings: feishuSettings,
  limits: feishuLimits,
  secretariatChats: (settings) => (settings.secretariatChatId ? [settings.secretariatChatId] : []),
  legacySecretariatVariable: 'SECRETARIAT_FEISHU_OPEN_IDS',
  answerMode: 'outbox',
  sendsFrom: 'any',
  routes(server, { channel, settings, log }: RouteContext<FeishuConfig, FeishuChannel>) {
    if (settings.mode !== 'webhook') return;
    // Without the key Feishu signs nothing: anyone who learns the verification token could click any
    // card as anyone. That mode must be asked for by name.
    if (!settings.encryptKey && !settings.allowUnsigned)
      throw new ConfigError([
        {
          variable: 'FEISHU_ENCRYPT_KEY',
          reason:
            'webhook 模式需要设置（飞书开放平台“事件与回调 → 加密策略”中的 Encrypt Key），否则请求没有签名；确需不加密运行请设置 FEISHU_ALLOW_UNSIGNED=1 ' +
            '(required in webhook mode so requests are signed; set FEISHU_ALLOW_UNSIGNED=1 to run unsigned anyway)',
        },
      ]);
    registerFeishuRoutes(server, { channel, secrets: settings, log });
    if (!settings.encryptKey)
      log.warn(
        '未设置 FEISHU_ENCRYPT_KEY：飞书不会给请求签名，只能核对 Verification Token，知道它的人可以冒充任何用户 ' +
          '(no Encrypt Key: requests are unsigned and only the verification token is checked)',
      );
  },
  async create(deps: ChannelDeps<FeishuConfig>): Promise<FeishuChannel> {
    // Imported here: the Lark SDK alone costs ~40 MB of resident memory.
    const { FeishuChannel } = await import('./feishu-channel.ts');
    return new FeishuChannel({
      config: deps.settings,
      log: deps.log,
      texts: deps.texts,
      dedup: new EventDedup(deps.redis, deps.keyPrefix),
      readFile: deps.readFile,
      now: deps.now,
      httpProxy: deps.httpProxy,
    });
  },
  health(channel: FeishuChannel): Record<string, boolean> {
    const up = channel.longConnectionUp();
    // Readiness (issue 16): started and not stopping; in ws mode, the long connection open.
    return up === undefined ? { feishu: channel.ready() } : { feishu: channel.ready(), feishuLongConnection: up };
  },
});
