// The bot's reply texts (Chinese) live in prompts/*.yaml so the secretariat can change wording
// without touching code. A key is `<file>.<key>`, e.g. `bot.help`; `{name}` placeholders are filled.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export type Texts = {
  t(key: string, vars?: Record<string, string | number>): string;
  has(key: string): boolean;
  /** Raw prompt files (e.g. `answer-system.md`). */
  file(name: string): string;
};

export function loadTexts(dir: string): Texts {
  const table = new Map<string, string>();
  const files = new Map<string, string>();
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const content = fs.readFileSync(full, 'utf8');
    files.set(name, content);
    if (!name.endsWith('.yaml')) continue;
    const prefix = name.slice(0, -'.yaml'.length);
    const data = parse(content) as Record<string, unknown> | null;
    for (const [key, value] of Object.entries(data ?? {})) {
      // YAML reads an unquoted 13812345678 as a number: a text is whatever scalar was written.
      if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`${full}: ${key} must be a string`);
      table.set(`${prefix}.${key}`, String(value).trimEnd());
    }
  }
  return {
    has: (key) => table.has(key),
    t(key, vars = {}) {
      const template = table.get(key);
      if (template === undefined) throw new Error(`missing text: ${key} (prompts/)`);
      return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
    },
    file(name) {
      const content = files.get(name);
      if (content === undefined) throw new Error(`missing prompt file: prompts/${name}`);
      return content;
    },
  };
}
