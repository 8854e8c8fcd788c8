// A wrong environment: the message names every bad variable, in Chinese and English. Its own file
// so channel definitions (which config.ts reads through the registry) can throw it too.
export type ConfigProblem = { variable: string; reason: string };

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super('配置有误 / invalid configuration:\n' + problems.map((p) => `  - ${p.variable}: ${p.reason}`).join('\n'));
    this.name = 'ConfigError';
  }
}
