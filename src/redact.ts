// Secrets never reach a message or a log line: configuration errors and logs show a value through here.

const SECRET_NAME = /password|secret|token|key|credential/i;
const REDACTED = '[已隐藏 redacted]';

/** The password of every URL in a text (`postgres://user:pw@host`) replaced; the rest kept so the error can be found. */
export function redactUrl(value: string): string {
  // Not `new URL()`: the value may be exactly the malformed URL being reported.
  return value.replace(/(?<![\w+.-])([a-z][\w+.-]*:\/\/[^/?#@:\s]*):[^/?#@\s]*@/gi, `$1:${REDACTED}@`);
}

/** A configuration value as it may be shown: hidden entirely when the variable holds a secret. */
export function redactValue(variable: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (SECRET_NAME.test(variable)) return REDACTED;
  return redactUrl(value);
}

/** Fields pino replaces in every log line (objects logged anywhere in the app). */
export const LOG_REDACT_PATHS = [
  'password',
  '*.password',
  'appSecret',
  '*.appSecret',
  'encryptKey',
  '*.encryptKey',
  'verificationToken',
  '*.verificationToken',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
];
