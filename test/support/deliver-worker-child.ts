// A worker process for fault tests: relay + feishu deliver worker against the fake send API, from
// the same environment the test used. Killed with SIGKILL by the test.
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/client.ts';
import { createLogger } from '../../src/log.ts';
import { Delivery } from '../../src/delivery/delivery.ts';
import { limitedFeishuChannel } from './limited-channel.ts';

const config = loadConfig(process.env);
const log = createLogger(process.env.CHILD_LOG_LEVEL ?? 'silent');
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
const delivery = new Delivery(config, db, log, config.redisUrl);
await delivery.startWorkers({
  channels: [limitedFeishuChannel(process.env.FAKE_FEISHU_URL!)],
  timers: false,
  relayOptions: {
    pollMs: 200,
    staleMs: Number(process.env.RELAY_STALE_MS ?? 60_000),
    sweepMs: Number(process.env.RELAY_SWEEP_MS ?? 30_000),
  },
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void delivery
    .close()
    .then(() => db.close())
    .then(() => process.exit(0));
});
