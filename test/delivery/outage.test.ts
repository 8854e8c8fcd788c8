// Issue 16 with real outages: `serve` on a PRIVATE PostgreSQL and Redis (started and stopped here,
// never the shared ones), steady webhook traffic from distinct users, and PostgreSQL restarted
// (down 3 s), then frozen (SIGSTOP, 3 s), then Redis restarted with its data (down 2 s). Every
// acknowledged event is answered, none twice. The long versions (60 s down, Redis losing its data,
// serve SIGKILLed) are in bench/faults.ts.
import { describe, expect, it } from 'vitest';
import { faults, inSequence, runScenario } from '../support/fault-scenario.ts';

describe('outages during steady webhook traffic', () => {
  it('PostgreSQL restarted and frozen, Redis restarted: nothing acknowledged is lost, nothing doubled', async () => {
    const result = await runScenario({
      fault: inSequence(3, faults.pgRestart(3), faults.pgFreeze(3), faults.redisRestartKeepingData(2)),
      persistentRedis: true,
      rate: 8,
      seconds: 24,
      faultAfterS: 3,
      drainMs: 60_000,
      log: (line) => line.includes('lost') && console.log(line),
    });
    console.log('outage run', result);
    expect(result.acknowledged).toBe(result.sent);
    expect(result.lost).toBe(0);
    expect(result.doubled).toBe(0);
    expect(result.answered).toBe(result.sent);
  }, 240_000);
});
