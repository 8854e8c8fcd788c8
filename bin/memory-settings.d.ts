export declare const MEMORY_FLAGS: string[];
export declare const MEMORY_ENV: Record<string, string>;
export declare function missingMemorySettings(
  execArgv: string[],
  env: Record<string, string | undefined>,
): { flags: string[]; vars: string[] };
