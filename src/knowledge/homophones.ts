// Homophone typos typed with a pinyin keyboard (义物 → 义务, 申清 → 申请, 秘书出 → 秘书处, 权力 → 权利):
// what is typed stands for the documents' word with exactly its toneless pinyin. The word is added to
// the question (not swapped in), so a wrong guess only adds a little weight, and the typo no longer
// counts as a word the documents lack. Two kinds of typed spans are read:
//   - characters the segmenter could not join into a word (申|清, 义|物, 秘书|出), towards any word of
//     the documents — but not across a function character (我|校, 要|加);
//   - a real word the segmenter knows (权力, 公事), only towards a curated synonym: 格式 is not 各市
//     and 同志 is not 通知, whatever they sound like.
import { pinyin } from 'pinyin-pro';

const MIN = 2;
const MAX = 4;
const HAN_WORD = /^\p{Script=Han}+$/u;

export type HomophoneFix = {
  /** The documents' words the typos stand for. */
  words: string[];
  /** The typed spans that were read as one of them. */
  typos: Set<string>;
};

/** `segments`: the question's words as the segmenter cut them (folded); `known`: the documents use it. */
export type HomophoneFixer = (segments: readonly string[], known: (span: string) => boolean) => HomophoneFix;

export type HomophoneTarget = { word: string; readAs: string; curated: boolean };

const toneless = (text: string): string => pinyin(text, { toneType: 'none', type: 'array' }).join(' ');

/**
 * `targets`: the words to correct towards, each with the word it is read as (a synonym's canonical
 * word, else itself) and whether it is a curated synonym. A pinyin key read as two different words
 * is ambiguous and corrects to neither. `functionChars`: characters a typo is never read across.
 */
export function createHomophoneFixer(
  targets: Iterable<HomophoneTarget>,
  functionChars: ReadonlySet<string>,
): HomophoneFixer {
  const all = new Map<string, string | null>();
  const curated = new Map<string, string | null>();
  const add = (map: Map<string, string | null>, key: string, readAs: string) => {
    const seen = map.get(key);
    if (seen === undefined) map.set(key, readAs);
    else if (seen !== readAs) map.set(key, null);
  };
  for (const t of targets) {
    if (t.word.length < MIN || t.word.length > MAX || !HAN_WORD.test(t.word)) continue;
    const key = toneless(t.word);
    add(all, key, t.readAs);
    if (t.curated) add(curated, key, t.readAs);
  }

  return (segments, known) => {
    const words: string[] = [];
    const typos = new Set<string>();
    const take = (typed: string, map: Map<string, string | null>) => {
      const word = map.get(toneless(typed));
      if (!word || word === typed) return false;
      words.push(word);
      typos.add(typed);
      return true;
    };
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      if (!HAN_WORD.test(seg)) continue;
      if (seg.length >= MIN) {
        if (seg.length <= MAX && !known(seg) && take(seg, curated)) continue;
        // A known word followed by characters left single: 秘书|出.
        const next = segments[i + 1];
        if (next?.length === 1 && HAN_WORD.test(next) && !functionChars.has(next) && seg.length + 1 <= MAX) {
          const span = seg + next;
          if (!known(span) && take(span, all)) i++;
        }
        continue;
      }
      // Single characters in a row: 申|清, 成|圆, 公|张.
      let j = i;
      let span = '';
      while (j < segments.length && segments[j]!.length === 1 && HAN_WORD.test(segments[j]!)) {
        if (functionChars.has(segments[j]!)) break;
        span += segments[j];
        j++;
      }
      if (span.length >= MIN && span.length <= MAX && !known(span) && take(span, all)) i = j - 1;
    }
    return { words, typos };
  };
}
