// The bot as a child process of a bench: started as the Docker image starts it (read from the
// Dockerfile), on a free port, waited for until healthy, and its CPU time read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/**
 * How the image starts the bot: the node flags of ENTRYPOINT ["node", …flags, "dist/src/main.js"] and
 * the ENV lines of its last stage (e.g. MALLOC_MMAP_THRESHOLD_).
 */
export function imageSetup(): { flags: string[]; env: Record<string, string> } {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const entry = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(runtime);
  const argv = entry ? (JSON.parse(entry[1]!) as string[]) : [];
  const script = argv.indexOf('dist/src/main.js');
  if (argv[0] !== 'node' || script < 0) throw new Error('Dockerfile ENTRYPOINT is not ["node", …, "dist/src/main.js"]');
  const env: Record<string, string> = {};
  for (const [, line] of runtime.matchAll(/^ENV\s+(\S.*)$/gm))
    for (const [, key, value] of line!.matchAll(/\b(\w+)=(\S*)/g)) env[key!] = value!;
  return { flags: argv.slice(1, script), env };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

export async function untilHealthy(url: string): Promise<void> {
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A process's parent, name and CPU time so far (ms, user + system); undefined once it has ended. */
export function procStat(pid: number): { ppid: number; comm: string; cpuMs: number } | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return {
    ppid: Number(fields[1]),
    comm: stat.slice(stat.indexOf('(') + 1, close),
    cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, // USER_HZ = 100
  };
}

export type WebhookService = { child: ChildProcess; url: string; stop(): Promise<void> };

/**
 * Starts `args` (the bot's `serve`, or a bench's own child) as a Feishu webhook service against the
 * fake Open API at `domain`, on a free port, and waits until it is healthy. `env` adds to or
 * overrides the common settings (DATABASE_URL, the image's ENV, send limits).
 */
export async function startWebhookService(options: {
  args: string[];
  domain: string;
  secrets: { verificationToken: string; encryptKey: string };
  queuePrefix: string;
  env: Record<string, string | undefined>;
}): Promise<WebhookService> {
  const port = await freePort();
  const child = spawn(process.execPath, options.args, {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      QUEUE_PREFIX: options.queuePrefix,
      FEISHU_MODE: 'webhook',
      FEISHU_APP_ID: 'cli_bench',
      FEISHU_APP_SECRET: 'secret',
      FEISHU_VERIFICATION_TOKEN: options.secrets.verificationToken,
      FEISHU_ENCRYPT_KEY: options.secrets.encryptKey,
      FEISHU_DOMAIN: options.domain,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...options.env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`service exited with ${code}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([exited, untilHealthy(url)]);
  return {
    child,
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/**
 * CPU time used so far (ms) by the bot's process tree, this process (load generator and fake Open
 * API), PostgreSQL (the bench database's sessions and the server's background processes), Redis and
 * the whole machine, from /proc: where the 2 cores go, which latency alone does not say when other
 * programs share the machine.
 */
/**
 * The bench database's backends seen so far → their CPU time when last seen (ms). A backend that
 * ends (its pool connection closed) takes its CPU time out of /proc with it: sampled every half
 * second (call cpuByRole meanwhile), its time until then still counts.
 */
const backendCpu = new Map<number, number>();

export function cpuByRole(botPid: number, database: string): Record<string, number> {
  const readTitle = (pid: number) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      return '';
    }
  };
  const procs = new Map<number, { ppid: number; comm: string; cpuMs: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    const stat = /^\d+$/.test(entry) ? procStat(Number(entry)) : undefined; // undefined: it ended meanwhile
    if (stat) procs.set(Number(entry), stat);
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = procs.get(p)?.ppid ?? 0, hops++) if (p === botPid) return true;
    return false;
  };
  const roles: Record<string, number> = { bot: 0, postgres: 0, redis: 0 };
  for (const [pid, proc] of procs) {
    if (inTree(pid)) roles.bot! += proc.cpuMs;
    else if (proc.comm.startsWith('postgres')) {
      // Backends name their database in the process title; other databases' sessions (other
      // programs on the machine) are not counted, the shared background processes are.
      const title = readTitle(pid);
      if (title.includes(` ${database} `)) backendCpu.set(pid, proc.cpuMs);
      else if (!/\(\d+\)|\[local\]/.test(title)) roles.postgres! += proc.cpuMs;
    } else if (proc.comm.startsWith('redis-server')) roles.redis! += proc.cpuMs;
  }
  for (const ms of backendCpu.values()) roles.postgres! += ms;
  const own = process.cpuUsage();
  roles['load generator + fake'] = (own.user + own.system) / 1000;
  const [, ...machine] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  roles.machine = (machine[0]! + machine[1]! + machine[2]! + machine[5]! + machine[6]!) * 10; // USER_HZ = 100
  return roles;
}
