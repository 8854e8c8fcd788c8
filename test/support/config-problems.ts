// What loadConfig refuses in an environment: its problems, or none when the environment loads.
import { ConfigError, loadConfig } from '../../src/config.ts';
import type { ConfigProblem } from '../../src/config-error.ts';

export function configProblems(env: Record<string, string>): ConfigProblem[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

/** The variables named by the problems, in the order they are reported. */
export const problemVariables = (env: Record<string, string>): string[] => configProblems(env).map((p) => p.variable);
