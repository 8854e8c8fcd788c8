// Secrets in configuration errors and log lines (issue 17, finding 5).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';

const configError = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('no ConfigError');
};

describe('configuration errors', () => {
  it('name the variable but not the password of a rejected database URL', () => {
    const message = configError({ DATABASE_URL: 'mysql://admin:Hunter2Secret@db.example/alliance' });
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('db.example');
    expect(message).not.toContain('Hunter2Secret');
  });

  it('never echo a secret variable', () => {
    const message = configError({ OPS_PASSWORD: 'short!1' });
    expect(message).toContain('OPS_PASSWORD');
    expect(message).not.toContain('short!1');
    expect(configError({ REDIS_URL: 'http://:RedisPw9@cache:6379' })).not.toContain('RedisPw9');
  });
});

describe('log lines', () => {
  const capture = () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    return { log: createLogger('info', sink), text: () => lines.join('') };
  };

  it('hide secret fields, URL passwords and error messages that quote them', () => {
    const { log, text } = capture();
    log.info({ url: 'postgres://bot:PgPass77@db:5432/alliance', feishu: { appSecret: 'AppSecret88' } }, 'ready');
    log.info({ headers: { authorization: 'Basic b3BzOnNlY3JldA==' } }, 'request');
    log.error({ err: new Error('connect failed: redis://:RedisPw9@cache:6379') }, 'failed');
    const out = text();
    expect(out).toContain('db:5432');
    for (const secret of ['PgPass77', 'AppSecret88', 'b3BzOnNlY3JldA==', 'RedisPw9']) expect(out).not.toContain(secret);
  });
});
