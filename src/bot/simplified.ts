// Traditional → simplified Chinese (OpenCC: Hong Kong and Taiwan forms), shared by input
// normalisation and the search analyzer. OpenCC walks its dictionaries at every character of the
// text, and the analyzer folds each question several times; most messages are simplified already.
// A text with no character that any rule of these conversions rewrites comes out as it went in, so
// it is returned without converting (exactly OpenCC's result: a rule can only change a text that
// holds the character it changes).
import * as OpenCC from 'opencc-js';

const CONFIGS = ['hk2s', 'tw2s'] as const;
const hkToCn = OpenCC.Converter({ from: 'hk', to: 'cn' });
const twToCn = OpenCC.Converter({ from: 'tw', to: 'cn' });

type Dicts = string | readonly unknown[] | Record<string, unknown>;

/** The characters some rule of these conversions rewrites. */
function rewrittenCharacters(): Set<string> {
  const changed = new Set<string>();
  const rule = (from: string, to: string | undefined) => {
    if (!from || from === to) return;
    const a = [...from];
    const b = to === undefined ? [] : [...to];
    // Same length: the positions that differ; otherwise every character of the source.
    a.forEach((c, i) => {
      if (a.length !== b.length || c !== b[i]) changed.add(c);
    });
  };
  const walk = (dicts: Dicts): void => {
    if (typeof dicts === 'string') {
      for (const entry of dicts.split('|')) {
        const [from = '', to] = entry.split(' ');
        rule(from, to);
      }
    } else if (Array.isArray(dicts)) {
      if (dicts.length === 2 && typeof dicts[0] === 'string' && typeof dicts[1] === 'string' && !dicts[0].includes(' '))
        rule(dicts[0], dicts[1]);
      else for (const d of dicts) walk(d as Dicts);
    } else if (typeof dicts === 'object' && dicts !== null) for (const d of Object.values(dicts)) walk(d as Dicts);
  };
  for (const name of CONFIGS) walk(OpenCC.Locale.configs[name] as Dicts);
  walk(OpenCC.Locale.from.hk as Dicts);
  walk(OpenCC.Locale.from.tw as Dicts);
  walk(OpenCC.Locale.to.cn as Dicts);
  return changed;
}

const REWRITTEN = rewrittenCharacters();

/** Whether OpenCC could change the text (false: it would return it as it is). */
export function mayBeTraditional(text: string): boolean {
  for (const c of text) if (REWRITTEN.has(c)) return true;
  return false;
}

/** Hong Kong forms → simplified. */
export const hkToSimplified = (text: string): string => (mayBeTraditional(text) ? hkToCn(text) : text);

/** Hong Kong, then Taiwan forms → simplified. */
export const toSimplified = (text: string): string => (mayBeTraditional(text) ? twToCn(hkToCn(text)) : text);

/** OpenCC itself, without the shortcut (tests compare the two). */
export const openccHkToCn = hkToCn;
export const openccTwToCn = twToCn;
