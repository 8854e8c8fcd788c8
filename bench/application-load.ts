// 1,000 simulated applicants filling the 附件2 form through the whole pipeline (bot.handle: session
// load/save, dialog, validation, PostgreSQL writes; submission renders and stores the DOCX).
//   npx tsx bench/application-load.ts [--applicants=1000] [--rate=300] [--warm=100] [--timeline]
// Needs PostgreSQL (TEST_PG_ADMIN_URL or postgresql://postgres@127.0.0.1:5432/postgres); works in a
// fresh database that it drops afterwards. Two runs:
//   open loop  — all applicants in the form at once, each thinking a random while between its
//                messages so that together they send --rate per second: latency as users feel it;
//   saturation — every applicant sends its next message as soon as it has the reply: the ceiling in
//                messages per second (latency then is mostly waiting in line for a connection).
import { loadConfig } from '../src/config.ts';
import { createApp, type App } from '../src/app.ts';
import { consoleInbound } from '../src/channels/console/console-inbound.ts';
import { createLogger } from '../src/log.ts';
import { createTestDatabase } from '../test/support/db.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const APPLICANTS = arg('applicants', 1000);
const RATE = arg('rate', 300);
const WARM = arg('warm', 100);

const PROFILE =
  '本公司成立于2012年，现有员工150人，主营数字教育资源开发与平台运维，年营业额3000万元，获得ISO9001认证，已接入国家数字教育资源公共服务体系。';

function script(i: number, run: string): string[] {
  const messages = [
    '我要申请加入联盟',
    `贵州压测${run}第${i}号科技有限公司`,
    '贵州省贵阳市观山湖区长岭北路8号',
    '公司',
    PROFILE,
    '王磊，信息科科长',
    '＋86 138-1234-5678',
    'WangLei@Example.com',
    '李娜，办公室主任，0851-85571487，lina@example.com',
    '确认提交',
  ];
  // Every tenth applicant asks a question mid-form and corrects a field.
  if (i % 10 === 0) messages.splice(4, 0, '单位性质怎么选？', '地址填错了，改成贵州省贵阳市云岩区北京路1号');
  return messages;
}

type Sample = { start: number; ms: number; kind: 'fill' | 'submit' };
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function report(label: string, samples: Sample[]): void {
  // From the first message sent to the last reply received.
  const first = Math.min(...samples.map((x) => x.start));
  const last = Math.max(...samples.map((x) => x.start + x.ms));
  const seconds = (last - first) / 1000;
  const line = (name: string, list: number[]) => {
    const s = [...list].sort((a, b) => a - b);
    return `  ${name.padEnd(14)} n=${String(s.length).padStart(6)}  p50 ${percentile(s, 50).toFixed(1)} ms  p99 ${percentile(s, 99).toFixed(1)} ms  max ${(s.at(-1) ?? NaN).toFixed(1)} ms`;
  };
  // Sustained rate: the median 5-second window, leaving out the thin tail while the last
  // applicants finish (windows under half the busiest one).
  const windows: number[] = [];
  for (let t = first; t < last; t += 5000)
    windows.push(samples.filter((x) => x.start >= t && x.start < t + 5000).length / 5);
  const busy = windows.filter((w) => w >= Math.max(...windows) / 2).sort((a, b) => a - b);
  console.log(
    `${label}: ${samples.length} messages in ${seconds.toFixed(1)} s = ${(samples.length / seconds).toFixed(0)} msg/s on average, sustained ${percentile(busy, 50).toFixed(0)} msg/s`,
  );
  console.log(
    line(
      'all messages',
      samples.map((s) => s.ms),
    ),
  );
  console.log(
    line(
      'form answers',
      samples.filter((s) => s.kind === 'fill').map((s) => s.ms),
    ),
  );
  console.log(
    line(
      'submissions',
      samples.filter((s) => s.kind === 'submit').map((s) => s.ms),
    ),
  );
  if (process.argv.includes('--timeline')) {
    // Messages per second and latency per 5-second window, to see where a tail comes from.
    for (let t = first; t < last; t += 5000) {
      const slice = samples.filter((x) => x.start >= t && x.start < t + 5000).map((x) => x.ms);
      const sorted = slice.sort((a, b) => a - b);
      console.log(
        `    ${((t - first) / 1000).toFixed(0).padStart(4)} s  ${(slice.length / 5).toFixed(0).padStart(4)} msg/s  p50 ${percentile(sorted, 50).toFixed(1)} ms  p99 ${percentile(sorted, 99).toFixed(1)} ms`,
      );
    }
  }
}

async function send(app: App, user: string, text: string, samples: Sample[]): Promise<void> {
  const started = performance.now();
  const replies = await app.bot.handle(consoleInbound(user, { text }));
  samples.push({ start: started, ms: performance.now() - started, kind: text === '确认提交' ? 'submit' : 'fill' });
  if (replies.some((r) => r.kind === 'text' && r.text.includes('出了点问题')))
    throw new Error(`bot failed for ${user}: ${text}`);
}

async function openLoop(app: App, prefix: string): Promise<void> {
  // Every applicant is in the form at the same time, like people at their desks: each sends a
  // message, reads the reply, thinks, sends the next. Thinking time is random (uniform, ±50 %) with a
  // mean chosen so that all of them together offer --rate messages per second; the spread keeps
  // them out of step without leaving a long thin tail at the end of the run.
  const thinkMs = (APPLICANTS / RATE) * 1000;
  const samples: Sample[] = [];
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const think = () => new Promise((r) => setTimeout(r, (0.5 + random()) * thinkMs));
  await Promise.all(
    Array.from({ length: APPLICANTS }, async (_, i) => {
      await new Promise((r) => setTimeout(r, random() * thinkMs));
      for (const text of script(i, prefix)) {
        await send(app, `${prefix}${i}`, text, samples);
        await think();
      }
    }),
  );
  report(`open loop, ${RATE} msg/s offered (think time ${(thinkMs / 1000).toFixed(1)} s on average)`, samples);
}

async function saturation(app: App, prefix: string): Promise<void> {
  const samples: Sample[] = [];
  await Promise.all(
    Array.from({ length: APPLICANTS }, async (_, i) => {
      for (const text of script(i, prefix)) await send(app, `${prefix}${i}`, text, samples);
    }),
  );
  report('saturation (all applicants at once, no think time)', samples);
}

const database = await createTestDatabase('ab_bench');
const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', APPLICATION_DEADLINE: 'none' });
const app = await createApp(config, { log: createLogger(process.env.BENCH_LOG ?? 'silent') });
try {
  console.log(`application form — ${APPLICANTS} applicants, whole pipeline on PostgreSQL (${database.name})`);
  // Warm-up, as a server that has been running a while: JIT, the DOCX template, every connection of
  // the pool open (applicants at once), and table statistics that know the tables are not empty —
  // on a brand-new database the planner's first guesses made the first seconds slower.
  await Promise.all(
    Array.from({ length: WARM }, async (_, i) => {
      for (const text of script(i, 'warm')) await app.bot.handle(consoleInbound(`warm${i}`, { text }));
    }),
  );
  await app.services.db.prisma.$executeRawUnsafe('ANALYZE');
  await openLoop(app, 'open');
  await saturation(app, 'sat');
  const submitted = await app.services.db.prisma.application.count({ where: { status: 'submitted' } });
  console.log(`  submitted applications in the database: ${submitted} (expected ${2 * APPLICANTS + WARM})`);
} finally {
  await app.close();
  await database.drop();
}
