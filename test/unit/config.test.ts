import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('config', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.llm).toBeUndefined();
    expect(config.logLevel).toBe('info');
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ', OPENAI_BASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('names every bad variable in Chinese and English', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', OPENAI_BASE_URL: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('配置有误');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('LOG_LEVEL');
    expect(message).toContain('OPENAI_BASE_URL');
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'DATABASE_URL',
      'LOG_LEVEL',
      'OPENAI_BASE_URL',
    ]);
  });

  it('turns the LLM on with a base URL or a key', () => {
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }).llm).toMatchObject({
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'gpt-4o-mini',
    });
    expect(loadConfig({ OPENAI_API_KEY: 'k', OPENAI_MODEL: 'qwen' }).llm).toMatchObject({ apiKey: 'k', model: 'qwen' });
  });

  it('rewrites questions with the LLM unless LLM_REWRITE=off, never waiting longer than for an answer', () => {
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }).llm?.rewrite).toEqual({ timeoutMs: 3000 });
    expect(loadConfig({ OPENAI_API_KEY: 'k', LLM_REWRITE: 'on', LLM_REWRITE_TIMEOUT_MS: '800' }).llm?.rewrite).toEqual({
      timeoutMs: 800,
    });
    expect(loadConfig({ OPENAI_API_KEY: 'k', OPENAI_TIMEOUT_MS: '1000' }).llm?.rewrite).toEqual({ timeoutMs: 1000 });
    expect(loadConfig({ OPENAI_API_KEY: 'k', LLM_REWRITE: 'off' }).llm?.rewrite).toBeUndefined();
    expect(loadConfig({ OPENAI_API_KEY: 'k', LLM_REWRITE: ' ' }).llm?.rewrite).toEqual({ timeoutMs: 3000 });
    expect(() => loadConfig({ LLM_REWRITE: 'no' })).toThrow(/LLM_REWRITE[\s\S]*on 或 off/);
    expect(() => loadConfig({ LLM_REWRITE_TIMEOUT_MS: '5' })).toThrow(/LLM_REWRITE_TIMEOUT_MS/);
  });
});
