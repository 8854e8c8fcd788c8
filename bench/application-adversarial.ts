// Parsing cost of hostile 20,000-character answers (the most the pipeline lets through), per field:
// long runs of brackets, hyphens, spaces, @, CJK. Guards against regexes that backtrack
// quadratically — one such run used to take a second.
//   npx tsx bench/application-adversarial.ts
import { extractAnswer } from '../src/application/extract.ts';
import { FORM, fieldDef, type FieldKey } from '../src/application/form.ts';
import { validateField } from '../src/application/validate.ts';
import { isCancel, isQuestion, isStart, parseCorrection, parseSameAs } from '../src/application/intents.ts';
import { normalizeLine } from '../src/application/normalize.ts';

const N = 20_000;
const inputs: Record<string, string> = {
  brackets: '('.repeat(N),
  spaces: `1${' '.repeat(N - 2)}x`,
  hyphens: `1${'-'.repeat(N - 2)}x`,
  at: 'a@'.repeat(N / 2),
  mixed: '1 ( - '.repeat(N / 5),
  cjk: '王'.repeat(N),
  commas: '，'.repeat(N),
  digits: '1'.repeat(N),
};

let worst = { ms: 0, what: '' };
for (const [name, text] of Object.entries(inputs)) {
  for (const def of FORM) {
    const started = performance.now();
    const extracted = extractAnswer(def, text);
    for (const [key, raw] of Object.entries(extracted)) validateField(fieldDef(key as FieldKey), raw!);
    isQuestion(text);
    parseCorrection(text);
    parseSameAs(text);
    isStart(text);
    isCancel(text);
    normalizeLine(text);
    const ms = performance.now() - started;
    if (ms > worst.ms) worst = { ms, what: `${name} → ${def.key}` };
  }
}
console.log(
  `${Object.keys(inputs).length} hostile answers × ${FORM.length} fields: worst ${worst.ms.toFixed(1)} ms (${worst.what})`,
);
