// Finding 1 of issue 17: no pattern may take super-linear time on a user's message. The lint rules
// are the net (they run in `npm run lint` too); this test keeps them from being switched off.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { cleanText, isTooLong, MAX_TEXT_LENGTH } from '../../src/bot/clean-text.ts';
import { validateField } from '../../src/application/validate.ts';
import { fieldDef } from '../../src/application/form.ts';

describe('regular expressions', () => {
  it('has no super-linear backtracking or moving pattern anywhere in src/', async () => {
    const eslint = new ESLint({
      overrideConfigFile: true,
      overrideConfig: [
        { ignores: ['src/generated/**'] },
        (await import('eslint-plugin-regexp')).default.configs['flat/recommended'] as never,
        {
          files: ['**/*.ts'],
          languageOptions: { parser: (await import('typescript-eslint')).parser as never },
          rules: {
            // Only the two safety rules: the style rules of the set are not the point here.
            ...Object.fromEntries(
              Object.keys((await import('eslint-plugin-regexp')).default.rules).map((r) => [`regexp/${r}`, 'off']),
            ),
            'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
            'regexp/no-super-linear-move': [
              'error',
              { report: 'potential', ignoreSticky: false, ignorePartial: false },
            ],
          },
        },
      ],
    });
    const results = await eslint.lintFiles(['src/**/*.ts']);
    const found = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId?.startsWith('regexp/no-super-linear'))
        .map((m) => `${r.filePath.replace(/^.*\/src\//, 'src/')}:${m.line} ${m.message}`),
    );
    expect(found).toEqual([]);
  }, 60_000);

  it('is part of the lint configuration that CI runs', async () => {
    const config = await new ESLint().calculateConfigForFile('src/bot/bot.ts');
    expect(config.rules['regexp/no-super-linear-backtracking']?.[0]).toBe(2);
    expect(config.rules['regexp/no-super-linear-move']?.[0]).toBe(2);
  });
});

describe('the per-message bound', () => {
  it('refuses a message longer than the cap and handles one at the cap', () => {
    expect(isTooLong('吗' + '。'.repeat(19_998) + 'x')).toBe(true);
    expect(isTooLong('a'.repeat(MAX_TEXT_LENGTH))).toBe(false);
    // The longest form answer fits with room to spare.
    expect(MAX_TEXT_LENGTH).toBeGreaterThan(fieldDef('orgProfile').max + 1000);
  });

  it('strips trailing punctuation of a value in time linear in a run of it', () => {
    // Work done, not wall time: a quadratic strip would take n²/2 steps; instead, compare growth
    // on inputs 8x apart with a generous bound (linear ≈ 8x, quadratic ≈ 64x).
    const cost = (n: number) => {
      const value = '吗' + '。'.repeat(n) + 'x';
      const started = process.cpuUsage();
      for (let i = 0; i < 5; i++) validateField(fieldDef('orgName'), value);
      const used = process.cpuUsage(started);
      return used.user + used.system;
    };
    const least = (n: number) => Math.max(Math.min(cost(n), cost(n), cost(n)), 1);
    least(1000); // warm up
    const small = least(1000);
    const large = least(8000);
    expect(large / small).toBeLessThan(32);
    expect(cleanText('王\uD800磊')).toBe('王\uFFFD磊');
  });
});
