// Readiness: can this process do its work now? A load balancer stops sending to an instance whose
// /healthz answers 503 (database or Redis away, a channel down) and sends again once it answers 200.
// Liveness (/livez) is only "the process answers": restarting it does not bring a database back.
import { withTimeout } from '../bot/transient.ts';
import type { HealthCheck } from './server.ts';

/** One named check: true when that dependency or channel works now. */
export type ReadinessCheck = () => boolean | undefined | Promise<boolean | undefined>;

/**
 * Runs the checks in parallel, each bounded by `timeoutMs` (a frozen database answers nothing, and
 * a probe must not hang with it); a check that throws or times out is not ready.
 */
export function readiness(checks: Record<string, ReadinessCheck>, timeoutMs = 1_000): HealthCheck {
  return async () => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        const ok = await withTimeout(Promise.resolve().then(check), timeoutMs, `${name} check`).then(
          (value) => value === true,
          () => false,
        );
        return [name, ok] as const;
      }),
    );
    return Object.fromEntries(results);
  };
}

/** The database answers a trivial query. */
export const databaseReady =
  (sql: { query(text: string): Promise<unknown> }): ReadinessCheck =>
  async () => {
    await sql.query('SELECT 1');
    return true;
  };

/** Redis answers PING. */
export const redisReady =
  (redis: { ping(): Promise<string> }): ReadinessCheck =>
  async () =>
    (await redis.ping()) === 'PONG';
