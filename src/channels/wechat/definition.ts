// The WeChat channel (Wechaty, any puppet) as the registry sees it. `serve` runs it when
// WECHATY_PUPPET is set; the `wechat` command runs it alone. Its sends need the logged-in session,
// so its deliver worker runs only in the process that holds it. The login QR code is printed in the
// terminal; the session is kept in a memory card under DATA_DIR so a restart does not ask again
// (where the puppet supports it).
import fs from 'node:fs';
import path from 'node:path';
import type { Wechaty, WechatyOptions } from 'wechaty';
import { defineChannel } from '../define.ts';
import { EventDedup } from '../event-dedup.ts';
import type { WechatChannel } from './wechat-channel.ts';
import { PendingCards } from './pending-cards.ts';
import { wechatEnv, wechatLimits, wechatSettings, type WechatSettings } from './settings.ts';

/** The definition; tests pass a Wechaty built on wechaty-puppet-mock instead of a puppet name. */
export function defineWechatChannel(options: { wechaty?: Wechaty } = {}) {
  return defineChannel({
    name: 'wechat',
    env: wechatEnv,
    settings: wechatSettings,
    configured: (settings) => settings.chosen,
    limits: wechatLimits,
    legacySecretariatVariable: 'SECRETARIAT_WECHAT_IDS',
    answerMode: 'outbox',
    clickableButtons: false,
    sendsFrom: 'session',
    async create(deps): Promise<WechatChannel> {
      const [{ WechatChannel }, { WechatyBuilder, ScanStatus }, { default: qrcode }] = await Promise.all([
        import('./wechat-channel.ts'),
        import('wechaty'),
        import('qrcode-terminal'),
      ]);
      const { log } = deps;
      const wechaty = options.wechaty ?? WechatyBuilder.build(puppetOptions(deps.settings, deps.dataDir));
      wechaty.on('scan', (code, status) => {
        if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout) return;
        // The QR code is for the operator at the terminal, on stdout, not in the logs.
        console.log("请用要作为机器人的微信号扫描下面的二维码登录 (scan with the bot's WeChat account):");
        qrcode.generate(code, { small: true });
      });
      wechaty.on('login', (user) => log.info({ user: user.name() }, 'wechat logged in'));
      wechaty.on('logout', (user) => log.warn({ user: user.name() }, 'wechat logged out'));
      return new WechatChannel({
        wechaty,
        log,
        texts: deps.texts,
        dedup: new EventDedup(deps.redis, deps.keyPrefix),
        pending: new PendingCards(deps.redis, deps.keyPrefix),
        readFile: deps.readFile,
        now: deps.now,
      });
    },
    command: {
      name: 'wechat',
      description: '只以微信号运行机器人（Wechaty；WECHATY_PUPPET 选择协议，首次运行在终端显示登录二维码）',
    },
  });
}

export const wechatChannel = defineWechatChannel();

function puppetOptions(settings: WechatSettings, dataDir: string): WechatyOptions {
  fs.mkdirSync(dataDir, { recursive: true });
  const { puppet, puppetToken, name } = settings;
  return {
    // The memory card (the puppet's saved session) is `<name>.memory-card.json`.
    name: path.join(dataDir, name),
    puppet: puppet as NonNullable<Extract<WechatyOptions, { puppetOptions?: unknown }>['puppet']>,
    ...(puppetToken ? { puppetOptions: { token: puppetToken } } : {}),
  };
}
