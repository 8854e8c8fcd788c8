// The Feishu / WeChat / HTTP settings: defaults, blanks from .env files, and errors that name the variable.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { problemVariables as problems } from '../support/config-problems.ts';

describe('channel configuration', () => {
  it('leaves Feishu off without an app id, and reads blanks as defaults', () => {
    const c = loadConfig({ FEISHU_MODE: '', PORT: '', HOST: ' ', FEISHU_DOMAIN: '', WECHATY_PUPPET: '' });
    expect(c.channels.feishu).toBeUndefined();
    expect(c.http).toEqual({ port: 3000, host: '0.0.0.0' });
    expect(c.channels.wechat.puppet).toBe('wechaty-puppet-wechat4u');
  });

  it('resolves FEISHU_DOMAIN names and URLs', () => {
    const base = { FEISHU_APP_ID: 'cli_0123456789abcdef', FEISHU_APP_SECRET: 's' };
    expect(loadConfig(base).channels.feishu?.domain).toBe('https://open.feishu.cn');
    expect(loadConfig({ ...base, FEISHU_DOMAIN: 'lark' }).channels.feishu?.domain).toBe('https://open.larksuite.com');
    expect(loadConfig({ ...base, FEISHU_DOMAIN: 'http://127.0.0.1:9000/' }).channels.feishu?.domain).toBe(
      'http://127.0.0.1:9000',
    );
  });

  it('names every wrong variable', () => {
    expect(problems({ FEISHU_MODE: 'socket' })).toEqual(['FEISHU_MODE']);
    expect(problems({ FEISHU_APP_ID: 'cli_x' })).toEqual(['FEISHU_APP_SECRET', 'FEISHU_APP_ID']);
    expect(problems({ FEISHU_APP_ID: 'anything', FEISHU_APP_SECRET: 's', FEISHU_MODE: 'webhook' })).toEqual([
      'FEISHU_VERIFICATION_TOKEN',
    ]);
    expect(problems({ FEISHU_DOMAIN: 'ftp://x', PORT: '70000' })).toEqual(['FEISHU_DOMAIN', 'PORT']);
  });
});
