// SECRETARIAT lists the secretariat's accounts as user keys of any registered channel; the old
// per-channel variables still work, each with a deprecation line.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { configProblems as problemsOf } from '../support/config-problems.ts';

describe('SECRETARIAT', () => {
  it('reads user keys of the registered channels, in any case and with Chinese commas', () => {
    const c = loadConfig({ SECRETARIAT: 'feishu:ou_a, WECHAT:wxid_b，console:alice' });
    expect(c.secretariat).toEqual(['feishu:ou_a', 'wechat:wxid_b', 'console:alice']);
    expect(c.deprecations).toEqual([]);
  });

  it('keeps the per-channel variables working, with a deprecation line each, and drops doubles', () => {
    const c = loadConfig({
      SECRETARIAT: 'feishu:ou_a',
      SECRETARIAT_FEISHU_OPEN_IDS: 'ou_a,ou_b',
      SECRETARIAT_CONSOLE_IDS: 'sec1',
    });
    expect(c.secretariat).toEqual(['feishu:ou_a', 'feishu:ou_b', 'console:sec1']);
    expect(c.deprecations).toHaveLength(2);
    expect(c.deprecations[0]).toContain('SECRETARIAT_FEISHU_OPEN_IDS');
    expect(c.deprecations[0]).toContain('已弃用');
    expect(c.deprecations[1]).toContain('SECRETARIAT_CONSOLE_IDS');
  });

  it('refuses an unknown channel or a key without one, in Chinese and English, without repeating the ids', () => {
    const problems = problemsOf({ SECRETARIAT: 'feishu:ou_ok,qq:12345678,ou_secret_person' });
    expect(problems.map((p) => p.variable)).toEqual(['SECRETARIAT', 'SECRETARIAT']);
    expect(problems[0]!.reason).toContain('第 2 项');
    expect(problems[0]!.reason).toContain('"qq"');
    expect(problems[0]!.reason).toContain('unknown channel');
    expect(problems[1]!.reason).toContain('第 3 项');
    const message = problems.map((p) => p.reason).join('\n');
    expect(message).not.toContain('12345678');
    expect(message).not.toContain('ou_secret_person');
    expect(message).not.toContain('ou_ok');
  });

  it('CHANNELS names which channels serve runs, and refuses an unknown one', () => {
    expect(loadConfig({ CHANNELS: 'Feishu, console' }).serveChannels).toEqual(['feishu', 'console']);
    expect(loadConfig({}).serveChannels).toBeUndefined();
    expect(problemsOf({ CHANNELS: 'feishu,telegram' }).map((p) => p.variable)).toEqual(['CHANNELS']);
  });
});
