// Channels are plugins: outside src/channels/ no code names a platform (comments may give examples).
// A new channel is a folder there and a line in its registry, nothing else.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');
const PLATFORM = /feishu|lark|wechat|飞书|微信|['"`]console['"`:]/i;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return ['channels', 'generated'].includes(entry.name) && dir === SRC ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The code without its comments (block comments, then line comments not inside a string or regex). */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => line.replace(/(^|[^:\\'"`])\/\/.*$/, '$1'))
    .join('\n');
}

describe('platform names', () => {
  it('appear in no code outside src/channels/', () => {
    const offenders = sourceFiles(SRC).flatMap((file) =>
      code(fs.readFileSync(file, 'utf8'))
        .split('\n')
        .map((line, i) => ({ line: line.trim(), at: `${path.relative(SRC, file)}:${i + 1}` }))
        .filter(({ line }) => PLATFORM.test(line))
        .map(({ at, line }) => `${at}  ${line}`),
    );
    expect(offenders).toEqual([]);
  });
});
