// Vote clicks through the Feishu card callback endpoint (signed, encrypted, as Feishu sends them)
// against the whole `serve` on PostgreSQL + Redis and the fake Open API: clicks at a steady rate,
// one per member unit, plus a share of duplicates (redelivered callbacks, double clicks). Reports
// the callback answer latency (what Feishu waits for, limit 3 s), the time until every vote is in
// the database, and checks the tally equals the distinct units.
//   npx tsx bench/votes.ts [--rate 500] [--seconds 10] [--duplicates 0.2]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startFeishuWorld, SECRETS } from '../test/channels/support/feishu-service.ts';
import { cardActionEvent, signedRequest } from '../test/channels/support/feishu-requests.ts';
import { importMembers } from '../src/membership/members.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    duplicates: { type: 'string', default: '0.2' },
  },
});
const rate = Number(values.rate);
const units = Math.round(rate * Number(values.seconds));
const duplicateShare = Number(values.duplicates);
const OPTIONS = ['赞成', '反对', '弃权'];

const w = await startFeishuWorld({ LOG_LEVEL: 'warn' });
const prisma = w.service.app.services.db.prisma;
try {
  const rows = Array.from({ length: units }, (_, i) => `单位${i},企业,代表,feishu,ou_b${i}`);
  await importMembers(prisma, 'bench', ['orgName,orgType,repName,channel,userId', ...rows].join('\n'));
  const closesAt = new Date(Date.now() + 3_600_000).toISOString();
  const created = await w.service.app.congress.create('bench', {
    kind: 'general',
    title: '压测表决',
    text: '压测',
    closes_at: closesAt,
  });
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  const motion = created.motion.id;
  // The vote cards go out meanwhile at Feishu's rate limit (about 17 a second): little work.

  const requests: { body: string; headers: Record<string, string> }[] = [];
  for (let i = 0; i < units; i += 1) {
    const openId = `ou_b${i}`;
    const event = cardActionEvent(SECRETS.verificationToken, {
      operatorId: openId,
      value: { action: 'congress.vote', value: { motion, option: OPTIONS[i % 3] }, to: openId, exp: closesAt },
      messageId: `om_${randomUUID()}`,
      chatId: `oc_${openId}`,
    });
    const request = signedRequest(event, SECRETS.encryptKey);
    requests.push(request);
    if (Math.random() < duplicateShare) requests.push(request);
  }

  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (const [i, request] of requests.entries()) {
    const due = started + (i / (rate * (1 + duplicateShare))) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    inFlight.push(
      fetch(`${w.service.url}/feishu/events`, { method: 'POST', headers: request.headers, body: request.body }).then(
        async (res) => {
          await res.text();
          latencies.push(performance.now() - sent);
        },
        () => void (failed += 1),
      ),
    );
  }
  await Promise.all(inFlight);
  const sentFor = (performance.now() - started) / 1000;
  await w.service.channel.idle();
  let recorded = 0;
  for (;;) {
    recorded = await prisma.voterRecord.count({ where: { motionId: motion } });
    if (recorded >= units || performance.now() - started > 120_000) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const doneFor = (performance.now() - started) / 1000;
  const result = await w.service.app.congress.close(motion, 'bench');
  const tally = result.kind === 'closed' ? Object.values(result.tally.counts).reduce((a, b) => a + b, 0) : -1;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
  console.log(
    JSON.stringify({
      units,
      clicks: requests.length,
      clicksPerSec: +(requests.length / sentFor).toFixed(1),
      ackMs: { p50: q(0.5), p99: q(0.99), max: latencies.at(-1)!.toFixed(1) },
      failedRequests: failed,
      slowerThan3s: latencies.filter((l) => l > 3_000).length,
      allRecordedAfterS: +doneFor.toFixed(2),
      votesPerSec: +(recorded / doneFor).toFixed(1),
      recorded,
      tally,
      tallyEqualsUnits: tally === units,
    }),
  );
} finally {
  await w.close();
}
