// `members import --csv` on a large member list: generates a CSV of N rows (a few malformed lines and
// multi-line quoted names among them), runs the CLI as a child process on a fresh PostgreSQL database
// and prints the wall time, the child's peak RSS (/proc VmHWM) and what was imported.
//   npx tsx bench/members-import.ts [--rows=100000] [--root=OTHER_CHECKOUT]
// Uses TEST_PG_ADMIN_URL or postgresql://postgres@127.0.0.1:5432/postgres to create the database.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../test/support/db.ts';

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const rows = Number(option('rows') ?? 100_000);
// --root=DIR runs another checkout's CLI (to compare with an older version).
const root = path.resolve(option('root') ?? path.resolve(import.meta.dirname, '..'));

function writeCsv(file: string): void {
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, 'orgName,orgType,repName,channel,userId\n');
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    if (i % 25_000 === 0)
      chunk += `"坏行${i},企业,代表,console,bad${i}\n`; // unterminated quote
    else if (i % 10_000 === 0) chunk += `"多行单位${i}\n（分部）",企业,代表,console,u${i}\n`;
    else chunk += `单位${i},${i % 3 === 0 ? '企业' : '教育部门'},代表${i},console,u${i}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-import-'));
const csv = path.join(dir, 'members.csv');
writeCsv(csv);
const database = await createTestDatabase('ab_bench');
try {
  // Migrate first so the timing is the import alone.
  await run(['db', 'migrate'], database.url);
  const started = performance.now();
  const { peakKb, stdout, stderr } = await run(['members', 'import', '--csv', csv], database.url);
  const seconds = (performance.now() - started) / 1000;
  console.log(`rows=${rows} file=${(fs.statSync(csv).size / 1e6).toFixed(1)} MB`);
  console.log(`time=${seconds.toFixed(1)} s  peak RSS=${(peakKb / 1024).toFixed(0)} MB`);
  console.log(stdout.trim().split('\n').at(-1));
  console.log(`problems reported: ${stderr.trim().split('\n').filter(Boolean).length}`);
} finally {
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
}

function run(args: string[], url: string): Promise<{ peakKb: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts'), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' },
    });
    let peakKb = 0;
    const sample = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        peakKb = Math.max(peakKb, Number(/VmHWM:\s*(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // exited
      }
    }, 100);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(sample);
      if (code !== 0 && code !== 3) reject(new Error(`exit ${code}: ${stderr.slice(-2000)}`));
      else resolve({ peakKb, stdout, stderr });
    });
  });
}
