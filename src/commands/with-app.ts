// The CLI's way in: a one-shot command runs on the same composition root as `serve` and `chat`
// (app.modules, app.services), without the delivery backbone — what it writes to the outbox is
// delivered by a running `serve` or `worker`.
import type { Config } from '../config.ts';
import { createApp, type App } from '../app.ts';
import { createLogger } from '../log.ts';

export async function withApp<T>(config: Config, run: (app: App) => Promise<T>): Promise<T> {
  const app = await createApp({ ...config, redisUrl: undefined }, { log: createLogger(config.logLevel) });
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}
