// The zod pieces every environment variable is read with — by config.ts and by the channel
// definitions that own their variables. Blank values in .env files mean "not set".
import { z } from 'zod';

/** Unset, empty and blank all mean "not configured". */
export const optional = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), inner.optional());

/** Unset, empty and blank take the inner schema's default. */
export const orDefault = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), inner);

/** A whole number within bounds, with the reason in Chinese and English. */
export const whole = (min: number, max: number, fallback: number) =>
  orDefault(
    z.coerce
      .number('应是数字 (must be a number)')
      .int('应是整数 (must be a whole number)')
      .min(min, `应不小于 ${min} (must be at least ${min})`)
      .max(max, `应不大于 ${max} (must be at most ${max})`)
      .default(fallback),
  );

/** Comma- or space-separated ids. */
export const idList = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(/[\s,，]+/).filter(Boolean));

/** Splits a raw list variable the way `idList` does. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,，]+/).filter(Boolean);
}
