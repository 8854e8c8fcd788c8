// The shortcut around OpenCC must give OpenCC's own result for every text: checked on every rule's
// source (alone and inside simplified text), on the corpus, and on traditional sentences.
import fs from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import { describe, expect, it } from 'vitest';
import {
  hkToSimplified,
  mayBeTraditional,
  openccHkToCn,
  openccTwToCn,
  toSimplified,
} from '../../src/bot/simplified.ts';

/** Every rule's source text in the dictionaries of the Hong Kong and Taiwan → simplified conversions. */
function sources(): string[] {
  const out: string[] = [];
  const walk = (dicts: unknown): void => {
    if (typeof dicts === 'string') for (const entry of dicts.split('|')) out.push(entry.split(' ')[0]!);
    else if (Array.isArray(dicts)) {
      if (dicts.length === 2 && typeof dicts[0] === 'string' && typeof dicts[1] === 'string' && !dicts[0].includes(' '))
        out.push(dicts[0]);
      else dicts.forEach(walk);
    } else if (typeof dicts === 'object' && dicts !== null) Object.values(dicts).forEach(walk);
  };
  walk([OpenCC.Locale.configs.hk2s, OpenCC.Locale.configs.tw2s, OpenCC.Locale.from.hk, OpenCC.Locale.from.tw]);
  walk(OpenCC.Locale.to.cn);
  return [...new Set(out.filter(Boolean))];
}

const both = (text: string) => openccTwToCn(openccHkToCn(text));

describe('traditional → simplified without converting text that cannot change', () => {
  it('gives OpenCC’s result for every rule’s source, alone and inside simplified text', () => {
    const all = sources();
    expect(all.length).toBeGreaterThan(5_000);
    for (const source of all) {
      const text = `我们单位${source}退出以后`;
      expect(hkToSimplified(source)).toBe(openccHkToCn(source));
      expect(toSimplified(source)).toBe(both(source));
      expect(toSimplified(text)).toBe(both(text));
    }
  });

  it('gives OpenCC’s result for every single character', () => {
    for (let cp = 0x2e80; cp < 0x30000; cp++) {
      const c = String.fromCodePoint(cp);
      if (toSimplified(c) !== both(c) || hkToSimplified(c) !== openccHkToCn(c))
        expect(c).toBe('converted as OpenCC does');
    }
  });

  it('returns the corpus as OpenCC does, and skips OpenCC for plain simplified questions', () => {
    const dir = path.join(import.meta.dirname, '../../knowledge');
    for (const file of fs.readdirSync(dir)) {
      for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        expect(toSimplified(line)).toBe(both(line));
        expect(hkToSimplified(line)).toBe(openccHkToCn(line));
      }
    }
    for (const q of ['你好', '我们单位退出以后还能重新申请吗？', '联盟章程谁有解释权', 'How do we join? 123'])
      expect(mayBeTraditional(q)).toBe(false);
  });

  it('converts traditional text from Hong Kong and Taiwan', () => {
    expect(toSimplified('聯盟章程誰有解釋權？')).toBe('联盟章程谁有解释权？');
    expect(toSimplified('我們單位退出以後還能重新申請嗎')).toBe('我们单位退出以后还能重新申请吗');
    expect(hkToSimplified('秘書處設在哪裏')).toBe(openccHkToCn('秘書處設在哪裏'));
    expect(mayBeTraditional('聯盟')).toBe(true);
  });
});
