// Errors with a code. `permanent` tells retrying layers (delivery) to stop.

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'INPUT_INVALID'
  | 'NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'LLM_FAILED'
  | 'PLATFORM_TRANSIENT'
  | 'PLATFORM_PERMANENT'
  | 'PLATFORM_RATE_LIMITED'
  | 'INTERNAL';

export class BotError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      permanent?: boolean;
      cause?: unknown;
      userText?: string;
      /** PLATFORM_RATE_LIMITED: how long the platform asked us to wait before trying again. */
      retryAfterMs?: number;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'BotError';
  }

  get permanent(): boolean {
    return this.options.permanent ?? false;
  }

  get retryAfterMs(): number | undefined {
    return this.options.retryAfterMs;
  }
}
