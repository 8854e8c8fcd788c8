// Two spellings of one organisation ("贵州省 电化教育馆", "贵州省电化教育馆（盖章）") compare equal.
import { toHalfWidth } from './normalize.ts';

export function orgKey(name: string): string {
  return toHalfWidth(name)
    .toLowerCase()
    .replace(/[（(][^（()）]*[)）]$/u, (m) => (/盖章|公章/.test(m) ? '' : m))
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}
