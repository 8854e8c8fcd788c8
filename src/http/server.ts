// The one HTTP server of `serve`: a readiness probe, the ops routes, the secretariat dashboard (/admin),
// and whatever routes the running channels mount on it (their webhooks and callbacks — see each
// channel's definition).
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { registerOpsRoutes, type OpsDeps } from './ops.ts';
import { registerAdminRoutes, type AdminDeps } from '../admin/routes.ts';

export type HealthCheck = () => Promise<Record<string, boolean>>;

/** Mounts one channel's routes. */
export type MountRoutes = (server: FastifyInstance) => void;

export type HttpServerOptions = {
  log: Logger;
  health: HealthCheck;
  /** The running channels' routes. */
  routes?: MountRoutes[];
  /** /metrics and the queue dashboard (issue 6). */
  ops?: OpsDeps;
  /** The secretariat dashboard at /admin (issue 14). */
  admin?: AdminDeps;
};

/** Platform events are small; a card callback with a big form is still well under this. */
const BODY_LIMIT = 1024 * 1024;

export function buildHttpServer(options: HttpServerOptions): FastifyInstance {
  const { log } = options;
  // Request lines are info-level: at hundreds of events a second they would drown the useful logs.
  const app = Fastify({
    loggerInstance: log.child({ mod: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
  });

  // Readiness (issue 16): 503 while the database, Redis or a channel is away, so a load balancer
  // stops sending here. Liveness is separate: the process answers, whatever its dependencies do.
  const ready = async (_request: FastifyRequest, reply: FastifyReply) => {
    const checks = await options.health().catch(() => ({ server: true, ready: false }));
    const ok = Object.values(checks).every(Boolean);
    return reply.code(ok ? 200 : 503).send({ ok, ...checks });
  };
  app.get('/healthz', ready);
  app.get('/healthz/ready', ready);
  const live = async () => ({ ok: true, live: true });
  app.get('/livez', live);
  app.get('/healthz/live', live);

  if (options.ops) registerOpsRoutes(app, options.ops);
  if (options.admin) registerAdminRoutes(app, options.admin);
  for (const mount of options.routes ?? []) mount(app);
  return app;
}
