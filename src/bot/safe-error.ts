// What an error log line may carry. A failed message's error can quote the data it was handling
// (a database error echoes the row, a validation error the value), and the session holds an
// applicant's name, title and phone: the log keeps the error's kind, code and stack frames only.

export type SafeError = { type: string; code?: string; stack?: string };

export function safeError(error: unknown): SafeError {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
  return {
    type: error.constructor?.name || error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
    ...(frames ? { stack: frames } : {}),
  };
}
