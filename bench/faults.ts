// Issue 16: what an outage costs. Each scenario starts `serve` as the image starts it on a PRIVATE
// PostgreSQL and Redis (never the shared ones), sends steady webhook traffic from distinct users,
// injects one fault, and counts acknowledged, answered, lost (acknowledged, never answered) and
// doubled events, and the longest delay from an event's first send to its answer. The sender plays
// Feishu: an event not acknowledged (503, refused, no answer in 3 s) is sent again a second later.
//
//   npx tsx bench/faults.ts [--rate=20] [--only=pg-3s,redis-lose]
import { faults, runScenario, type Fault, type ScenarioResult } from '../test/support/fault-scenario.ts';

const arg = (name: string, fallback: number) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
};
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const rate = arg('rate', 20);

type Plan = {
  key: string;
  fault: Fault;
  seconds: number;
  faultAfterS: number;
  drainMs: number;
  persistentRedis?: boolean;
};
const plans: Plan[] = [
  { key: 'pg-3s', fault: faults.pgRestart(3), seconds: 20, faultAfterS: 5, drainMs: 120_000 },
  { key: 'pg-60s', fault: faults.pgRestart(60), seconds: 75, faultAfterS: 5, drainMs: 180_000 },
  { key: 'pg-freeze', fault: faults.pgFreeze(10), seconds: 25, faultAfterS: 5, drainMs: 120_000 },
  {
    key: 'redis-keep',
    fault: faults.redisRestartKeepingData(3),
    seconds: 20,
    faultAfterS: 5,
    drainMs: 180_000,
    persistentRedis: true,
  },
  { key: 'redis-lose', fault: faults.redisRestartLosingData(3), seconds: 20, faultAfterS: 5, drainMs: 180_000 },
  { key: 'serve-kill', fault: faults.serveKilled(), seconds: 20, faultAfterS: 5, drainMs: 180_000 },
];

const results: ScenarioResult[] = [];
for (const plan of plans.filter((p) => !only || only.includes(p.key))) {
  const result = await runScenario({ ...plan, rate, log: (line) => console.error(line) });
  console.error(JSON.stringify(result));
  results.push(result);
}

const header = ['scenario', 'sent', 'acknowledged', 'answered', 'lost', 'doubled', 'longest delay'];
console.log(`\n${rate} events/s, each from a different user\n`);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
for (const r of results)
  console.log(
    `| ${r.scenario} | ${r.sent} | ${r.acknowledged} | ${r.answered} | ${r.lost} | ${r.doubled} | ${(r.longestDelayMs / 1000).toFixed(1)} s |`,
  );
